"""Sixteen processes initialising at once in one environment, as Lambda Managed Instances start one
Python process per concurrent request, sharing /tmp: S3 (moto's server, behind a proxy that counts the
requests) sees one GET of the model, and every process loads the same verified file."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from support import APP, CREDENTIALS, DEMO_ONNX, empty_s3, free_port

from inference.storage.model_store import cache_files, sha256_of

PROCESSES = 16
BUCKET, KEY = "models", "models/model.onnx"

# Imports first (what takes longest), then all wait for the same moment to run init.
CHILD = """
import os, sys, time
import numpy, onnxruntime, awscrt.s3  # noqa
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.001)
import inference.handler  # init: fetch, verify, load
"""


class CountingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards every request to S3 (moto) and counts the GETs of the model object."""

    upstream = ""
    gets = 0
    lock = threading.Lock()

    def _forward(self) -> None:
        if self.command == "GET" and KEY in self.path:
            with CountingProxy.lock:
                CountingProxy.gets += 1
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        # The upstream is moto's http://127.0.0.1 endpoint, set by the fixture.
        url = self.upstream + self.path
        request = urllib.request.Request(url, data=body, headers=headers, method=self.command)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                status, data, answer_headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as e:
            status, data, answer_headers = e.code, e.read(), e.headers
        self.send_response(status)
        for name, value in answer_headers.items():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_POST = _forward

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy(endpoint):
    CountingProxy.upstream, CountingProxy.gets = endpoint, 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), CountingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_sixteen_processes_one_download_every_process_loads_the_verified_file(endpoint, proxy, tmp_path, monkeypatch):
    s3 = empty_s3(endpoint, monkeypatch, BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    with open(DEMO_ONNX, "rb") as f:
        version = s3.put_object(Bucket=BUCKET, Key=KEY, Body=f)["VersionId"]
    sha = sha256_of(DEMO_ONNX)
    cache = tmp_path / "tmp"
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": APP,
        **CREDENTIALS,
        "AWS_ENDPOINT_URL_S3": proxy,
        "MODEL_BUCKET": BUCKET,
        "MODEL_KEY": KEY,
        "MODEL_VERSION_ID": version,
        "MODEL_SHA256": sha,
        "MODEL_CACHE_DIR": str(cache),
        "INIT_BUDGET_SECONDS": "60",
        "OMP_NUM_THREADS": "1",
    }
    start = time.time() + 4.0  # after every interpreter has imported its runtime
    argv = [sys.executable, "-c", CHILD, str(start)]
    procs = [
        subprocess.Popen(argv, env=env, cwd=APP, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, [err for _, err in outs if err][:1]
    loaded = [json.loads(line) for out, _ in outs for line in out.splitlines() if '"model loaded"' in line]
    assert len(loaded) == PROCESSES
    assert {record["sha256"] for record in loaded} == {sha[:12]}
    assert CountingProxy.gets == 1, f"{CountingProxy.gets} GETs of the model"
    assert cache_files(cache) == [f"model-{sha}.bin"]
    assert sha256_of(str(cache / f"model-{sha}.bin")) == sha
