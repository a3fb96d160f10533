"""Failure drills of init, each run as Lambda runs it (a fresh interpreter importing the handler):
S3 that accepts connections and never answers, S3 that answers 503 to everything, a /tmp too small
for the model, and an unexpected exception. Each must end in one "init failed" line, inside the init
budget, with no partial download left behind."""

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

import boto3
import pytest
from moto.server import ThreadedMotoServer
from support import APP

from inference.storage.model_store import cache_files

BUDGET_SECONDS = 3.0
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
S3_MODEL = {"MODEL_BUCKET": "models", "MODEL_KEY": "models/model.onnx", "MODEL_SHA256": "a" * 64}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def init(cache_dir, **env):
    """Imports the handler in a fresh interpreter; (seconds it took, return code, the logged JSON lines)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import inference.handler"],
        cwd=APP,
        env={
            "PATH": os.environ["PATH"],
            **CREDENTIALS,
            "MODEL_CACHE_DIR": str(cache_dir),
            "INIT_BUDGET_SECONDS": str(BUDGET_SECONDS),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return time.perf_counter() - started, result.returncode, lines


@contextlib.contextmanager
def black_hole():
    """A TCP server that accepts every connection and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


class SlowDown(http.server.BaseHTTPRequestHandler):
    """S3 throttling everything, as it does under a burst: 503 SlowDown."""

    requests = 0

    def do_GET(self):
        SlowDown.requests += 1
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def throttling_s3():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowDown)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_s3_that_never_answers_fails_init_within_the_budget(tmp_path):
    with black_hole() as endpoint:
        seconds, code, lines = init(tmp_path, **S3_MODEL, AWS_ENDPOINT_URL_S3=endpoint)
    assert code == 1
    assert len(lines) == 1 and lines[0]["message"] == "init failed", lines
    assert lines[0]["error"].startswith(
        "could not download s3://models/models/model.onnx (version latest) within the init budget: "
    )
    assert "INIT_BUDGET_SECONDS (the component's initBudgetSeconds)" in lines[0]["error"]
    assert lines[0]["initMs"] < BUDGET_SECONDS * 1000, "init gave up inside its budget"
    assert cache_files(tmp_path) == [], "no partial download is left"
    print(f"\nS3 black-holed: init failed after {lines[0]['initMs']:.0f} ms of init ({seconds:.2f} s in all)")


def test_s3_answering_503_fails_init_within_the_budget(tmp_path):
    SlowDown.requests = 0
    with throttling_s3() as endpoint:
        seconds, code, lines = init(tmp_path, **S3_MODEL, AWS_ENDPOINT_URL_S3=endpoint)
    assert code == 1
    assert len(lines) == 1 and lines[0]["message"] == "init failed", lines
    error = lines[0]["error"]
    # Whichever ends first, the CRT's retries (their backoff is jittered) or the init budget, the line says which.
    assert error == "S3 error reading s3://models/models/model.onnx (version latest): SlowDown" or error.startswith(
        "could not download s3://models/models/model.onnx (version latest) within the init budget: "
    )
    assert lines[0]["initMs"] < BUDGET_SECONDS * 1000, "init gave up inside its budget"
    assert SlowDown.requests >= 2, "throttling is retried"
    assert cache_files(tmp_path) == []
    print(
        f"\nS3 answering 503: init failed after {lines[0]['initMs']:.0f} ms of init ({seconds:.2f} s in all), "
        f"{SlowDown.requests} requests: {error}"
    )


@pytest.fixture
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._port}"
    server.stop()


@pytest.fixture
def tiny_tmp(tmp_path):
    """A 64 KiB file system, as /tmp is when something else filled it."""
    mount = tmp_path / "tmp"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_tmp_fails_init_saying_so(tiny_tmp, moto_endpoint, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="models")
    body = os.urandom(512 * 1024)
    import hashlib

    client.put_object(Bucket="models", Key="models/model.onnx", Body=body)
    seconds, code, lines = init(
        tiny_tmp, **{**S3_MODEL, "MODEL_SHA256": hashlib.sha256(body).hexdigest()}, AWS_ENDPOINT_URL_S3=moto_endpoint
    )
    assert code == 1
    assert len(lines) == 1 and lines[0]["message"] == "init failed", lines
    assert lines[0]["error"].startswith("could not download s3://models/models/model.onnx (version latest): ")
    assert cache_files(tiny_tmp) == [], "the partial download is removed, freeing /tmp"
    print(f"\n/tmp full: init failed after {seconds:.2f} s: {lines[0]['error']}")


def test_an_unexpected_exception_is_logged_as_init_failed_too(tmp_path):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    _, code, lines = init(not_a_folder, **S3_MODEL, AWS_ENDPOINT_URL_S3="http://127.0.0.1:9")
    assert code == 1
    assert len(lines) == 1 and lines[0]["message"] == "init failed"
    assert lines[0]["error"].startswith("FileExistsError: ")
