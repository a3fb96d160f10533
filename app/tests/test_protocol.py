"""The Open Inference Protocol under /v2: routes, metadata, tensors in JSON and binary, every HTTP event
shape, models that are not one feature matrix, and the protocol's errors."""

import base64
import json
import struct

import numpy as np
import pytest
from graphs import EMBEDDINGS, save
from support import DEMO_SHA256, app_for, make_app, predictor_for

from inference.contract import SERVER
from inference.runtimes import onnx as runtime_onnx

NAME = "iris"
SHA = DEMO_SHA256["onnx"][:12]


class Context:
    aws_request_id = "oip"


def serve(path, name="graph", version_id="3HL4kqtJ"):
    model = runtime_onnx.load(path, name)
    return make_app(model, version_id=version_id, sha256="abcdef012345", name=name)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    return {g: serve(save(g, str(tmp_path_factory.mktemp(g))), g) for g in ("two_inputs", "image", "tokens", "text")}


@pytest.fixture
def iris():

    return make_app(predictor_for("onnx"), version_id=None, sha256=SHA, name=NAME)


def url_event(method, path, body=None, headers=None, binary=False):
    """A function URL event (API Gateway HTTP API payload 2.0 is the same shape)."""
    event = {
        "version": "2.0",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {"http": {"method": method, "path": path}},
        "isBase64Encoded": binary,
    }
    if body is not None:
        event["body"] = base64.b64encode(body).decode() if binary else body
    return event


def rest_event(method, path, body=None, headers=None, binary=False):
    event = url_event(method, path, body, headers, binary)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": event["headers"],
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "stage": "prod"},
        "body": event.get("body"),
        "isBase64Encoded": binary,
    }


def alb_event(method, path, body=None, headers=None, binary=False):
    event = rest_event(method, path, body, headers, binary)
    event["requestContext"] = {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:...:targetgroup/t/1"}}
    del event["resource"]
    return event


SHAPES = {"function-url": url_event, "rest-api": rest_event, "alb": alb_event}


def answer(response):
    """(status, content type, the JSON document, the binary data after it) of a proxy response."""
    headers = response.get("headers") or {k: v[0] for k, v in response["multiValueHeaders"].items()}
    raw = base64.b64decode(response["body"]) if response["isBase64Encoded"] else response["body"].encode()
    length = int(headers.get("Inference-Header-Content-Length", len(raw)))
    return response["statusCode"], headers["Content-Type"], json.loads(raw[:length]), raw[length:]


def infer(app, document, shape=url_event, path=f"/v2/models/{NAME}/infer"):
    return answer(app(shape("POST", path, json.dumps(document)), Context()))


def binary_request(document, chunks):
    header = json.dumps(document).encode()
    return header + b"".join(chunks), {"Inference-Header-Content-Length": str(len(header))}


IRIS_ROWS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]


