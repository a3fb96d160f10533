"""An unchanged Triton client (tritonclient[http], a standard Open Inference Protocol client) against
`npm start -- --serve`: the function under the runtime emulator behind its local function URL, as a
deployed function URL would carry each request (binary bodies base64-encoded)."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tritonclient.http as triton
from graphs import save
from support import APP
from tritonclient.utils import InferenceServerException

ROOT = os.path.dirname(APP)
IRIS = np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [6.3, 3.3, 6.0, 2.5]], dtype=np.float32)


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serving(model, name):
    """`npm start -- --model M --model-name N --serve`, once its endpoint is up; (client, process)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "local", "start.py"), "--model", model, "--model-name", name,
         "--serve", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    for line in proc.stdout:
        if "InferenceServerClient" in line:
            return triton.InferenceServerClient(f"127.0.0.1:{port}"), proc
    raise AssertionError(f"npm start --serve did not come up: {proc.wait()}")


@pytest.fixture(scope="module")
def iris():
    client, proc = start_serving(os.path.join(APP, "model", "model.onnx"), "iris")
    yield client
    client.close()
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def two_inputs(tmp_path_factory):
    import convert

    path = save("two_inputs", str(tmp_path_factory.mktemp("two_inputs")))
    assert convert.main(["--describe", "--model", path]) == 0
    client, proc = start_serving(path, "scaler")
    yield client
    client.close()
    proc.terminate()
    proc.wait(timeout=30)


def test_server_and_model_readiness_and_metadata(iris):
    assert iris.is_server_live() and iris.is_server_ready()
    assert iris.is_model_ready("iris")
    assert not iris.is_model_ready("other")
    assert iris.get_server_metadata() == {
        "name": "lambda-inference",
        "version": "0.2.0",
        "extensions": ["binary_tensor_data"],
    }
    metadata = iris.get_model_metadata("iris")
    assert metadata["platform"] == "onnxruntime_onnx"
    assert metadata["inputs"] == [{"name": "X", "datatype": "FP32", "shape": [-1, 4]}]
    version = metadata["versions"][0]
    assert iris.get_model_metadata("iris", model_version=version)["name"] == "iris"
    assert iris.is_model_ready("iris", model_version=version)
    with pytest.raises(InferenceServerException, match="model 'iris' has no version 'v0'"):
        iris.get_model_metadata("iris", model_version="v0")


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_infer_as_triton_is_called(iris, binary):
    x = triton.InferInput("X", list(IRIS.shape), "FP32")
    x.set_data_from_numpy(IRIS, binary_data=binary)
    outputs = [triton.InferRequestedOutput("label", binary_data=binary), triton.InferRequestedOutput("probabilities")]
    result = iris.infer("iris", [x], outputs=outputs, request_id="r-7")
    assert result.as_numpy("label").astype(str).tolist() == ["setosa", "versicolor", "virginica"]
    probabilities = result.as_numpy("probabilities")
    assert probabilities.shape == (3, 3) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    response = result.get_response()
    assert response["id"] == "r-7" and response["model_name"] == "iris"


def test_outputs_requested_by_name_and_every_output_by_default(iris):
    x = triton.InferInput("X", [1, 4], "FP32")
    x.set_data_from_numpy(IRIS[:1])
    only = iris.infer("iris", [x], outputs=[triton.InferRequestedOutput("probabilities")])
    assert [o["name"] for o in only.get_response()["outputs"]] == ["probabilities"]
    assert only.as_numpy("label") is None
    every = iris.infer("iris", [x])
    assert every.as_numpy("label").astype(str).tolist() == ["setosa"]


def test_several_inputs_of_different_datatypes(two_inputs):
    metadata = two_inputs.get_model_metadata("scaler")
    assert [(i["name"], i["datatype"]) for i in metadata["inputs"]] == [("x", "FP32"), ("k", "INT64")]
    x = triton.InferInput("x", [2, 3], "FP32")
    x.set_data_from_numpy(np.array([[0.1, 0.2, 0.3], [1, 2, 3]], dtype=np.float32))
    k = triton.InferInput("k", [2, 1], "INT64")
    k.set_data_from_numpy(np.array([[2], [3]], dtype=np.int64), binary_data=False)
    result = two_inputs.infer("scaler", [x, k])
    assert np.allclose(result.as_numpy("scaled"), [[0.2, 0.4, 0.6], [3, 6, 9]])
    assert result.as_numpy("large").tolist() == [[False] * 3, [True] * 3]


def test_the_protocols_errors_reach_the_client(two_inputs):
    x = triton.InferInput("x", [1, 3], "FP64")
    x.set_data_from_numpy(np.zeros((1, 3)))
    # Each input is checked against the model's declaration before its data is read.
    with pytest.raises(InferenceServerException, match=r"\[400\] input 'x' is FP64; the model declares FP32 \[-1, 3\]"):
        two_inputs.infer("scaler", [x])
    x = triton.InferInput("x", [1, 3], "FP32")
    x.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
    with pytest.raises(InferenceServerException, match=r"\[400\] input 'k' \(INT64 \[-1, 1\]\) is missing"):
        two_inputs.infer("scaler", [x])
    with pytest.raises(InferenceServerException, match="model 'iris' is not served here"):
        two_inputs.infer("iris", [x])
