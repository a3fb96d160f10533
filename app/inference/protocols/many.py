"""Many models behind one function: requests routed by the model they name to that model's own protocols,
built around it when it is loaded and dropped when it is evicted. A model is named by the path
(`/v2/models/{name}/...`, the native contract's `POST /models/{name}`), or in a document by its `model`
field (a direct invoke, a queued message's input); `POST /v2/repository/index` lists every model and its
state. The server's own routes (`GET /v2`, `/v2/health/*`) need no model. An unknown name is a 404 listing
what is served; a model that cannot be loaded is a 503 naming it, for that model only."""

from dataclasses import replace
from typing import Any

from ..contract import SERVER
from ..errors import BadRequest, MethodNotAllowed, NotFound, RequestError
from ..limits import Limits
from ..models import Models
from ..reply import Reply
from ..repository import Repository
from ..types import JSON
from . import Protocol, Protocols, _failed, native, oip
from .oip import encode as oip_encoding
from .request import Request

MODEL_FIELD = "model"
"""The key of a document that names its model."""
INDEX_PATH = ("v2", "repository", "index")
SERVER_ROUTES = {(): "server_metadata", ("health", "live"): "server_live", ("health", "ready"): "server_ready"}


class _Shape:
    """A protocol's error shape and encoding, for answers given before any model's protocol is reached."""

    def __init__(self, route: str, kind: str):
        self.route = route
        self.kind = kind

    def reply(self, e: RequestError) -> Reply:
        return oip.error_reply(e, self.route) if self.kind == "oip" else native.error_reply(e)

    def encode(self, reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
        return oip_encoding.encode(reply) if self.kind == "oip" else native.encode(reply)

    def refusal(self, e: RequestError) -> Reply:
        return self.reply(e)

    def failure(self, request_id: str) -> Reply:
        body: dict[str, JSON] = {"error": "internal_error", "message": "the function failed", "requestId": request_id}
        return Reply(500, body, route=self.route, error="internal_error")


NATIVE, OIP = _Shape(native.ROUTE, "native"), _Shape("infer", "oip")


class ManyModels:
    """The protocols of every model in the repository, each model's built on its first request."""

    def __init__(self, repository: Repository, limits: Limits):
        self.repository = repository
        self.limits = limits
        self._bound: dict[str, Protocols] = {}
        repository.evicted.append(self._forget)

    def _forget(self, name: str) -> None:
        self._bound.pop(name, None)

    def protocols_of(self, name: str) -> Protocols:
        """The named model's protocols (loading the model when it is not in memory), or its 404 or 503."""
        served = self.repository.get(name)
        bound = self._bound.get(name)
        if bound is None or bound.models.default is not served:
            bound = self._bound[name] = Protocols(Models.of(served), self.limits)
        return bound

    def native_for(self, name: str | None) -> native.NativeProtocol:
        """The native contract of the model a batch names (a batch of a function with many models must)."""
        if not name:
            raise BadRequest(
                "model_required", f"name the model to score with: this function serves {self.repository.listed()}"
            )
        return self.protocols_of(name).native

    # HTTP

    def answer_http(self, request: Request, request_id: str) -> tuple[Protocol, Reply]:
        parts = tuple(p for p in request.path.strip("/").split("/") if p)
        shape = OIP if parts[:1] == ("v2",) else NATIVE
        try:
            if parts[:1] == ("v2",):
                return self._protocol_http(request, parts, request_id)
            if len(parts) == 2 and parts[0] == "models":
                bound = self.protocols_of(parts[1])
                protocol, reply = bound.answer_http(replace(request, path="/"), request_id)
                return protocol, self._named(reply, parts[1])
            return self.answer_document(request.document(self.limits.max_body_bytes), request_id)
        except RequestError as e:
            return shape, shape.reply(e)  # type: ignore[return-value]
        except Exception as e:  # noqa: BLE001 - the boundary, as Protocols' own: nothing escapes to the runtime
            return shape, _failed(shape, request_id, e)  # type: ignore[return-value,arg-type]

    def _protocol_http(self, request: Request, parts: tuple[str, ...], request_id: str) -> tuple[Protocol, Reply]:
        rest = parts[1:]
        if rest in SERVER_ROUTES:
            return OIP, self._server(request, SERVER_ROUTES[rest])  # type: ignore[return-value]
        if parts == INDEX_PATH:
            if request.method != "POST":
                raise MethodNotAllowed("method_not_allowed", f"use POST for /{'/'.join(parts)}; got {request.method}")
            listed: list[JSON] = [*self.repository.index()]
            return OIP, Reply(200, {"models": listed}, route=oip_encoding.REPOSITORY_INDEX)  # type: ignore[return-value]
        if len(rest) >= 2 and rest[0] == "models":
            protocol, reply = self.protocols_of(rest[1]).answer_http(request, request_id)
            return protocol, self._named(reply, rest[1])
        raise NotFound(
            "unknown_route",
            f"/{'/'.join(parts)} is not a route of the inference protocol; see POST /v2/repository/index",
        )

    def _server(self, request: Request, route: str) -> Reply:
        if request.method != "GET":
            raise MethodNotAllowed("method_not_allowed", f"use GET; got {request.method}")
        body: dict[str, JSON]
        if route == "server_metadata":
            body = {"name": SERVER["name"], "version": SERVER["version"], "extensions": list(SERVER["extensions"])}
        else:
            body = {route.removeprefix("server_"): True}
        return Reply(200, body, route=route)

    # Documents

    def answer_document(self, document: JSON, request_id: str) -> tuple[Protocol, Reply]:
        shape = OIP if isinstance(document, dict) and "inputs" in document else NATIVE
        try:
            name, rest = self._named_document(document)
            protocol, reply = self.protocols_of(name).answer_document(rest, request_id)
            return protocol, self._named(reply, name)
        except RequestError as e:
            return shape, shape.reply(e)  # type: ignore[return-value]
        except Exception as e:  # noqa: BLE001 - the boundary, as Protocols' own: nothing escapes to the runtime
            return shape, _failed(shape, request_id, e)  # type: ignore[return-value,arg-type]

    def _named_document(self, document: JSON) -> tuple[str, JSON]:
        """(the model a document names, the document without that field); one model needs no name."""
        name: Any = document.get(MODEL_FIELD) if isinstance(document, dict) else None
        if name is None and len(self.repository.names) == 1:
            return self.repository.names[0], document
        if not isinstance(name, str) or not name:
            raise BadRequest(
                "model_required",
                f'name the model in the document\'s "{MODEL_FIELD}" field (or POST /models/{{name}}): this function '
                f"serves {self.repository.listed()}",
            )
        assert isinstance(document, dict)
        return name, {k: v for k, v in document.items() if k != MODEL_FIELD}

    @staticmethod
    def _named(reply: Reply, name: str) -> Reply:
        """The reply, saying which model answered (its metrics' and capture's model)."""
        reply.model = name
        return reply
