"""Small ONNX graphs built with onnx.helper, of the kinds users bring that are not one feature matrix:
two inputs of different datatypes, an N-D (image-like) input, INT64 token ids, text, and one whose
answer is far larger than its request."""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]


def _model(graph: onnx.GraphProto) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def two_inputs() -> onnx.ModelProto:
    """scaled = x * float(k): x FP32 [-1, 3], k INT64 [-1, 1]; and a BOOL output, scaled > 1."""
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["k"], ["k_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["x", "k_float"], ["scaled"]),
            helper.make_node("Greater", ["scaled", "one"], ["large"]),
        ],
        "two_inputs",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3]),
            helper.make_tensor_value_info("k", TensorProto.INT64, ["batch", 1]),
        ],
        [
            helper.make_tensor_value_info("scaled", TensorProto.FLOAT, ["batch", 3]),
            helper.make_tensor_value_info("large", TensorProto.BOOL, ["batch", 3]),
        ],
        initializer=[numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one")],
    )
    return _model(graph)


def image() -> onnx.ModelProto:
    """The mean of each channel: pixels FP32 [-1, 3, 4, 4] to means FP32 [-1, 3]."""
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["pixels"], ["means"], axes=[2, 3], keepdims=0)],
        "image",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 3, 4, 4])],
        [helper.make_tensor_value_info("means", TensorProto.FLOAT, ["batch", 3])],
    )
    return _model(graph)


EMBEDDINGS = np.arange(40, dtype=np.float32).reshape(10, 4) / 10


def tokens() -> onnx.ModelProto:
    """A bag of embeddings: token ids INT64 [-1, -1] (batch, sequence) to the mean embedding FP32 [-1, 4]."""
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["embeddings", "input_ids"], ["vectors"]),
            helper.make_node("ReduceMean", ["vectors"], ["embedding"], axes=[1], keepdims=0),
        ],
        "tokens",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 4])],
        initializer=[numpy_helper.from_array(EMBEDDINGS, "embeddings")],
    )
    return _model(graph)


def text() -> onnx.ModelProto:
    """Text in, text out: a BYTES input [-1] given back as it came."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["text"], ["echo"])],
        "text",
        [helper.make_tensor_value_info("text", TensorProto.STRING, ["batch"])],
        [helper.make_tensor_value_info("echo", TensorProto.STRING, ["batch"])],
    )
    return _model(graph)


WIDE = 20_000


def wide() -> onnx.ModelProto:
    """A small request with a large answer: x FP32 [-1, 1] spread to FP32 [-1, WIDE]."""
    graph = helper.make_graph(
        [helper.make_node("Expand", ["x", "width"], ["spread"])],
        "wide",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor_value_info("spread", TensorProto.FLOAT, ["batch", WIDE])],
        initializer=[numpy_helper.from_array(np.array([1, WIDE], dtype=np.int64), "width")],
    )
    return _model(graph)


GRAPHS = {"two_inputs": two_inputs, "image": image, "tokens": tokens, "text": text, "wide": wide}


def save(name: str, folder: str) -> str:
    """Writes GRAPHS[name] to folder/model.onnx and returns its path."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    onnx.save(GRAPHS[name](), path)
    return path
