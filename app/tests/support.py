"""What the app's tests, and the local tools' and bench's tests, share: the demo models and their
signatures, a made-up invocation context, the app built around a loaded model, and moto's S3 on
loopback. Importable from every test folder (pyproject.toml puts app/tests on pytest's path); the
fixtures themselves are registered by each folder's conftest.py."""

import json
import os
import socket

import pytest

APP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(APP)
PACKAGE = os.path.join(APP, "inference")  # the function: what the image puts in /var/task/inference
MODEL_DIR = os.path.join(APP, "model")
DEMO_MODEL = os.path.join(MODEL_DIR, "sklearn", "model.joblib")
DEMO_ONNX = os.path.join(MODEL_DIR, "model.onnx")
DEMO_SAMPLE = os.path.join(MODEL_DIR, "sklearn", "sample.json")
with open(os.path.join(MODEL_DIR, "sklearn", "training.json")) as f:
    DEMO_METADATA = json.load(f)
with open(os.path.join(MODEL_DIR, "sklearn", "model.json")) as f:
    SKLEARN_SIGNATURE = json.load(f)
with open(os.path.join(MODEL_DIR, "model.json")) as f:
    ONNX_METADATA = json.load(f)
DEMO_MODELS = {"onnx": DEMO_ONNX, "sklearn": DEMO_MODEL}
DEMO_SHA256 = {"onnx": ONNX_METADATA["sha256"], "sklearn": DEMO_METADATA["sha256"]}

os.environ["MODEL_PATH"] = DEMO_ONNX
os.environ["MODEL_SHA256"] = ONNX_METADATA["sha256"]


@pytest.fixture
def demo_metadata():
    return DEMO_METADATA


class Context:
    aws_request_id = "req-test-0001"


@pytest.fixture
def context():
    return Context()


_LOADED = {}


def predictor_for(runtime):
    """The demo model loaded once per runtime, as init loads it."""
    if runtime not in _LOADED:
        from inference import runtimes

        _LOADED[runtime] = runtimes.runtime(runtime).load(DEMO_MODELS[runtime], f"demo {runtime} model")
    return _LOADED[runtime]


def make_app(predictor, *, version_id=None, sha256=None, name="model", limits=None, metrics=None, **services):
    """A fresh App (cold) around a loaded model, as init builds it around the deployed one."""
    from inference.app import assemble
    from inference.models import ServedModel

    return assemble(ServedModel(name, predictor, sha256, version_id), limits, metrics=metrics, **services)


def app_for(runtime):
    """A fresh App (cold) around the demo model of `runtime`."""
    return make_app(predictor_for(runtime), sha256=DEMO_SHA256[runtime])


@pytest.fixture(params=["onnx", "sklearn"])
def runtime(request):
    return request.param


@pytest.fixture
def app(runtime):
    return app_for(runtime)


CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def endpoint():
    """moto's S3 API on loopback, for the tests whose client is the function's own (awscrt)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._port}"
    server.stop()


def empty_s3(endpoint, monkeypatch, *buckets):
    """moto's S3 emptied, with `buckets` created, and the credentials the function's own client finds in its
    environment; returns a boto3 client of it."""
    import boto3
    import urllib3

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    urllib3.request("POST", f"{endpoint}/moto-api/reset")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for bucket in buckets:
        client.create_bucket(Bucket=bucket)
    return client


QUEUE_OUTPUT_BUCKET, QUEUE_INPUT_BUCKET = "results-bucket", "inputs-bucket"


def queue_app(endpoint, limits=None):
    """An App whose queued messages write under s3://results-bucket/async/ and may read under
    s3://inputs-bucket/requests/, on moto's S3 through the function's own client."""
    from inference.jobs import JobLocations
    from inference.storage.s3 import S3Client
    from inference.storage.s3uri import S3Uri

    jobs = JobLocations(
        queue_output=S3Uri(QUEUE_OUTPUT_BUCKET, "async/"), queue_inputs=(S3Uri(QUEUE_INPUT_BUCKET, "requests/"),)
    )
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], jobs=jobs, limits=limits,
                    storage=S3Client("us-east-1", endpoint), cold=False)  # fmt: skip
