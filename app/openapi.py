"""The OpenAPI 3.1 document of the function's HTTP API: the native contract at / and the Open Inference
Protocol under /v2, built from the one source the app itself reads (its contract's error codes and
server metadata, the protocol's datatypes), and written to docs/openapi.json by `npm run docs`.

    python app/openapi.py [--out docs/openapi.json] [--check]

--check exits 1 when the file differs from what the app would write (a test runs it).
"""

import argparse
import json
import os
import sys
from typing import Any

from inference.contract import ERRORS, MODEL_NAME_PATTERN, SERVER
from inference.protocols.native.format import ONE_ROW, request_schema
from inference.protocols.oip.encode import BINARY_CONTENT_TYPE
from inference.runtimes.spec import DATATYPES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "docs", "openapi.json")
REF = "#/components/schemas/"


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def json_body(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def codes(*statuses: int) -> list[str]:
    return sorted(code for code, status in ERRORS.items() if status in statuses)


def schemas(signature: dict[str, Any] | None = None) -> dict[str, Any]:
    parameters = {"type": "object", "description": "key/value parameters"}
    # The native request's schema is the format's own declaration (protocols/native/format.py): for any model,
    # or for the one a signature describes (its features, each typed, null where it may be missing).
    native = request_schema(signature)
    return {
        "Row": native["oneOf"][0]["properties"][ONE_ROW],
        "NativeRequest": {
            "description": native["description"],
            "oneOf": [
                {**variant, "properties": {key: ref("Row") if key == ONE_ROW else {**schema, "items": ref("Row")}}}
                for variant in native["oneOf"]
                for key, schema in variant["properties"].items()
            ],
        },
        "ModelIdentity": {
            "type": "object",
            "required": ["versionId", "sha256"],
            "properties": {
                "versionId": {"type": ["string", "null"], "description": "the S3 version of the model object"},
                "sha256": {"type": ["string", "null"], "description": "the first 12 characters of its sha256"},
            },
        },
        "NativeAnswer": {
            "type": "object",
            "required": ["predictions", "model"],
            "properties": {
                "predictions": {"type": "array", "description": "a label or value per row"},
                "probabilities": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "number"}},
                    "description": "per row, each class's probability (classifiers that have them)",
                },
                "model": ref("ModelIdentity"),
            },
        },
        "NativeError": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "enum": sorted(ERRORS), "description": "the error's code"},
                "message": {"type": "string", "description": "what is wrong, naming the field"},
                "requestId": {"type": "string", "description": "with a 500: the request to look for in the logs"},
            },
        },
        "Datatype": {"type": "string", "enum": list(DATATYPES)},
        "TensorData": {
            "type": "array",
            "description": "the tensor's values, flat or nested, in row-major order",
            "items": {"anyOf": [ref("TensorData"), {"type": "number"}, {"type": "string"}, {"type": "boolean"}]},
        },
        "Parameters": parameters,
        "RequestInput": {
            "type": "object",
            "required": ["name", "shape", "datatype"],
            "properties": {
                "name": {"type": "string"},
                "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "datatype": ref("Datatype"),
                "parameters": {
                    "type": "object",
                    "properties": {"binary_data_size": {"type": "integer", "minimum": 0}},
                    "description": "binary_data_size: the input's data follows the JSON header, this many bytes",
                },
                "data": ref("TensorData"),
            },
        },
        "RequestOutput": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "parameters": {
                    "type": "object",
                    "properties": {"binary_data": {"type": "boolean"}},
                    "description": "binary_data: answer this output as binary data",
                },
            },
        },
        "InferenceRequest": {
            "type": "object",
            "required": ["inputs"],
            "properties": {
                "id": {"type": "string"},
                "parameters": {
                    "type": "object",
                    "properties": {"binary_data_output": {"type": "boolean"}},
                    "description": "binary_data_output: answer every output as binary data",
                },
                "inputs": {"type": "array", "minItems": 1, "items": ref("RequestInput")},
                "outputs": {"type": "array", "items": ref("RequestOutput")},
            },
        },
        "ResponseOutput": {
            "type": "object",
            "required": ["name", "shape", "datatype"],
            "properties": {
                "name": {"type": "string"},
                "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "datatype": ref("Datatype"),
                "parameters": {"type": "object", "properties": {"binary_data_size": {"type": "integer"}}},
                "data": ref("TensorData"),
            },
        },
        "InferenceResponse": {
            "type": "object",
            "required": ["model_name", "outputs"],
            "properties": {
                "model_name": {"type": "string"},
                "model_version": {"type": "string"},
                "id": {"type": "string", "description": "the request's id, when it gave one"},
                "parameters": {
                    "type": "object",
                    "properties": {"model_sha256": {"type": "string"}},
                    "description": "model_sha256: the first 12 characters of the model's sha256",
                },
                "outputs": {"type": "array", "items": ref("ResponseOutput")},
            },
        },
        "MetadataTensor": {
            "type": "object",
            "required": ["name", "datatype", "shape"],
            "properties": {
                "name": {"type": "string"},
                "datatype": ref("Datatype"),
                "shape": {"type": "array", "items": {"type": "integer", "minimum": -1}, "description": "-1: any size"},
            },
        },
        "ModelMetadata": {
            "type": "object",
            "required": ["name", "platform", "inputs", "outputs"],
            "properties": {
                "name": {"type": "string"},
                "versions": {"type": "array", "items": {"type": "string"}},
                "platform": {"type": "string", "enum": ["onnxruntime_onnx", "scikit-learn"]},
                "inputs": {"type": "array", "items": ref("MetadataTensor")},
                "outputs": {"type": "array", "items": ref("MetadataTensor")},
            },
        },
        "ServerMetadata": {
            "type": "object",
            "required": ["name", "version", "extensions"],
            "properties": {
                "name": {"type": "string", "const": SERVER["name"]},
                "version": {"type": "string"},
                "extensions": {"type": "array", "items": {"type": "string"}},
            },
        },
        "ServerLive": {"type": "object", "required": ["live"], "properties": {"live": {"type": "boolean"}}},
        "ServerReady": {"type": "object", "required": ["ready"], "properties": {"ready": {"type": "boolean"}}},
        "ModelReady": {
            "type": "object",
            "required": ["name", "ready"],
            "properties": {"name": {"type": "string"}, "ready": {"type": "boolean"}},
        },
        "ProtocolError": {
            "type": "object",
            "required": ["error", "code"],
            "properties": {
                "error": {"type": "string", "description": "what is wrong, naming the input, route or model"},
                "code": {"type": "string", "enum": sorted(ERRORS), "description": "the error's code"},
                "requestId": {"type": "string"},
            },
        },
    }


