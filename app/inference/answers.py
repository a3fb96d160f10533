"""Lambda answers a synchronous invoke with at most 6 MB (MAX_SYNC_PAYLOAD_BYTES): an answer larger than
that is refused by the function itself, as the caller's (it asked for too much), instead of failing in
Lambda after a 200 was recorded. Its size is judged cheaply first (values times the most a value takes)
and measured only when it could be near the limit."""

import json

from .contract import MAX_SYNC_PAYLOAD_BYTES
from .errors import BadRequest
from .reply import Reply

# What a number or a short string takes in JSON at most, with its separator: an answer of fewer values than
# the limit over this can only be large through long strings, which the protocols answer only as labels.
MOST_BYTES_PER_VALUE = 32
# Room for the proxy response's own fields around its body.
ENVELOPE_BYTES = 4096


def too_large(size: int) -> BadRequest:
    return BadRequest(
        "answer_too_large",
        f"the answer would take {size} bytes, over the {MAX_SYNC_PAYLOAD_BYTES} bytes Lambda returns: send fewer "
        "rows, or ask the inference protocol for fewer outputs",
    )


def could_be_too_large(reply: Reply) -> bool:
    return reply.values * MOST_BYTES_PER_VALUE + len(reply.binary) * 4 // 3 + ENVELOPE_BYTES > MAX_SYNC_PAYLOAD_BYTES


def check_document(reply: Reply) -> BadRequest | None:
    """The refusal of a direct invoke's answer (a JSON document) that Lambda could not return."""
    if reply.status != 200 or not could_be_too_large(reply):
        return None
    size = len(json.dumps(reply.body, allow_nan=False)) + ENVELOPE_BYTES
    return too_large(size) if size > MAX_SYNC_PAYLOAD_BYTES else None


def check_body(reply: Reply, body: str | bytes) -> BadRequest | None:
    """The refusal of an HTTP answer whose body (base64 when binary) Lambda could not return."""
    if reply.status != 200 or not could_be_too_large(reply):
        return None
    size = (len(body) * 4 // 3 if isinstance(body, bytes) else len(body)) + ENVELOPE_BYTES
    return too_large(size) if size > MAX_SYNC_PAYLOAD_BYTES else None
