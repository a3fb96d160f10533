"""The request protocols, one module each, registered in one list: the Open Inference Protocol (its
paths under /v2, and direct documents with `inputs`) and the native JSON contract (everything else).
Each owns its decoding, its encoding and its error body; a source asks the registry which protocol
answers a path or a document, and the registry is the request path's one boundary: anything a protocol
did not turn into an answer becomes a logged 500 in that protocol's own error shape.

A new protocol is a module here with a `build(models, limits)`, its place in PROTOCOLS, and its error
codes in contract.json.
"""

from collections.abc import Callable
from typing import Protocol as Interface

from ..contract import LOG
from ..errors import BadRequest, RequestError
from ..limits import Limits
from ..logs import log
from ..models import Models
from ..reply import Reply
from ..types import JSON
from . import native, oip
from .request import Request


class Protocol(Interface):
    route: str
    """The route an answer to a whole document is counted under."""

    def owns_path(self, path: str) -> bool:
        """True when an HTTP request to `path` is this protocol's."""
        ...

    def owns_document(self, document: JSON) -> bool:
        """True when a direct invoke's (or a queued message's) document is this protocol's."""
        ...

    def answer_http(self, request: Request) -> Reply: ...

    def answer_document(self, document: JSON) -> Reply: ...

    def encode(self, reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
        """(the body, its content type, extra headers) of a reply sent over HTTP."""
        ...

    def refusal(self, e: RequestError) -> Reply:
        """The error reply of a request refused after the protocol answered it (its answer too large)."""
        ...

    def failure(self, request_id: str) -> Reply:
        """A 500 in this protocol's error shape, naming the request to look for in the logs."""
        ...


PROTOCOLS: tuple[Callable[[Models, Limits], Protocol], ...] = (oip.build, native.build)
"""Asked in this order; the last owns every path and document the others do not."""


class Protocols:
    """The protocols bound to the served models, in the order they are asked."""

    def __init__(self, models: Models, limits: Limits):
        self.ordered = tuple(make(models, limits) for make in PROTOCOLS)
        self.models = models
        self.limits = limits
        # The batch transform's rows are the native contract's rows.
        self.native = next(p for p in self.ordered if isinstance(p, native.NativeProtocol))

    def native_for(self, name: str | None) -> native.NativeProtocol:
        """The native contract of the model a batch names: this function's own (a name, if given, must be it)."""
        if name and name != self.models.default.name:
            self.models.get(name)  # a 404 that lists what is served
        return self.native

    def for_path(self, path: str) -> Protocol:
        for protocol in self.ordered:
            if protocol.owns_path(path):
                return protocol
        raise AssertionError("unreachable: the last protocol owns every path")  # pragma: no cover

    def for_document(self, document: JSON) -> Protocol:
        for protocol in self.ordered:
            if protocol.owns_document(document):
                return protocol
        raise AssertionError("unreachable: the last protocol owns every document")  # pragma: no cover

    def answer_http(self, request: Request, request_id: str) -> tuple[Protocol, Reply]:
        protocol = self.for_path(request.path)
        try:
            return protocol, protocol.answer_http(request)
        except Exception as e:  # noqa: BLE001 - the boundary: nothing may escape to the runtime
            return protocol, _failed(protocol, request_id, e)

    def answer_document(self, document: JSON, request_id: str) -> tuple[Protocol, Reply]:
        protocol = self.for_document(document)
        try:
            return protocol, protocol.answer_document(document)
        except Exception as e:  # noqa: BLE001 - the boundary: nothing may escape to the runtime
            return protocol, _failed(protocol, request_id, e)


def _failed(protocol: Protocol, request_id: str, error: Exception) -> Reply:
    """What the protocol did not turn into an answer: a request nested beyond what Python reads is the
    request's (a 400); anything else is ours, a 500 logged by type only (an exception's text may quote the
    request's data)."""
    if isinstance(error, RecursionError):
        return protocol.refusal(BadRequest("invalid_request", "the request nests too deeply to be read"))
    log("ERROR", LOG.prediction_failed, requestId=request_id, errorType=type(error).__name__)
    return protocol.failure(request_id)