def protocol_errors(*statuses: int) -> dict[str, Any]:
    described = {
        400: "a malformed request or tensor",
        404: "an unknown route, model or version",
        405: "a method the route does not take (Allow names the one it does)",
        422: "the model answered with a value that is not finite",
        500: "the model failed; the answer carries the request id",
    }
    return {
        str(status): json_body("ProtocolError", f"{described[status]} ({', '.join(codes(status))})")
        for status in statuses
    }


def path_parameters(version: bool) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": "model_name",
            "in": "path",
            "required": True,
            "description": "the component's modelName (default: the component's name)",
            "schema": {"type": "string", "pattern": MODEL_NAME_PATTERN},
        }
    ]
    if version:
        parameters.append(
            {
                "name": "model_version",
                "in": "path",
                "required": True,
                "description": "the model's S3 version id, or its sha256 prefix for a model in the image",
                "schema": {"type": "string"},
            }
        )
    return parameters


def model_paths(prefix: str, version: bool) -> dict[str, Any]:
    parameters = path_parameters(version)
    infer_body = {
        "required": True,
        "content": {
            "application/json": {"schema": ref("InferenceRequest")},
            BINARY_CONTENT_TYPE: {
                "schema": {
                    "type": "string",
                    "contentMediaType": BINARY_CONTENT_TYPE,
                    "description": "the JSON inference request (Inference-Header-Content-Length bytes), then the "
                    "binary data of the inputs that declare binary_data_size, in their order",
                }
            },
        },
    }
    header = {
        "name": "Inference-Header-Content-Length",
        "in": "header",
        "required": False,
        "description": "the length of the JSON request before the binary data (binary tensor data extension)",
        "schema": {"type": "integer", "minimum": 0},
    }
    binary_answer = {
        "schema": {
            "type": "string",
            "contentMediaType": BINARY_CONTENT_TYPE,
            "description": "the JSON response (Inference-Header-Content-Length bytes), then the binary outputs",
        }
    }
    return {
        prefix: {
            "parameters": parameters,
            "get": {
                "operationId": "modelMetadata" + ("Version" if version else ""),
                "summary": "Model metadata: its inputs and outputs, read from the model",
                "responses": {
                    "200": json_body("ModelMetadata", "the model's metadata"),
                    **protocol_errors(404, 405),
                },
            },
        },
        f"{prefix}/ready": {
            "parameters": parameters,
            "get": {
                "operationId": "modelReady" + ("Version" if version else ""),
                "summary": "Model ready",
                "responses": {"200": json_body("ModelReady", "the model is loaded"), **protocol_errors(404, 405)},
            },
        },
        f"{prefix}/infer": {
            "parameters": parameters,
            "post": {
                "operationId": "infer" + ("Version" if version else ""),
                "summary": "Inference: tensors in, tensors out",
                "parameters": [header],
                "requestBody": infer_body,
                "responses": {
                    "200": {
                        "description": "the outputs",
                        "headers": {"Inference-Header-Content-Length": {"schema": {"type": "integer"}}},
                        "content": {
                            "application/json": {"schema": ref("InferenceResponse")},
                            BINARY_CONTENT_TYPE: binary_answer,
                        },
                    },
                    **protocol_errors(400, 404, 405, 422, 500),
                },
            },
        },
    }


