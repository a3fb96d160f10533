"""Queued requests: an SQS event source mapping hands the function a batch of messages, each one
request whose result goes to S3.

A message body is `{"id": "...", "input": <a document the function accepts> | {"s3Uri": "s3://..."},
"output": {"s3Uri": "s3://..."}}` (output optional). The input goes through the very path of a direct
invoke (the native contract or the inference protocol); the result, the same JSON as a synchronous
answer plus the id, is written to `output.s3Uri`, else to `<ASYNC_OUTPUT_URI><id>.json`. An answer
the caller must fix (a 4xx) is a result like any other: written, and the message is done. A message
that cannot be processed (not our shape, a location outside the allowed prefixes, S3 refusing to
read or write, the model failing) is reported in `batchItemFailures`: SQS delivers it again and,
after the queue's maxReceiveCount, moves it to the dead-letter queue; the other messages of the batch
are not delivered again. A failure is logged with its message id and reason, never its data.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .contract import JOBS_ENV, LOG
from .errors import BadGateway, BadRequest, RequestError, ServerError
from .lambda_types import JSON, Env
from .logs import log
from .s3_download import S3Failure
from .s3uri import S3Uri, parse, prefixes_from_env, require_under

# An id becomes an object key: letters, digits and a few safe marks.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,127}")
# SQS carries at most 256 KiB; an input in S3 may be larger, up to this.
MAX_INPUT_BYTES = 64 * 1024 * 1024
RESULT_CONTENT_TYPE = "application/json"


class Storage(Protocol):
    """What the queue needs of S3: read a message's input, write its result."""

    def read(self, bucket: str, key: str, max_bytes: int) -> bytes: ...

    def write(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Locations:
    """Where results go and what inputs may be read, from ASYNC_OUTPUT_URI and ASYNC_INPUT_PREFIXES."""

    output: S3Uri | None
    inputs: tuple[S3Uri, ...]

    @staticmethod
    def from_env(env: Env) -> "Locations":
        outputs = prefixes_from_env(env, JOBS_ENV.async_output_uri)
        return Locations(outputs[0] if outputs else None, prefixes_from_env(env, JOBS_ENV.async_input_prefixes))


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    input: JSON
    """The document itself, or where to read it."""
    input_uri: S3Uri | None
    output: S3Uri


def message_of(body: object, locations: Locations) -> Message:
    """A message body as a Message, or a RequestError naming the field at fault."""
    try:
        document = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise BadRequest("invalid_message", 'the message body is not a JSON object {"id", "input", "output"?}')
    message_id = document.get("id")
    if not isinstance(message_id, str) or not ID.fullmatch(message_id):
        raise BadRequest(
            "invalid_message", "id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if "input" not in document:
        raise BadRequest("invalid_message", f"message {message_id} has no input")
    given, input_uri = document["input"], None
    if isinstance(given, dict) and set(given) == {"s3Uri"}:
        input_uri = _uri(given["s3Uri"], "input.s3Uri")
        require_under(input_uri, locations.inputs, "input.s3Uri")
    output = document.get("output")
    if output is None:
        if locations.output is None:
            raise BadRequest("invalid_message", f"message {message_id} has no output, and the function no default")
        target = locations.output.join(f"{message_id}.json")
    else:
        if not isinstance(output, dict) or set(output) != {"s3Uri"}:
            raise BadRequest("invalid_message", 'output must be {"s3Uri": "s3://..."}')
        target = _uri(output["s3Uri"], "output.s3Uri")
    require_under(target, (locations.output,) if locations.output else (), "output.s3Uri")
    return Message(message_id, given, input_uri, target)


def _uri(value: object, field: str) -> S3Uri:
    try:
        return parse(value, field)
    except ValueError as e:
        raise BadRequest("invalid_message", str(e)) from None


def _s3(action: Callable[[], Any], what: str) -> Any:
    try:
        return action()
    except S3Failure as e:
        raise BadGateway(
            "input_unreadable" if what == "read" else "output_failed", f"S3 refused to {what}: {e.code}"
        ) from None


Answer = Callable[[JSON], tuple[int, dict[str, JSON]]]
"""The function's answer to a direct invoke's document: (status, the body a direct invoke returns)."""


def handle(event: dict[str, Any], locations: Locations, storage: Storage, answer: Answer) -> dict[str, JSON]:
    """The batch's response: the ids of the messages SQS must deliver again."""
    failures: list[JSON] = []
    for record in event.get("Records") or []:
        message_id = record.get("messageId") if isinstance(record, dict) else None
        try:
            _process(record, locations, storage, answer)
        except RequestError as e:
            failures.append({"itemIdentifier": message_id})
            log("ERROR", LOG.message_failed, messageId=message_id, error=e.code, reason=e.message,
                receiveCount=_receive_count(record))  # fmt: skip
    return {"batchItemFailures": failures}


def is_sqs(event: dict[str, Any]) -> bool:
    """An event source mapping's SQS batch (AWS's shape: Records of eventSource aws:sqs)."""
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def _process(record: Any, locations: Locations, storage: Storage, answer: Answer) -> None:
    message = message_of(record.get("body"), locations)
    document = message.input
    if message.input_uri is not None:
        uri = message.input_uri
        raw = _s3(lambda: storage.read(uri.bucket, uri.key, MAX_INPUT_BYTES), "read")
        try:
            document = json.loads(raw)
        except ValueError:
            raise BadRequest("invalid_message", f"input.s3Uri {uri} does not hold a JSON document") from None
    status, body = answer(document)
    if status >= 500:
        raise ServerError("internal_error", f"the model could not answer message {message.id}")
    result = json.dumps({"id": message.id, **body}, allow_nan=False).encode()
    out = message.output
    _s3(lambda: storage.write(out.bucket, out.key, result, RESULT_CONTENT_TYPE), "write")


def _receive_count(record: object) -> int | None:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    count = attributes.get("ApproximateReceiveCount") if isinstance(attributes, dict) else None
    return int(count) if isinstance(count, str) and count.isascii() and count.isdigit() else None
