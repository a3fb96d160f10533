"""The HTTP event source: function URLs and API Gateway HTTP APIs (the 2.0 payload,
`requestContext.http`), API Gateway REST APIs (the 1.0 payload, `httpMethod`) and Application Load
Balancers (`requestContext.elb`), each typed below. The adapter turns an event into one protocol
Request (its body may be base64-encoded); the protocol that owns the path answers it; the answer goes
back in the event's own shape. Every JSON body is strict JSON (no NaN or Infinity); a binary body (the
inference protocol's binary tensor data) travels base64-encoded, as Lambda's HTTP integrations require.
"""

import base64
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal, NotRequired, TypedDict, cast

from .. import answers
from ..invocation import Invocation
from ..protocols.request import Request
from ..types import JSON
from .base import Services


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


class ProxyResponse(TypedDict):
    """The answer to an HTTP event (an ALB also takes the status line, and its headers as lists when its
    target group sends lists)."""

    statusCode: int
    headers: NotRequired[dict[str, str]]
    multiValueHeaders: NotRequired[dict[str, list[str]]]
    statusDescription: NotRequired[str]
    body: str
    isBase64Encoded: bool


EventKind = Literal["function-url", "rest-api", "alb"]
"""Which of the three sent the event: each wants its answer in its own shape."""


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Sender:
    """How to answer the event: who sent it, and whether it sent (and wants) multiValueHeaders."""

    kind: EventKind
    multi_value: bool


_TEXT = {str}


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items()}


def _multi_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): str(v[-1]) for k, v in value.items() if isinstance(v, list) and v}


def _headers(event: dict[str, JSON], kind: EventKind, multi: bool) -> dict[str, str]:
    """Lower-case names, string values; the last value of a repeated header."""
    if multi:
        return _multi_map(event.get("multiValueHeaders"))
    headers = event.get("headers")
    # Function URLs and HTTP APIs (payload 2.0) send lower-case names and string values already.
    if kind == "function-url" and type(headers) is dict and _plain(headers):
        return cast("dict[str, str]", headers)
    return _str_map(headers)


def _plain(headers: dict[str, JSON]) -> bool:
    """Lower-case names and string values: nothing to convert."""
    return all(map(str.islower, headers)) and set(map(type, headers.values())) <= _TEXT


def _kind(event: dict[str, JSON]) -> EventKind | None:
    context = event.get("requestContext")
    if isinstance(context, dict) and isinstance(context.get("http"), dict):
        return "function-url"
    if "httpMethod" in event:
        return "alb" if isinstance(context, dict) and "elb" in context else "rest-api"
    return None


def matches(event: JSON) -> bool:
    return isinstance(event, dict) and _kind(event) is not None


def adapt(event: dict[str, JSON]) -> tuple[Request, Sender]:
    """The request an HTTP event carries, and how to answer it."""
    kind = _kind(event)
    assert kind is not None
    if kind == "function-url":
        http = cast("dict[str, JSON]", cast("dict[str, JSON]", event["requestContext"])["http"])
        method, path = http.get("method", ""), event.get("rawPath", http.get("path", "/"))
    else:
        method, path = event.get("httpMethod", ""), event.get("path", "/")
    multi = "multiValueHeaders" in event and kind != "function-url"
    request = Request(
        method=str(method or "").upper(),
        path=str(path or "/"),
        headers=_headers(event, kind, multi),
        body=event.get("body"),
        base64=event.get("isBase64Encoded") is True,
    )
    return request, Sender(kind, multi)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def response(
    sender: Sender, status: int, body: str | bytes, content_type: str, headers: dict[str, str] | None = None
) -> ProxyResponse:
    """A proxy response of `body` (JSON text, or bytes sent base64-encoded); an ALB also wants the status
    line, and its headers as lists when it sent lists."""
    all_headers = {"Content-Type": content_type, **headers} if headers else {"Content-Type": content_type}
    binary = isinstance(body, bytes)
    answer: ProxyResponse = {
        "statusCode": status,
        "headers": all_headers,
        "body": base64.b64encode(body).decode("ascii") if isinstance(body, bytes) else body,
        "isBase64Encoded": binary,
    }
    if sender.kind == "alb":
        answer["statusDescription"] = f"{status} {_phrase(status)}"
        if sender.multi_value:
            del answer["headers"]
            answer["multiValueHeaders"] = {name: [value] for name, value in all_headers.items()}
    return answer


def json_response(sender: Sender, status: int, document: dict[str, JSON]) -> ProxyResponse:
    return response(sender, status, json.dumps(document, allow_nan=False), "application/json")


def handle(event: JSON, invocation: Invocation, services: Services) -> JSON:
    """The protocol that owns the path answers; the answer in the event's own shape."""
    assert isinstance(event, dict)
    request, sender = adapt(event)
    protocol, reply = services.protocols.answer_http(request, invocation.request_id)
    body, content_type, headers = protocol.encode(reply)
    refused = answers.check_body(reply, body)
    if refused is not None:
        reply = protocol.refusal(refused)
        body, content_type, headers = protocol.encode(reply)
    services.observer.observe(reply, invocation, http=True)
    answer: JSON = response(sender, reply.status, body, content_type, headers)  # type: ignore[assignment]
    return answer
