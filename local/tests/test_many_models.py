"""Several models behind one local function (`npm start -- --model NAME=PATH ...`, as `models` deploys them):
each answers its own sample under its name, and an unchanged Triton client reaches each through --serve."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tritonclient.http as triton
from test_start import RIE, npm_start, ours_running
from test_tritonclient import IRIS, ROOT, free_port
from tritonclient.utils import InferenceServerException

MODELS = {
    "iris": os.path.join(ROOT, "app", "model", "model.onnx"),
    "wine": os.path.join(ROOT, "examples", "your-own-model", "model", "model.onnx"),
    "sentiment": os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx"),
}
ARGS = [arg for name, path in MODELS.items() for arg in ("--model", f"{name}={path}")]
needs_rie = pytest.mark.skipif(not os.path.exists(RIE), reason="aws-lambda-rie not built; run scripts/setup.sh")


@needs_rie
def test_each_model_answers_its_own_sample_under_its_name():
    result = npm_start(*ARGS)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "[start] 3 models in s3://local-models/models/: iris, wine, sentiment" in result.stdout
    for name in MODELS:
        assert f"  [{name}] the sample, POST /v2 infer" in result.stdout
        assert f"  [{name}] a value of the wrong type" in result.stdout


def test_models_named_twice_or_without_a_name_are_refused():
    for args in (["--model", "iris=a.onnx", "--model", "iris=b.onnx"], ["--model", "iris=a.onnx", "--model", "b.onnx"]):
        result = npm_start(*args)
        assert result.returncode == 1
        assert (
            "several models are each given as NAME=PATH, with a unique name" in result.stderr.strip().splitlines()[-1]
        )


@pytest.fixture(scope="module")
def served():
    before = ours_running()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "local", "start.py"), *ARGS, "--serve", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if "InferenceServerClient" in line:
            break
    client = triton.InferenceServerClient(f"127.0.0.1:{port}")
    yield client
    client.close()
    proc.terminate()
    proc.wait(timeout=30)
    # Stopped as Ctrl-C stops it: the S3 server, the emulator and the function go with it.
    assert ours_running() == before


@needs_rie
def test_a_triton_client_reaches_each_model(served):
    assert [(m["name"], m["state"]) for m in served.get_model_repository_index()] == [
        ("iris", "UNLOADED"), ("wine", "UNLOADED"), ("sentiment", "UNLOADED")
    ]  # fmt: skip
    iris = served.get_model_metadata("iris")["inputs"][0]["name"]
    sent = triton.InferInput(iris, list(IRIS.shape), "FP32")
    sent.set_data_from_numpy(IRIS)
    assert served.infer("iris", [sent]).as_numpy("label").tolist() == [b"setosa", b"versicolor", b"virginica"]
    wine = triton.InferInput(served.get_model_metadata("wine")["inputs"][0]["name"], [1, 13], "FP32")
    wine.set_data_from_numpy(np.full((1, 13), 1.0, dtype=np.float32))
    assert served.infer("wine", [wine]).as_numpy("label").shape == (1,)
    texts = triton.InferInput("text", [2], "BYTES")
    texts.set_data_from_numpy(np.array([b"a fine film", b"dull"], dtype=np.object_))
    assert served.infer("sentiment", [texts]).as_numpy("probabilities").shape == (2, 2)
    assert served.is_model_ready("wine")
    assert [m["state"] for m in served.get_model_repository_index()] == ["READY"] * 3
    with pytest.raises(InferenceServerException, match="model 'nope' is not served here; this function serves 'iris'"):
        served.get_model_metadata("nope")