def document(signature: dict[str, Any] | None = None) -> dict[str, Any]:
    native_errors = {
        "400": json_body("NativeError", f"bad input ({', '.join(codes(400))})"),
        "405": json_body("NativeError", "a method other than POST"),
        "422": json_body("NativeError", "the model answered with a value that is not finite"),
        "500": json_body("NativeError", "the model failed; the answer carries the request id"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lambda-inference",
            "version": SERVER["version"],
            "description": "A model behind an AWS Lambda function URL (also API Gateway or an ALB): the native "
            "contract at /, and the Open Inference Protocol (KServe V2, as Triton and MLServer speak it) under "
            "/v2. Generated by app/openapi.py from the app's contract.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [
            {
                "url": "https://{url_id}.lambda-url.{region}.on.aws",
                "description": "the function URL (the component's functionUrl output)",
                "variables": {"url_id": {"default": "abcdefghij"}, "region": {"default": "us-east-1"}},
            }
        ],
        "security": [{"sigv4": []}],
        "paths": {
            "/": {
                "post": {
                    "operationId": "predict",
                    "summary": "Predictions for one row or a batch of rows (the native contract)",
                    "description": "Any path outside /v2 is the native contract.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("NativeRequest")}},
                    },
                    "responses": {"200": json_body("NativeAnswer", "a prediction per row"), **native_errors},
                }
            },
            "/v2": {
                "get": {
                    "operationId": "serverMetadata",
                    "summary": "Server metadata",
                    "responses": {"200": json_body("ServerMetadata", "the server"), **protocol_errors(405)},
                }
            },
            "/v2/health/live": {
                "get": {
                    "operationId": "serverLive",
                    "summary": "Server live",
                    "responses": {"200": json_body("ServerLive", "the function answers"), **protocol_errors(405)},
                }
            },
            "/v2/health/ready": {
                "get": {
                    "operationId": "serverReady",
                    "summary": "Server ready: the model was loaded at init",
                    "responses": {"200": json_body("ServerReady", "the model is loaded"), **protocol_errors(405)},
                }
            },
            **model_paths("/v2/models/{model_name}", version=False),
            **model_paths("/v2/models/{model_name}/versions/{model_version}", version=True),
            **many_models_paths(native_errors),
        },
        "components": {
            "schemas": schemas(signature),
            "securitySchemes": {
                "sigv4": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "AWS Signature Version 4 for the service `lambda`, when the function URL's auth "
                    "type is AWS_IAM (the default); see docs/http-api.md",
                }
            },
        },
    }


def many_models_paths(native_errors: dict[str, Any]) -> dict[str, Any]:
    """The routes of a function with many models (the component's `models`)."""
    unavailable = json_body("NativeError", "the model could not be loaded (model_unavailable); tried again later")
    return {
        "/models/{model_name}": {
            "post": {
                "operationId": "predictWithModel",
                "summary": "Predictions of the named model, in a function with many models (the native contract)",
                "parameters": path_parameters(version=False)[:1],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NativeRequest")}}},
                "responses": {
                    "200": json_body("NativeAnswer", "a prediction per row"),
                    **native_errors,
                    "404": json_body("NativeError", "a model this function does not serve (the message lists them)"),
                    "503": unavailable,
                },
            }
        },
        "/v2/repository/index": {
            "post": {
                "operationId": "repositoryIndex",
                "summary": "Every model of a function with many models, and its state (the repository extension)",
                "responses": {
                    "200": {
                        "description": "each model's name, version, state (READY, UNLOADED, UNAVAILABLE), reason",
                        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
                    },
                    **protocol_errors(405),
                },
            }
        },
    }


def render(signature: dict[str, Any] | None = None) -> str:
    return json.dumps(document(signature), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="openapi.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the document (default docs/openapi.json)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file differs instead of writing it")
    parser.add_argument(
        "--signature",
        help="a model's model.json: the document of that model, its rows typed by its features (default: any model)",
    )
    args = parser.parse_args(argv)
    signature = None
    if args.signature:
        with open(args.signature) as f:
            signature = json.load(f)
    text = render(signature)
    if args.check:
        try:
            with open(args.out) as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(f"openapi.py: {args.out} is stale: run `npm run docs`", file=sys.stderr)
            return 1
        return 0
    with open(args.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
