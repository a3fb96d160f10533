"""Generated malformed inference requests (hypothesis): whatever is wrong with a tensor request, the
answer is a 4xx in the protocol's error shape, never a 500, and no value of the data is logged."""

import base64
import json

import numpy as np
import pytest
from graphs import save
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import make_app

from inference.runtimes import onnx as runtime_onnx
from inference.runtimes.spec import DATATYPES

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
