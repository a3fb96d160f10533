"""P1.large.s3 and P6.large: a large ONNX model (a generated 300 MB embedding table, its weights in a file beside
the graph as exporters write large models) fetched from S3 on loopback at cold init.

P1.large.s3  fresh process to ready, ours (the model and its weights downloaded in parallel ranged GETs, each
             part hashed as it lands, verified, and the weights memory-mapped by ONNX Runtime), against the plain
             way: boto3's download_file of each file, then hashing each, then InferenceSession.
P6.large     our peak resident memory during that init, against the model's size: no second copy of the bytes.

The S3 API is gofakes3 (bench/s3server, built from the Go module proxy on first use): an in-memory server fast
enough that the measure is the client's, where moto would measure itself.
"""

import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import measure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(measure.BENCH, "large")
SERVER = os.path.join(measure.BENCH, "bin", "s3server")
ROWS, DIMENSION = 1_200_000, 64  # float32: 307 MB
BUCKET = "large-models"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "us-east-1",
    # gofakes3 sends no CRC checksums; boto3 would otherwise insist on them.
    "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
    "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
}
# VmHWM, not getrusage: ru_maxrss survives exec, so a child would report the bench's own peak.
REPORT = (
    "import json, re; print(json.dumps({'peak_kb': int(re.search(r'VmHWM:\\s+(\\d+)', "
    "open('/proc/self/status').read()).group(1))}))"
)
PLAIN = """
import hashlib, os, sys, boto3, onnxruntime as ort
bucket, folder, *parts = sys.argv[1:]
s3 = boto3.client("s3")
for key, sha256 in zip(parts[::2], parts[1::2]):
    path = os.path.join(folder, os.path.basename(key))
    s3.download_file(bucket, key, path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    assert digest.hexdigest() == sha256
options = ort.SessionOptions()
options.intra_op_num_threads = 1
ort.InferenceSession(os.path.join(folder, "model.onnx"), options, providers=["CPUExecutionProvider"])
print("ready")
"""


def model() -> tuple[str, str]:
    """(model.onnx, model.onnx.data): a Gather over a generated table, then a mean over the sequence (the app's
    test models, app/tests/transformer_models.py, at 300 MB)."""
    graph, data = os.path.join(FOLDER, "model.onnx"), os.path.join(FOLDER, "model.onnx.data")
    if not os.path.exists(data):
        sys.path.insert(0, os.path.join(ROOT, "app", "tests"))
        import transformer_models

        os.makedirs(FOLDER, exist_ok=True)
        transformer_models.embedding_table(graph, ROWS, DIMENSION)
    return graph, data


def server() -> str:
    """The S3 server's binary, built once from bench/s3server with the Go toolchain."""
    if not os.path.exists(SERVER):
        source = os.path.join(ROOT, "bench", "s3server")
        subprocess.run(["go", "build", "-o", SERVER, "."], cwd=source, check=True)
    return SERVER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ready(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds from spawning to the 'ready' line, peak resident bytes of that process up to it). The exit after
    the line is not counted (measure.ready_output), as Lambda never waits for it."""
    seconds, lines = measure.ready_output([*argv[:-1], argv[-1] + "\n" + REPORT], env, measure.APP)
    return seconds, json.loads(lines[-1])["peak_kb"] * 1024


def p1_large(runs: int = 3) -> dict[str, Any]:
    import boto3

    graph, data = model()
    hashes = {path: _sha256(path) for path in (graph, data)}
    port = _free_port()
    proc = subprocess.Popen([server(), "-addr", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # Both sides without ONNX Runtime's telemetry, which the app turns off (inference/__init__.py).
        env = {"PATH": os.environ["PATH"], "OMP_NUM_THREADS": "1", "ORT_DISABLE_TELEMETRY": "1", **CREDENTIALS,
               "AWS_ENDPOINT_URL_S3": endpoint}  # fmt: skip
        os.environ.update(CREDENTIALS)
        s3 = boto3.client("s3", endpoint_url=endpoint)
        for _ in range(50):
            try:
                s3.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # noqa: BLE001 - the server is still starting
                time.sleep(0.1)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        versions = {}
        for path in (graph, data):
            with open(path, "rb") as f:
                versions[path] = s3.put_object(Bucket=BUCKET, Key=f"large/{os.path.basename(path)}", Body=f)[
                    "VersionId"
                ]
        ours_env = {
            **env,
            "PYTHONPATH": measure.APP,
            "MODEL_BUCKET": BUCKET,
            "MODEL_KEY": "large/model.onnx",
            "MODEL_VERSION_ID": versions[graph],
            "MODEL_SHA256": hashes[graph],
            "MODEL_FORMAT": "onnx",
            "MODEL_FILES": json.dumps({"model.onnx.data": {"sha256": hashes[data], "versionId": versions[data]}}),
        }
        ours: list[tuple[float, int]] = []
        plain: list[tuple[float, int]] = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as cache:  # an empty /tmp: a real download every time
                ours.append(_ready([sys.executable, "-c", "import inference.handler; print('ready')"],
                                   {**ours_env, "MODEL_CACHE_DIR": cache}))  # fmt: skip
            with tempfile.TemporaryDirectory() as folder:
                parts = [v for p in (graph, data) for v in (f"large/{os.path.basename(p)}", hashes[p])]
                script = f"import sys\nsys.argv[1:] = {[BUCKET, folder, *parts]!r}\n{PLAIN}"
                plain.append(_ready([sys.executable, "-c", script], env))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {
        "model_bytes": os.path.getsize(graph) + os.path.getsize(data),
        "runs": runs,
        "ours_s": statistics.median(s for s, _ in ours),
        "plain_s": statistics.median(s for s, _ in plain),
        "ours_peak_bytes": max(b for _, b in ours),
        "plain_peak_bytes": max(b for _, b in plain),
    }
