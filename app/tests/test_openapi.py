"""docs/openapi.json: generated from the app's contract (never stale), a valid OpenAPI 3.1 document (by
openapi-spec-validator), and true of the app: its real answers, on every route and status, validate
against the schemas it declares for them."""

import base64
import json
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from support import make_app, predictor_for

import openapi

with open(openapi.DEFAULT_OUT) as f:
    DOCUMENT = json.load(f)
REGISTRY = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(DOCUMENT))


def validator(schema):
    """A validator of `schema`, whose $refs point into the document."""
    text = json.dumps(schema).replace('"#/components', '"urn:openapi#/components')
    return Draft202012Validator(json.loads(text), registry=REGISTRY)


def test_the_committed_document_is_what_the_app_generates():
    assert openapi.main(["--check"]) == 0, "docs/openapi.json is stale: run `npm run docs`"


def test_it_is_a_valid_openapi_3_1_document():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"
    operations = [op for path in DOCUMENT["paths"].values() for key, op in path.items() if key in ("get", "post")]
    assert len({op["operationId"] for op in operations}) == len(operations) == 12


def operation(path, method):
    """The document's operation for a concrete path (its templates matched), as the router sees it."""
    for template, item in DOCUMENT["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "/?$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    return DOCUMENT["paths"]["/"]["post"] if not path.startswith("/v2") else None


class Context:
    aws_request_id = "openapi"


@pytest.fixture(scope="module")
def app():
    return make_app(predictor_for("onnx"), version_id="v1", sha256="6e3839e72f7c", name="iris")


ROW = [5.1, 3.5, 1.4, 0.2]
TENSOR = {"name": "X", "shape": [1, 4], "datatype": "FP32", "data": ROW}
CALLS = [
    ("POST", "/", {"features": ROW}),
    ("POST", "/", {"instances": [ROW, ROW]}),
    ("POST", "/", {"features": [1, 2]}),
    ("POST", "/", {"features": [1e308, 1, 1, 1]}),
    ("GET", "/", None),
    ("GET", "/v2", None),
    ("GET", "/v2/health/live", None),
    ("GET", "/v2/health/ready", None),
    ("GET", "/v2/models/iris", None),
    ("GET", "/v2/models/iris/ready", None),
    ("GET", "/v2/models/iris/versions/v1", None),
    ("GET", "/v2/models/iris/versions/v2/ready", None),
    ("GET", "/v2/models/other", None),
    ("POST", "/v2/models/iris", {}),
    ("POST", "/v2/models/iris/infer", {"id": "1", "inputs": [TENSOR]}),
    ("POST", "/v2/models/iris/versions/v1/infer", {"inputs": [TENSOR], "outputs": [{"name": "label"}]}),
    ("POST", "/v2/models/iris/infer", {"inputs": [{**TENSOR, "datatype": "FP64"}]}),
    ("POST", "/v2/models/iris/infer", {"inputs": [{**TENSOR, "data": [3e38, 3e38, 3e38, 3e38]}]}),
]


@pytest.mark.parametrize("method, path, body", CALLS, ids=[f"{m} {p} {i}" for i, (m, p, _) in enumerate(CALLS)])
def test_every_answer_is_what_the_document_declares(app, method, path, body):
    event = {
        "rawPath": path,
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": method, "path": path}},
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = json.dumps(body)
    op = operation(path, method)
    response = app(event, Context())
    status = str(response["statusCode"])
    if op is None:  # a method the route does not take: the document lists the route under the other method
        assert status == "405"
        return
    if body is not None and status == "200":
        request_schema = op["requestBody"]["content"]["application/json"]["schema"]
        validator(request_schema).validate(body)
    declared = op["responses"].get(status)
    assert declared is not None, f"{method} {path} answered {status}, which the document does not list"
    content = declared["content"][response["headers"]["Content-Type"]]
    answer = json.loads(base64.b64decode(response["body"]) if response["isBase64Encoded"] else response["body"])
    validator(content["schema"]).validate(answer)


def test_every_error_code_of_the_contract_is_declared():
    from inference.contract import ERRORS

    assert DOCUMENT["components"]["schemas"]["ProtocolError"]["properties"]["code"]["enum"] == sorted(ERRORS)
    assert DOCUMENT["components"]["schemas"]["NativeError"]["properties"]["error"]["enum"] == sorted(ERRORS)


def test_a_binary_answer_is_the_declared_content_type_with_a_declared_json_header(app):
    body = {"inputs": [TENSOR], "parameters": {"binary_data_output": True}}
    path = "/v2/models/iris/infer"
    event = {
        "rawPath": path,
        "headers": {},
        "requestContext": {"http": {"method": "POST", "path": path}},
        "body": json.dumps(body),
    }
    response = app(event, Context())
    declared = operation(path, "POST")["responses"]["200"]
    assert response["headers"]["Content-Type"] in declared["content"]
    raw = base64.b64decode(response["body"])
    length = int(response["headers"]["Inference-Header-Content-Length"])
    validator({"$ref": "#/components/schemas/InferenceResponse"}).validate(json.loads(raw[:length]))
