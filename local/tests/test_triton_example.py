"""examples/triton-client/sigv4.py: tritonclient and plain Python calls to an IAM-authorised function URL,
signed with SigV4. A local function URL (local/serve.py, the app in process) verifies every request's
signature as Lambda does, recomputing it over the method, path, query, the signed headers and the body
it received, before the function answers; a request signed for other bytes is refused with 403."""

import base64
import os
import sys
import urllib.request

import boto3
import numpy as np
import pytest
import tritonclient.http as triton
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from support import APP, make_app, predictor_for

import serve
from processes import free_port

sys.path.insert(0, os.path.join(os.path.dirname(APP), "examples", "triton-client"))
import sigv4

KEY, SECRET, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"
REGION = "eu-west-1"
FORBIDDEN = {"statusCode": 403, "headers": {"Content-Type": "application/json"}, "body": '{"Message":"Forbidden"}'}


def verified(event):
    """True when the event's Authorization is the signature of exactly what arrived."""
    headers = event["headers"]
    authorization = headers.get("authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 ") or headers.get("x-amz-security-token") != TOKEN:
        return False
    fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 ") :].split(","))
    scope = fields["Credential"].split("/")
    if scope[0] != KEY or scope[2:4] != [REGION, "lambda"]:
        return False
    body = event.get("body", "")
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    query = f"?{event['rawQueryString']}" if event.get("rawQueryString") else ""
    signed = {name: headers[name] for name in fields["SignedHeaders"].split(";")}
    request = AWSRequest(method=event["requestContext"]["http"]["method"], url=f"http://{headers['host']}"
                         f"{event['rawPath']}{query}", data=raw, headers=signed)  # fmt: skip
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(Credentials(KEY, SECRET, TOKEN), "lambda", REGION)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return bool(fields["Signature"] == expected)


@pytest.fixture(scope="module")
def endpoint():
    app = make_app(predictor_for("onnx"), version_id="v1", sha256="s", name="iris")

    class Context:
        aws_request_id = "sigv4"

    def invoke(event):
        return (app(event, Context()) if verified(event) else FORBIDDEN), False

    server = serve.Endpoint(invoke, free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, aws_session_token=TOKEN)


def test_tritonclient_signs_every_request_json_and_binary(endpoint, session):
    client = sigv4.SigV4InferenceServerClient(endpoint.host, session=session, region=REGION)
    assert client.is_server_ready() and client.is_model_ready("iris")
    assert client.get_model_metadata("iris")["platform"] == "onnxruntime_onnx"
    rows = np.array([[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]], dtype=np.float32)
    for binary in (True, False):
        x = triton.InferInput("X", [2, 4], "FP32")
        x.set_data_from_numpy(rows, binary_data=binary)
        result = client.infer("iris", [x], outputs=[triton.InferRequestedOutput("label", binary_data=binary)])
        assert result.as_numpy("label").astype(str).tolist() == ["setosa", "virginica"]


def test_an_unsigned_client_and_a_signature_for_other_bytes_are_refused(endpoint, session):
    plain = triton.InferenceServerClient(endpoint.host)
    assert not plain.is_server_ready()
    body = b'{"features": [5.1, 3.5, 1.4, 0.2]}'
    headers = sigv4.signed_headers("POST", endpoint.url, body, {"Content-Type": "application/json"},
                                   session=session, region=REGION)  # fmt: skip
    for sent, status in ((body, 200), (body.replace(b"5.1", b"9.9"), 403)):
        request = urllib.request.Request(endpoint.url, data=sent, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our loopback endpoint
                assert (response.status, status) == (200, 200)
        except urllib.error.HTTPError as e:
            assert (e.code, status) == (403, 403)


def test_the_region_comes_from_a_function_urls_host():
    assert sigv4.region_of("https://abcdefghij.lambda-url.ap-south-1.on.aws/") == "ap-south-1"
    assert sigv4.region_of("http://127.0.0.1:8080/") is None
