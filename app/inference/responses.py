"""The answer to each kind of event: a proxy response for HTTP events (in the shape their sender
expects), the document itself for direct invokes. Every body is strict JSON: no NaN or Infinity."""

import json
from http import HTTPStatus

from .events import HttpRequest
from .lambda_types import JSON, ProxyResponse

_JSON_HEADERS = {"Content-Type": "application/json"}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def http_response(request: HttpRequest, status: int, body: dict[str, JSON]) -> ProxyResponse:
    """A proxy response; an ALB also wants the status line, and its headers as lists when it sent lists."""
    response: ProxyResponse = {
        "statusCode": status,
        "headers": dict(_JSON_HEADERS),
        "body": json.dumps(body, allow_nan=False),
        "isBase64Encoded": False,
    }
    if request.kind == "alb":
        response["statusDescription"] = f"{status} {_phrase(status)}"
        if request.multi_value:
            del response["headers"]
            response["multiValueHeaders"] = {name: [value] for name, value in _JSON_HEADERS.items()}
    return response


def direct_response(status: int, body: dict[str, JSON]) -> dict[str, JSON]:
    """The document itself; an error carries its status, since a direct invoke has no status line."""
    return body if status == 200 else {"status": status, **body}