class TestRoutes:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_health_and_metadata_through_every_http_shape(self, iris, shape):
        event = SHAPES[shape]
        routes = {
            "/v2": {"name": SERVER["name"], "version": SERVER["version"], "extensions": ["binary_tensor_data"]},
            "/v2/health/live": {"live": True},
            "/v2/health/ready": {"ready": True},
            f"/v2/models/{NAME}/ready": {"name": NAME, "ready": True},
            f"/v2/models/{NAME}/versions/{SHA}/ready": {"name": NAME, "ready": True},
        }
        for path, expected in routes.items():
            status, content_type, body, _ = answer(iris(event("GET", path), Context()))
            assert (status, content_type, body) == (200, "application/json", expected), path

    def test_model_metadata_is_read_from_the_graph(self, iris):
        expected = {
            "name": NAME,
            "versions": [SHA],
            "platform": "onnxruntime_onnx",
            "inputs": [{"name": "X", "datatype": "FP32", "shape": [-1, 4]}],
            "outputs": [
                {"name": "label", "datatype": "BYTES", "shape": [-1]},
                {"name": "probabilities", "datatype": "FP32", "shape": [-1, 3]},
            ],
        }
        for path in (f"/v2/models/{NAME}", f"/v2/models/{NAME}/", f"/v2/models/{NAME}/versions/{SHA}"):
            assert answer(iris(url_event("GET", path), Context()))[:3] == (200, "application/json", expected)

    def test_the_scikit_learn_runtime_declares_the_same_tensors_as_its_conversion(self):
        app = make_app(predictor_for("sklearn"), version_id="v7", sha256="x", name=NAME)
        _, _, body, _ = answer(app(url_event("GET", f"/v2/models/{NAME}"), Context()))
        assert body == {
            "name": NAME,
            "versions": ["v7"],
            "platform": "scikit-learn",
            "inputs": [{"name": "X", "datatype": "FP64", "shape": [-1, 4]}],
            "outputs": [
                {"name": "label", "datatype": "BYTES", "shape": [-1]},
                {"name": "probabilities", "datatype": "FP64", "shape": [-1, 3]},
            ],
        }
        _, _, body, _ = infer(
            app, {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": IRIS_ROWS[0]}]}
        )
        assert body["outputs"][0] == {"name": "label", "datatype": "BYTES", "shape": [1], "data": ["setosa"]}

    @pytest.mark.parametrize(
        "call, status, code, message",
        [
            (
                ("GET", "/v2/models/other"),
                404,
                "unknown_model",
                "model 'other' is not served here; this function serves 'iris'",
            ),
            (
                ("POST", "/v2/models/other/infer"),
                404,
                "unknown_model",
                "model 'other' is not served here; this function serves 'iris'",
            ),
            (
                ("GET", "/v2/models/iris/versions/9/ready"),
                404,
                "unknown_version",
                f"model 'iris' has no version '9'; it serves version '{SHA}'",
            ),
            (
                ("GET", "/v2/repository/index"),
                404,
                "unknown_route",
                "/v2/repository/index is not a route of the inference protocol; see GET /v2 and /v2/models/iris",
            ),
            (
                ("GET", "/v2/models/iris/infer/more"),
                404,
                "unknown_route",
                "/v2/models/iris/infer/more is not a route of the inference protocol; see GET /v2 and /v2/models/iris",
            ),
            (("POST", "/v2/health/live"), 405, "method_not_allowed", "/v2/health/live takes GET; got POST"),
            (("GET", "/v2/models/iris/infer"), 405, "method_not_allowed", "/v2/models/iris/infer takes POST; got GET"),
        ],
    )
    def test_unknown_routes_models_versions_and_methods(self, iris, call, status, code, message):
        method, path = call
        response = iris(url_event(method, path, "{}" if method == "POST" else None), Context())
        assert answer(response)[:3] == (status, "application/json", {"error": message, "code": code})
        if status == 405:
            assert response["headers"]["Allow"] == ("POST" if path.endswith("infer") else "GET")

    def test_the_native_contract_is_unchanged_outside_v2(self, iris):
        response = iris(url_event("POST", "/", json.dumps({"features": IRIS_ROWS[0]})), Context())
        assert json.loads(response["body"])["predictions"] == ["setosa"]
        response = iris(url_event("POST", "/predict/v2", json.dumps({"features": IRIS_ROWS[0]})), Context())
        assert json.loads(response["body"])["predictions"] == ["setosa"]


class TestInferJson:
    def test_one_row_flat_and_nested_with_id(self, iris):
        for data in (IRIS_ROWS[0], [IRIS_ROWS[0]]):
            request = {"id": "r-1", "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": data}]}
            status, content_type, body, rest = infer(iris, request)
            assert (status, content_type, rest) == (200, "application/json", b"")
            assert body["model_name"] == NAME and body["model_version"] == SHA and body["id"] == "r-1"
            assert body["parameters"] == {"model_sha256": SHA}
            assert body["outputs"][0] == {"name": "label", "datatype": "BYTES", "shape": [1], "data": ["setosa"]}
            probabilities = body["outputs"][1]
            assert (probabilities["name"], probabilities["datatype"], probabilities["shape"]) == (
                "probabilities",
                "FP32",
                [1, 3],
            )
            assert probabilities["data"][0] > 0.9

    def test_requested_outputs_only_and_no_id_without_one(self, iris):
        request = {
            "inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": IRIS_ROWS}],
            "outputs": [{"name": "probabilities"}],
        }
        _, _, body, _ = infer(iris, request)
        assert "id" not in body
        assert [o["name"] for o in body["outputs"]] == ["probabilities"]
        assert body["outputs"][0]["shape"] == [2, 3] and len(body["outputs"][0]["data"]) == 6

    def test_a_safe_cast_is_taken_and_an_unsafe_one_refused(self, iris):
        ints = {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "INT8", "data": [5, 3, 1, 0]}]}
        assert infer(iris, ints)[0] == 200
        doubles = {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP64", "data": IRIS_ROWS[0]}]}
        assert infer(iris, doubles)[:3] == (
            400,
            "application/json",
            {"error": "input 'X' is FP64; the model declares FP32 [-1, 4]", "code": "wrong_datatype"},
        )

    def test_a_direct_invoke_with_inputs_is_an_inference_request(self, iris):
        request = {"id": "d", "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": IRIS_ROWS[0]}]}
        body = iris(request, Context())
        assert body["id"] == "d" and body["outputs"][0]["data"] == ["setosa"]
        refused = iris({"inputs": [{"name": "Y", "shape": [1], "datatype": "FP32", "data": [1]}]}, Context())
        assert refused == {
            "status": 400,
            "error": "the model has no input 'Y'; it takes 'X' (FP32 [-1, 4])",
            "code": "unknown_input",
        }

    @pytest.mark.parametrize("shape", SHAPES)
    def test_the_same_request_through_every_http_shape(self, iris, shape):
        request = {"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": IRIS_ROWS}]}
        status, _, body, _ = infer(iris, request, SHAPES[shape])
        assert status == 200 and body["outputs"][0]["data"] == ["setosa", "versicolor"]

    def test_a_log_line_per_request_with_its_route_and_no_data(self, iris, capsys):
        request = {"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": IRIS_ROWS}]}
        infer(iris, request)
        iris(url_event("GET", "/v2/health/ready"), Context())
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(line["route"], line["status"], line["rows"]) for line in lines] == [
            ("infer", 200, 2),
            ("server_ready", 200, 0),
        ]
        assert "5.1" not in json.dumps(lines)


