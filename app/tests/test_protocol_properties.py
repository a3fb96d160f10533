"""Generated malformed inference requests (hypothesis): whatever is wrong with a tensor request, the
answer is a 4xx in the protocol's error shape, never a 500, and no value of the data is logged."""

import base64
import json

import numpy as np
import pytest
from graphs import save
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import make_app

from inference.errors import BadRequest
from inference.protocols.oip.tensors import Bounds, feed_for, plain_feed, read_inputs
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes.spec import DATATYPES, TensorSpec

PATH = "/v2/models/two_inputs/infer"
MARK = 987654.25  # a value no message may repeat


class Context:
    aws_request_id = "hypothesis"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    model = runtime_onnx.load(save("two_inputs", str(tmp_path_factory.mktemp("g"))), "two_inputs")
    return make_app(model, version_id="v", sha256="s", name="two_inputs")


def valid():
    return {
        "inputs": [
            {"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [MARK, 2, 3, 4, 5, 6]},
            {"name": "k", "shape": [2, 1], "datatype": "INT64", "data": [1, 2]},
        ]
    }


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=3)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=2),
    max_leaves=6,
)


@st.composite
def mutations(draw):
    """A valid request with one thing broken, and how the body is sent (JSON, or binary framing)."""
    request = valid()
    which = draw(st.integers(0, 1))
    tensor = request["inputs"][which]
    kind = draw(st.sampled_from(["datatype", "shape", "data", "field", "extra", "drop", "outputs", "top", "binary"]))
    if kind == "datatype":
        tensor["datatype"] = draw(st.one_of(st.sampled_from([*DATATYPES, "fp32", "FLOAT"]), values))
    elif kind == "shape":
        tensor["shape"] = draw(st.one_of(values, st.lists(st.integers(-3, 7), max_size=4)))
    elif kind == "data":
        tensor["data"] = draw(
            st.one_of(values, st.lists(scalars, max_size=8), st.lists(st.lists(scalars, max_size=3), max_size=3))
        )
    elif kind == "field":
        del tensor[draw(st.sampled_from(["name", "shape", "datatype", "data"]))]
    elif kind == "extra":
        request["inputs"].append({**tensor, "name": draw(st.text(max_size=4))})
    elif kind == "drop":
        request["inputs"].pop(which)
    elif kind == "outputs":
        request["outputs"] = draw(
            st.one_of(values, st.lists(st.fixed_dictionaries({"name": st.text(max_size=6)}), max_size=2))
        )
    elif kind == "top":
        request[draw(st.sampled_from(["id", "parameters", "inputs"]))] = draw(values)
    if kind != "binary":
        return json.dumps(request).encode(), {}
    # Binary framing with sizes that may not add up, or a header length that may lie.
    data = np.asarray(tensor.pop("data"), dtype=np.float32 if which == 0 else np.int64).tobytes()
    declared = draw(st.one_of(st.just(len(data)), st.integers(0, 64)))
    tensor["parameters"] = {"binary_data_size": declared}
    header = json.dumps(request).encode()
    sent = data[: draw(st.integers(0, len(data)))] + draw(st.binary(max_size=8))
    length = draw(st.one_of(st.just(str(len(header))), st.integers(-5, 400).map(str), st.text(max_size=3)))
    return header + sent, {"inference-header-content-length": length}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=mutations())
def test_every_malformed_request_is_a_4xx_naming_no_data(app, capsys, mutation):
    body, headers = mutation
    event = {
        "rawPath": PATH,
        "headers": headers,
        "requestContext": {"http": {"method": "POST", "path": PATH}},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }
    response = app(event, Context())
    answer = json.loads(base64.b64decode(response["body"]) if response["isBase64Encoded"] else response["body"])
    log = capsys.readouterr().out
    if response["statusCode"] == 200:
        return  # a mutation that left the request valid (a safe datatype, an id that is a string, ...)
    assert 400 <= response["statusCode"] < 500, answer
    assert set(answer) == {"error", "code"} and isinstance(answer["error"], str)
    assert str(MARK) not in answer["error"] and str(MARK) not in log


# The one-pass read of the commonest request (tensors.plain_feed) against the full read, on requests near it.
ONE_INPUT = {
    "FP32": TensorSpec("X", "FP32", (-1, 4)),
    "FP64": TensorSpec("X", "FP64", (2, -1)),
    "INT64": TensorSpec("X", "INT64", (-1, 2)),
    "rank0": TensorSpec("X", "FP32", ()),
    "free": TensorSpec("X", "FP32", (-1, -1)),
}
near_numbers = st.one_of(
    st.floats(width=32),
    st.floats(),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.sampled_from([3.4e38, 3.5e38, -3.5e38, 1.7976931348623157e308]),
    st.text(max_size=2),
    st.none(),
)


