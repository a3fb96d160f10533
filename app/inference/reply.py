"""The answer every route produces, before its event source shapes it (a proxy response, a direct
invoke's document, a queued message's result, a batch's lines): below every source and protocol."""

from dataclasses import dataclass

from .types import JSON


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Reply:
    """A JSON document, or a JSON header and binary data, with what the request's metrics record."""

    status: int
    body: dict[str, JSON]
    binary: bytes = b""
    headers: dict[str, str] | None = None
    rows: int = 0
    model_ms: float = 0.0
    route: str = "infer"
    error: str | None = None
    request: JSON = None
    """The request the model answered (for data capture); None when no model answered it."""
    request_binary: bytes = b""
    """The binary tensor data that followed the request's JSON."""
    values: int = 0
    """How many values (numbers, strings) the answer holds: what its size is judged by before it is encoded."""
    model: str | None = None
    """The model that answered, named by a function with many models (its metrics and capture say it)."""