def tensor_bytes(array):
    return np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()


class TestBinary:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_binary_in_and_out_base64_through_every_shape(self, iris, shape):
        x = np.asarray(IRIS_ROWS, dtype=np.float32)
        document = {
            "inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "parameters": {"binary_data_size": 32}}],
            "outputs": [{"name": "label", "parameters": {"binary_data": True}}, {"name": "probabilities"}],
        }
        body, headers = binary_request(document, [tensor_bytes(x)])
        response = iris(SHAPES[shape]("POST", f"/v2/models/{NAME}/infer", body, headers, binary=True), Context())
        assert response["isBase64Encoded"] is True
        status, content_type, header, rest = answer(response)
        assert (status, content_type) == (200, "application/octet-stream")
        label = header["outputs"][0]
        assert label == {
            "name": "label",
            "datatype": "BYTES",
            "shape": [2],
            "parameters": {"binary_data_size": len(rest)},
        }
        assert rest == struct.pack("<I", 6) + b"setosa" + struct.pack("<I", 10) + b"versicolor"
        assert header["outputs"][1]["data"][0] > 0.9, "the other output stays JSON"

    def test_binary_data_output_makes_every_output_binary(self, iris):
        document = {
            "parameters": {"binary_data_output": True},
            "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": IRIS_ROWS[0]}],
        }
        response = iris(url_event("POST", f"/v2/models/{NAME}/infer", json.dumps(document)), Context())
        _, _, header, rest = answer(response)
        sizes = [o["parameters"]["binary_data_size"] for o in header["outputs"]]
        assert sizes == [4 + 6, 12] and len(rest) == sum(sizes)
        probabilities = np.frombuffer(rest[10:], dtype="<f4")
        assert probabilities.argmax() == 0 and abs(probabilities.sum() - 1) < 1e-5