@st.composite
def near_plain(draw):
    """(a spec, a request of the commonest kind for it, valid or with one part changed)."""
    spec = ONE_INPUT[draw(st.sampled_from(sorted(ONE_INPUT)))]
    rows = draw(st.integers(1, 4))
    width = spec.shape[1] if spec.shape and spec.shape[1] != -1 else draw(st.integers(1, 5))
    shape = [rows if spec.shape[0] == -1 else spec.shape[0], width] if spec.shape else []
    count = shape[0] * width if shape else 1
    data = draw(st.lists(st.floats(-5, 5) | st.integers(-9, 9), min_size=count, max_size=count))
    item = {"name": "X", "shape": shape, "datatype": spec.datatype, "data": data}
    inputs = [item]
    changes = ["none", "name", "datatype", "shape", "dim", "swap", "negate", "value", "data", "field", "inputs"]
    change = draw(st.sampled_from(changes))
    if change == "name":
        item["name"] = draw(st.sampled_from(["x", "Y", "", 1]))
    elif change == "datatype":
        item["datatype"] = draw(st.sampled_from(["FP64", "FP32", "FP16", "INT32", "BYTES", "fp32", None]))
    elif change == "shape":
        item["shape"] = draw(st.lists(st.integers(-2, 5) | st.booleans(), max_size=3) | values)
    elif change == "dim" and shape:
        shape[draw(st.integers(0, len(shape) - 1))] = draw(st.integers(-2, 8) | st.booleans())
    elif change == "swap":  # the same count of values, in a shape the model may not take
        shape.reverse()
    elif change == "negate":  # the same count of values, in no shape at all
        item["shape"] = [-d for d in shape]
    elif change == "value":
        data[draw(st.integers(0, len(data) - 1))] = draw(near_numbers)
    elif change == "data":
        item["data"] = draw(st.lists(st.floats(-5, 5), max_size=9) | values | st.just([data]))
    elif change == "field":
        if draw(st.booleans()):
            item[draw(st.sampled_from(["parameters", "extra"]))] = draw(values)
        else:
            del item[draw(st.sampled_from(sorted(item)))]
    elif change == "inputs":
        inputs = draw(st.sampled_from([[item, dict(item, name="Y")], [], [item, item]]))
    return spec, {"inputs": item if change == "inputs" and not inputs else inputs}


def _one(spec: str, shape: list[int], data: list[float]) -> tuple[TensorSpec, dict[str, list[dict[str, object]]]]:
    item = {"name": "X", "shape": shape, "datatype": ONE_INPUT[spec].datatype, "data": data}
    return ONE_INPUT[spec], {"inputs": [item]}


@settings(max_examples=1500, deadline=None)
@given(case=near_plain(), max_rows=st.sampled_from([2, 1000]))
# Besides the generated requests, one of each thing the one-pass read must leave to the full read.
@example(case=_one("FP32", [1, 4], [1, 2, 3.5e38, 4]), max_rows=2)  # beyond float32
@example(case=_one("FP64", [2, 1], [1, float("nan")]), max_rows=2)
@example(case=_one("FP32", [3, 4], [1.0] * 12), max_rows=2)  # more rows than allowed
@example(case=_one("FP64", [1, 2], [1.0, 2.0]), max_rows=2)  # a fixed dimension of another size
@example(case=_one("free", [-2, -2], [1.0] * 4), max_rows=9)  # negative dimensions whose product fits
def test_the_one_pass_read_equals_the_full_read_and_refuses_nothing(case, max_rows):
    spec, document = case
    bounds = Bounds(max_elements=6 * 1024 * 1024, max_rows=max_rows)
    plain = plain_feed(document, spec, bounds)
    try:
        (tensor,) = read_inputs(document, b"", bounds, {spec.name: spec})
        full = feed_for(tensor, spec)
    except BadRequest:
        assert plain is None
        return
    except ValueError:  # two inputs: the full read gives both, the protocol then names the unknown one
        assert plain is None
        return
    if plain is not None:
        assert (plain.dtype, plain.shape) == (full.dtype, full.shape)
        assert np.array_equal(plain, full)


def test_the_one_pass_read_takes_the_commonest_request():
    spec = ONE_INPUT["FP32"]
    document = {"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [1, 2.5, 3, 4, 5, 6, 7, 8]}]}
    feed = plain_feed(document, spec, Bounds(100, 10))
    assert feed is not None and feed.dtype == np.float32 and feed.shape == (2, 4)
    assert feed.tolist() == [[1, 2.5, 3, 4], [5, 6, 7, 8]]
