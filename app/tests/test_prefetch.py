"""prefetch.py: the model's download begun before init's heavy imports, then taken by build() as the
download in its own place would have given it: the same file, the same error, one S3 client."""

import hashlib
import os
import subprocess
import sys
import threading
import time

import pytest
from support import empty_s3

from inference import prefetch
from inference.app import build
from inference.errors import ModelLoadError
from inference.settings import Settings
from inference.storage import model_store
from inference.storage.model_store import ModelSource

BUCKET = "models-bucket"
KEY = "models/model.onnx"
DEMO = os.path.join(os.path.dirname(__file__), "..", "model", "model.onnx")
SHA = "a" * 64
S3_MODEL = {"MODEL_BUCKET": BUCKET, "MODEL_KEY": KEY, "MODEL_VERSION_ID": "v1", "MODEL_SHA256": SHA}


@pytest.fixture
def held_fetch(monkeypatch):
    """model_store.fetch replaced by one that records its arguments and waits until released."""
    calls: list[tuple[object, ...]] = []
    release = threading.Event()
    outcome: dict[str, object] = {"path": "/cache/model.bin"}

    def fetch(source, cache_dir, downloader=None, deadline=None):
        calls.append((source, cache_dir, downloader, deadline))
        assert release.wait(10)
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["path"]

    monkeypatch.setattr(model_store, "fetch", fetch)
    return calls, release, outcome


def test_the_module_imports_neither_numpy_nor_a_runtime():
    """What it imports runs before the download begins: numpy or a runtime there would leave nothing to overlap."""
    code = (
        "import sys, inference.prefetch\n"
        "print(sorted(m for m in ('numpy', 'onnxruntime', 'sklearn', 'tokenizers', 'awscrt') if m in sys.modules))"
    )
    app_dir = os.path.join(os.path.dirname(__file__), "..")
    out = subprocess.run([sys.executable, "-c", code], cwd=app_dir, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "env",
    [
        {"MODEL_PATH": DEMO},
        {**S3_MODEL, "MODELS_MANIFEST": '{"bucket": "b", "key": "k", "sha256": "' + SHA + '"}'},
        {**S3_MODEL, "INIT_BUDGET_SECONDS": "0"},
        {**S3_MODEL, "MODEL_SHA256": "not-a-sha"},
        {"MODEL_BUCKET": BUCKET, "MODEL_KEY": KEY},
        {**S3_MODEL, "CAPTURE_URI": "s3://bucket/capture/", "CAPTURE_SAMPLING_PERCENTAGE": "-1"},
        {**S3_MODEL, "MAX_BATCH_ROWS": "none"},
    ],
    ids=["in the image", "many models", "bad budget", "bad sha256", "no sha256", "bad capture", "bad limit"],
)
def test_nothing_begins_for_a_model_in_the_image_many_models_or_an_environment_init_refuses(env, held_fetch):
    calls, _, _ = held_fetch
    assert prefetch.begin(env) is None
    assert calls == []


def test_the_download_runs_while_init_goes_on(held_fetch):
    calls, release, _ = held_fetch
    env = {**S3_MODEL, "MODEL_CACHE_DIR": "/cache", "INIT_BUDGET_SECONDS": "30"}
    download = prefetch.begin(env)
    assert download is not None
    try:
        # begin() came back while the fetch is still held: init's imports go on meanwhile.
        for _ in range(100):
            if calls:
                break
            threading.Event().wait(0.01)
        source, cache_dir, client, deadline = calls[0]
        assert (source, cache_dir, client) == (ModelSource.from_env(env), "/cache", download.storage)
        assert deadline == Settings.from_env(env).download_deadline
        assert download.source == ModelSource.from_env(env)
    finally:
        release.set()
    assert download.path() == "/cache/model.bin"
    assert len(calls) == 1


def test_its_failure_is_raised_where_init_takes_the_file(held_fetch):
    _, release, outcome = held_fetch
    error = ModelLoadError("checksum mismatch for s3://models-bucket/models/model.onnx (version v1)")
    outcome["error"] = error
    download = prefetch.begin(S3_MODEL)
    assert download is not None
    release.set()
    with pytest.raises(ModelLoadError) as info:
        download.path()
    assert info.value is error


def test_build_serves_the_downloaded_model_with_the_downloads_client(endpoint, monkeypatch, tmp_path):
    """Against S3 on loopback: the model downloads once, in the download's thread, and init's jobs share its client."""
    # Init's budget counts from here, as it would from the function's first import.
    monkeypatch.setattr("inference.settings.INIT_STARTED", time.perf_counter())
    s3 = empty_s3(endpoint, monkeypatch, BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    body = open(DEMO, "rb").read()  # noqa: SIM115
    version = s3.put_object(Bucket=BUCKET, Key=KEY, Body=body)["VersionId"]
    env = {**os.environ, **S3_MODEL, "MODEL_VERSION_ID": version, "MODEL_SHA256": hashlib.sha256(body).hexdigest(),
           "MODEL_CACHE_DIR": str(tmp_path), "AWS_ENDPOINT_URL_S3": endpoint}  # fmt: skip
    env.pop("MODEL_PATH", None)
    fetched: list[str | None] = []
    real = model_store.fetch

    def counting(source, *args, **kwargs):
        fetched.append(threading.current_thread().name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(model_store, "fetch", counting)
    download = prefetch.begin(env)
    assert download is not None
    app = build(env, download)
    assert fetched == ["model-download"]
    assert app.services.storage is download.storage
    answer = app({"features": [5.1, 3.5, 1.4, 0.2]}, type("Context", (), {"aws_request_id": "r"})())
    assert answer["predictions"] == ["setosa"]
