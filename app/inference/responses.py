"""The answer to each kind of event: a proxy response for HTTP events (in the shape their sender
expects), the document itself for direct invokes. Every JSON body is strict JSON: no NaN or Infinity.
A binary body (the inference protocol's binary tensor data) travels base64-encoded, as Lambda's HTTP
integrations require."""

import base64
import json
from http import HTTPStatus

from .events import HttpRequest
from .lambda_types import JSON, ProxyResponse

JSON_CONTENT_TYPE = "application/json"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def http_response(
    request: HttpRequest,
    status: int,
    body: dict[str, JSON] | str | bytes,
    *,
    headers: dict[str, str] | None = None,
    content_type: str = JSON_CONTENT_TYPE,
) -> ProxyResponse:
    """A proxy response of `body`: a document (written as JSON), JSON text already written, or bytes (sent
    base64-encoded); an ALB also wants the status line, and its headers as lists when it sent lists."""
    all_headers = {"Content-Type": content_type, **headers} if headers else {"Content-Type": content_type}
    binary = isinstance(body, bytes)
    if isinstance(body, dict):
        text = json.dumps(body, allow_nan=False)
    elif isinstance(body, bytes):
        text = base64.b64encode(body).decode("ascii")
    else:
        text = body
    response: ProxyResponse = {
        "statusCode": status,
        "headers": all_headers,
        "body": text,
        "isBase64Encoded": binary,
    }
    if request.kind == "alb":
        response["statusDescription"] = f"{status} {_phrase(status)}"
        if request.multi_value:
            del response["headers"]
            response["multiValueHeaders"] = {name: [value] for name, value in all_headers.items()}
    return response


def direct_response(status: int, body: dict[str, JSON]) -> dict[str, JSON]:
    """The document itself; an error carries its status, since a direct invoke has no status line."""
    return body if status == 200 else {"status": status, **body}
