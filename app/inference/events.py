"""What Lambda hands the function, typed, and the adapter that turns an HTTP event into one request.

Direct invokes carry the document itself. Function URLs and API Gateway HTTP APIs send the 2.0
payload (`requestContext.http`), API Gateway REST APIs the 1.0 payload (`httpMethod`), and an
Application Load Balancer its own (`requestContext.elb`); each may base64-encode its body. The
responder (responses.py) answers each in its own shape.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Literal, TypedDict, cast

from .errors import BadRequest, MethodNotAllowed
from .lambda_types import JSON
from .validation import Limits, parse_json


class HttpContext(TypedDict, total=False):
    method: str
    path: str
    protocol: str
    sourceIp: str
    userAgent: str


class FunctionUrlContext(TypedDict, total=False):
    accountId: str
    apiId: str
    domainName: str
    http: HttpContext
    requestId: str
    routeKey: str
    stage: str
    timeEpoch: int


class FunctionUrlEvent(TypedDict, total=False):
    """A function URL request, and API Gateway's HTTP API payload 2.0 (the same shape)."""

    version: str
    routeKey: str
    rawPath: str
    rawQueryString: str
    headers: dict[str, str]
    queryStringParameters: dict[str, str]
    requestContext: FunctionUrlContext
    body: str
    isBase64Encoded: bool


class RestApiContext(TypedDict, total=False):
    resourcePath: str
    httpMethod: str
    stage: str
    requestId: str


class RestApiEvent(TypedDict, total=False):
    """API Gateway's REST API proxy payload 1.0."""

    resource: str
    path: str
    httpMethod: str
    headers: dict[str, str]
    multiValueHeaders: dict[str, list[str]]
    queryStringParameters: dict[str, str] | None
    requestContext: RestApiContext
    body: str | None
    isBase64Encoded: bool


class ElbContext(TypedDict):
    targetGroupArn: str


class AlbContext(TypedDict):
    elb: ElbContext


class AlbEvent(TypedDict, total=False):
    """An Application Load Balancer target-group request (multiValueHeaders when the group enables them)."""

    requestContext: AlbContext
    httpMethod: str
    path: str
    queryStringParameters: dict[str, str]
    headers: dict[str, str]
    multiValueHeaders: dict[str, list[str]]
    body: str
    isBase64Encoded: bool


EventKind = Literal["function-url", "rest-api", "alb"]


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class HttpRequest:
    """An HTTP event, whatever sent it: what routing and the body reader need, and how to answer it."""

    kind: EventKind
    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names; the last value of a repeated header."""
    body: JSON
    """As the event carries it: a string when well-formed, checked when read."""
    base64: bool
    multi_value: bool
    """The ALB target group sends and expects multiValueHeaders."""


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items()}


def _multi_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): str(v[-1]) for k, v in value.items() if isinstance(v, list) and v}


def http_request(event: JSON) -> HttpRequest | None:
    """The HTTP request an event carries; None for a direct invoke (the event is the document)."""
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    if isinstance(context, dict) and isinstance(context.get("http"), dict):
        http = context["http"]
        assert isinstance(http, dict)
        method, path = http.get("method", ""), event.get("rawPath", http.get("path", "/"))
        kind: EventKind = "function-url"
    elif "httpMethod" in event:
        method, path = event.get("httpMethod", ""), event.get("path", "/")
        kind = "alb" if isinstance(context, dict) and "elb" in context else "rest-api"
    else:
        return None
    multi = "multiValueHeaders" in event and kind != "function-url"
    headers = event.get("headers")
    if multi:
        lowered = _multi_map(event.get("multiValueHeaders"))
    elif kind == "function-url" and type(headers) is dict and all(map(str.islower, headers)):
        # Function URLs and HTTP APIs (payload 2.0) send header names in lower case already.
        lowered = cast(dict[str, str], headers)
    else:
        lowered = _str_map(headers)
    return HttpRequest(
        kind=kind,
        method=str(method or "").upper(),
        path=str(path or "/"),
        headers=lowered,
        body=event.get("body"),
        base64=event.get("isBase64Encoded") is True,
        multi_value=multi,
    )


def body_bytes(request: HttpRequest, max_bytes: int) -> bytes:
    """The body, decoded from base64 when the event says so, refused when missing or above `max_bytes`."""
    body = request.body
    if body is None or body == "":
        raise BadRequest("missing_body", "the request has no body; send a JSON document")
    if not isinstance(body, str):
        raise BadRequest("invalid_body", "the request body must be a string")
    # Checked before decoding, so an oversized body costs nothing more.
    if len(body) > max_bytes * 4 // 3 + 4:
        raise BadRequest("body_too_large", f"the body exceeds {max_bytes} bytes")
    if request.base64:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("invalid_body", "the body is marked base64 but is not valid base64") from None
    else:
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise BadRequest("body_too_large", f"the body exceeds {max_bytes} bytes")
    return raw


def body_json(request: HttpRequest, max_bytes: int) -> JSON:
    """The body as JSON, within `max_bytes`. A text body short enough that even four bytes a character
    stay within the limit is parsed as it is, without a round trip through bytes."""
    body = request.body
    if not request.base64 and type(body) is str and body and len(body) * 4 <= max_bytes:
        return parse_json(body)
    return parse_json(body_bytes(request, max_bytes))


def document_of(request: HttpRequest, limits: Limits) -> JSON:
    """The JSON document an HTTP request carries: POST only, the body within the limit."""
    if request.method != "POST":
        raise MethodNotAllowed("method_not_allowed", f"use POST with a JSON body; got {request.method or 'no method'}")
    return body_json(request, limits.max_body_bytes)
