"""The native JSON contract: `{"features": row}` or `{"instances": [row, ...]}`, answered with
`{"predictions", "probabilities"?, "model"}`; errors are `{"error": code, "message": ...}`. Over HTTP it
owns every path the other protocols do not (a POST with a JSON body); a direct invoke is it unless
another protocol claims the document."""

import json

from ...errors import RequestError
from ...limits import Limits
from ...models import Models
from ...reply import Reply
from ...types import JSON
from ..request import Request
from .core import Core

ROUTE = "native"
CONTENT_TYPE = "application/json"


def encode(reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
    """A native reply's body: its document as strict JSON (outputs were checked finite)."""
    return json.dumps(reply.body, allow_nan=False), CONTENT_TYPE, reply.headers


def error_reply(e: RequestError) -> Reply:
    return Reply(e.status, {"error": e.code, "message": e.message}, route=ROUTE, error=e.code)


class NativeProtocol:
    route = ROUTE

    def __init__(self, models: Models, limits: Limits):
        self.core = Core(models.default, limits)
        self.limits = limits

    def owns_path(self, path: str) -> bool:
        return True

    def owns_document(self, document: JSON) -> bool:
        return True

    def answer_document(self, document: JSON) -> Reply:
        try:
            answer = self.core.predict(document)
        except RequestError as e:
            return error_reply(e)
        return Reply(
            200,
            answer.body,
            rows=answer.rows,
            model_ms=answer.model_ms,
            route=ROUTE,
            request=document,
            values=answer.values,
        )

    def answer_http(self, request: Request) -> Reply:
        try:
            document = request.document(self.limits.max_body_bytes)
        except RequestError as e:
            return error_reply(e)
        return self.answer_document(document)

    def encode(self, reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
        return encode(reply)

    def refusal(self, e: RequestError) -> Reply:
        return error_reply(e)

    def failure(self, request_id: str) -> Reply:
        message = "the model could not answer this request"
        body: dict[str, JSON] = {"error": "internal_error", "message": message, "requestId": request_id}
        return Reply(500, body, route=ROUTE, error="internal_error")


def build(models: Models, limits: Limits) -> NativeProtocol:
    return NativeProtocol(models, limits)