class TestAnyOnnxModel:
    def test_two_inputs_of_different_datatypes_and_a_bool_output(self, graphs):
        app = graphs["two_inputs"]
        _, _, metadata, _ = answer(app(url_event("GET", "/v2/models/two_inputs"), Context()))
        assert metadata["inputs"] == [
            {"name": "x", "datatype": "FP32", "shape": [-1, 3]},
            {"name": "k", "datatype": "INT64", "shape": [-1, 1]},
        ]
        assert metadata["outputs"][1] == {"name": "large", "datatype": "BOOL", "shape": [-1, 3]}
        request = {
            "inputs": [
                {"name": "k", "shape": [2, 1], "datatype": "INT32", "data": [2, 3]},
                {"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [[0.1, 0.2, 0.3], [1, 2, 3]]},
            ]
        }
        status, _, body, _ = infer(app, request, path="/v2/models/two_inputs/infer")
        assert status == 200
        scaled, large = body["outputs"]
        assert scaled["shape"] == [2, 3] and np.allclose(scaled["data"], [0.2, 0.4, 0.6, 3, 6, 9])
        assert large == {"name": "large", "datatype": "BOOL", "shape": [2, 3], "data": [False] * 3 + [True] * 3}

    def test_an_image_like_input_binary(self, graphs):
        pixels = np.arange(2 * 3 * 4 * 4, dtype=np.float32).reshape(2, 3, 4, 4)
        document = {
            "inputs": [
                {
                    "name": "pixels",
                    "shape": [2, 3, 4, 4],
                    "datatype": "FP32",
                    "parameters": {"binary_data_size": pixels.nbytes},
                }
            ],
            "outputs": [{"name": "means", "parameters": {"binary_data": True}}],
        }
        body, headers = binary_request(document, [tensor_bytes(pixels)])
        event = url_event("POST", "/v2/models/image/infer", body, headers, binary=True)
        _, _, header, rest = answer(graphs["image"](event, Context()))
        assert header["outputs"][0]["shape"] == [2, 3]
        assert np.allclose(np.frombuffer(rest, dtype="<f4").reshape(2, 3), pixels.mean(axis=(2, 3)))

    def test_int64_token_ids_of_any_length(self, graphs):
        for ids in ([[1, 2, 3]], [[0, 9], [4, 4]]):
            request = {
                "inputs": [{"name": "input_ids", "shape": [len(ids), len(ids[0])], "datatype": "INT64", "data": ids}]
            }
            _, _, body, _ = infer(graphs["tokens"], request, path="/v2/models/tokens/infer")
            expected = EMBEDDINGS[np.asarray(ids)].mean(axis=1)
            assert np.allclose(np.asarray(body["outputs"][0]["data"]).reshape(expected.shape), expected)

    def test_bytes_in_json_and_in_binary(self, graphs):
        app = graphs["text"]
        request = {"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": ["héllo", "world"]}]}
        _, _, body, _ = infer(app, request, path="/v2/models/text/infer")
        assert body["outputs"][0] == {"name": "echo", "datatype": "BYTES", "shape": [2], "data": ["héllo", "world"]}
        raw = b"".join(struct.pack("<I", len(w)) + w for w in ("héllo".encode(), b"!"))
        document = {
            "inputs": [
                {"name": "text", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": len(raw)}}
            ]
        }
        body, headers = binary_request(document, [raw])
        _, _, header, _ = answer(app(url_event("POST", "/v2/models/text/infer", body, headers, binary=True), Context()))
        assert header["outputs"][0]["data"] == ["héllo", "!"]

    def test_the_native_contract_names_the_protocol_route_for_such_a_model(self, graphs):
        assert graphs["image"]({"features": [1, 2, 3]}, Context()) == {
            "status": 400,
            "error": "not_tabular",
            "message": "this model takes pixels (FP32 [-1, 3, 4, 4]), not one row of features: send an inference "
            "request to POST /v2/models/image/infer",
        }

    def test_a_model_with_an_input_the_protocol_cannot_carry_fails_init(self, tmp_path):
        import onnx
        from onnx import TensorProto, helper

        from inference.errors import ModelLoadError

        sequence = helper.make_tensor_sequence_value_info("items", TensorProto.FLOAT, None)
        graph = helper.make_graph(
            [helper.make_node("SequenceLength", ["items"], ["n"])],
            "seq",
            [sequence],
            [helper.make_tensor_value_info("n", TensorProto.INT64, [])],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, tmp_path / "seq.onnx")
        with pytest.raises(ModelLoadError, match=r"takes items \(seq\(tensor\(float\)\)\): only tensors"):
            runtime_onnx.load(str(tmp_path / "seq.onnx"), "seq")


class TestErrors:
    @pytest.mark.parametrize(
        "inputs, code, message",
        [
            (
                [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}],
                "wrong_data",
                "input 'X'.data has 3 values; its shape holds 4",
            ),
            (
                [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": ["a", "b", "c", "d"]}],
                "wrong_data",
                "input 'X'.data must hold numbers for datatype FP32",
            ),
            (
                [{"name": "X", "shape": [1, 4], "datatype": "FP8", "data": [1, 2, 3, 4]}],
                "invalid_tensor",
                "input 'X'.datatype must be one of BOOL, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, "
                "FP16, FP32, FP64, BYTES",
            ),
            (
                [{"name": "X", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]}],
                "wrong_shape",
                "input 'X' has shape [4]; the model declares FP32 [-1, 4]",
            ),
            (
                [{"name": "X", "shape": [1, 5], "datatype": "FP32", "data": [1, 2, 3, 4, 5]}],
                "wrong_shape",
                "input 'X' has shape [1, 5]; the model declares FP32 [-1, 4]",
            ),
            (
                [{"name": "X", "shape": [1, 4], "datatype": "BYTES", "data": ["1", "2", "3", "4"]}],
                "wrong_datatype",
                "input 'X' is BYTES; the model declares FP32 [-1, 4]",
            ),
            (
                [{"name": "X", "shape": [1, 4], "datatype": "INT8", "data": [1, 2, 3, 400]}],
                "wrong_data",
                "input 'X'.data holds integers outside INT8's range",
            ),
            (
                [{"name": "X", "shape": [1, -4], "datatype": "FP32", "data": [1]}],
                "invalid_tensor",
                "input 'X'.shape must be a list of non-negative integers",
            ),
            (
                [{"name": "X", "shape": [1, 4], "datatype": "FP32"}],
                "invalid_tensor",
                "input 'X' has neither data nor parameters.binary_data_size",
            ),
            (
                [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [[1, 2, 3, 4], [1, 2]]}],
                "wrong_data",
                "input 'X'.data is nested unevenly; send it flat in row-major order",
            ),
            ([], "invalid_tensor", "inputs must be a non-empty list of tensors"),
        ],
    )
    def test_malformed_tensors_are_400s_that_name_the_input(self, iris, inputs, code, message):
        assert infer(iris, {"inputs": inputs})[:3] == (400, "application/json", {"error": message, "code": code})

    def test_missing_and_unknown_inputs_and_outputs(self, graphs):
        app = graphs["two_inputs"]
        x = {"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}
        k = {"name": "k", "shape": [1, 1], "datatype": "INT64", "data": [1]}
        path = "/v2/models/two_inputs/infer"
        cases = [
            ({"inputs": [x]}, "missing_input", "input 'k' (INT64 [-1, 1]) is missing"),
            (
                {"inputs": [x, k, {**k, "name": "z"}]},
                "unknown_input",
                "the model has no input 'z'; it takes 'x' (FP32 [-1, 3]), 'k' (INT64 [-1, 1])",
            ),
            (
                {"inputs": [x, k], "outputs": [{"name": "nope"}]},
                "unknown_output",
                "the model has no output 'nope'; it gives 'scaled' (FP32 [-1, 3]), 'large' (BOOL [-1, 3])",
            ),
            ({"inputs": [x, x, k]}, "invalid_tensor", "input 'x' is given twice"),
            ({"inputs": [x, k], "id": 7}, "invalid_request", "id must be a string"),
        ]
        for request, code, message in cases:
            assert infer(app, request, path=path)[:3] == (400, "application/json", {"error": message, "code": code})

    def test_binary_sizes_that_do_not_add_up(self, iris):
        x = tensor_bytes(np.zeros((1, 4), dtype=np.float32))
        document = {
            "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 16}}]
        }
        path = f"/v2/models/{NAME}/infer"
        cases = [
            ([x + b"\0"], None, "1 bytes follow the JSON header beyond what the inputs' binary_data_size declare"),
            ([x[:8]], None, "input 'X' declares 16 bytes of binary data; 8 follow the JSON"),
            ([x], "99999", "Inference-Header-Content-Length must be a byte count within the body's"),
            ([x], "-1", "Inference-Header-Content-Length must be a byte count within the body's"),
            # A digit to str.isdigit() that int() refuses (found by the property test).
            ([x], "\u00b9", "Inference-Header-Content-Length must be a byte count within the body's"),
        ]
        for chunks, header_length, message in cases:
            body, headers = binary_request(document, chunks)
            if header_length:
                headers["Inference-Header-Content-Length"] = header_length
            status, _, error, _ = answer(iris(url_event("POST", path, body, headers, binary=True), Context()))
            assert status == 400 and error["code"] == "invalid_binary" and error["error"].startswith(message), error
        wrong_size = {
            "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 8}}]
        }
        body, headers = binary_request(wrong_size, [x[:8]])
        _, _, error, _ = answer(iris(url_event("POST", path, body, headers, binary=True), Context()))
        assert error == {
            "error": "input 'X' has 8 bytes of binary data; 4 FP32 values take 16",
            "code": "invalid_binary",
        }

    def test_a_non_finite_output_is_a_422(self, graphs):
        request = {
            "inputs": [
                {"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [3e38, 1, 1]},
                {"name": "k", "shape": [1, 1], "datatype": "INT64", "data": [10]},
            ]
        }
        status, _, body, _ = infer(graphs["two_inputs"], request, path="/v2/models/two_inputs/infer")
        assert (status, body["code"]) == (422, "non_finite_output")
        assert body["error"].startswith("the model's output 'scaled' is not a finite number")

    def test_a_model_failure_is_a_500_in_the_protocol_shape(self, iris, monkeypatch, capsys):
        monkeypatch.setattr(iris.model, "run", lambda feeds, outputs: (_ for _ in ()).throw(RuntimeError("boom")))
        request = {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": IRIS_ROWS[0]}]}
        status, _, body, _ = infer(iris, request)
        assert (status, body) == (
            500,
            {"error": "the model could not answer this request", "code": "internal_error", "requestId": "oip"},
        )
        assert "boom" not in capsys.readouterr().out


def test_the_app_reads_its_model_name_and_answers_under_it(monkeypatch):
    from inference.errors import ConfigError
    from inference.settings import Settings

    assert Settings.from_env({"MODEL_NAME": "wine-v2.1"}).model_name == "wine-v2.1"
    assert Settings.from_env({}).model_name == "model"
    with pytest.raises(ConfigError, match="MODEL_NAME must be letters, digits"):
        Settings.from_env({"MODEL_NAME": "a/b"})
    app = app_for("onnx")
    assert answer(app(url_event("GET", "/v2/models/model/ready"), Context()))[2] == {"name": "model", "ready": True}


def test_inputs_that_disagree_on_a_named_dimension_are_a_400(graphs):
    request = {
        "inputs": [
            {"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]},
            {"name": "k", "shape": [3, 1], "datatype": "INT64", "data": [1, 2, 3]},
        ]
    }
    assert infer(graphs["two_inputs"], request, path="/v2/models/two_inputs/infer")[:3] == (
        400,
        "application/json",
        {
            "error": "inputs 'x' and 'k' must agree on the model's dimension 'batch'; they give 2 and 3",
            "code": "wrong_shape",
        },
    )
