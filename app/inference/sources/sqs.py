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
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from ..contract import LOG, QUEUE_ID_PATTERN, QUEUE_MESSAGE
from ..errors import BadGateway, BadRequest, InternalError, RequestError
from ..invocation import Invocation
from ..jobs import JobLocations
from ..logs import log
from ..reply import Reply
from ..storage.s3 import S3Failure
from ..storage.s3uri import S3Uri, parse, require_under
from ..types import JSON
from .base import Services
from .direct import document_of

# An id becomes an object key: letters, digits and a few safe marks.
ID = re.compile(QUEUE_ID_PATTERN)
# SQS carries at most 1 MiB; an input in S3 may be larger, up to this.
MAX_INPUT_BYTES = 64 * 1024 * 1024
RESULT_CONTENT_TYPE = "application/json"
ID_KEY, INPUT_KEY, OUTPUT_KEY, LOCATION_KEY = (
    QUEUE_MESSAGE.id,
    QUEUE_MESSAGE.input,
    QUEUE_MESSAGE.output,
    QUEUE_MESSAGE.location,
)


class SqsAttributes(TypedDict, total=False):
    ApproximateReceiveCount: str
    SentTimestamp: str
    ApproximateFirstReceiveTimestamp: str


class SqsRecord(TypedDict, total=False):
    """One message of an event source mapping's batch (the fields the function reads)."""

    messageId: str
    receiptHandle: str
    body: str
    attributes: SqsAttributes
    eventSource: str
    eventSourceARN: str


class SqsEvent(TypedDict):
    Records: list[SqsRecord]


class Storage(Protocol):
    """What the queue needs of S3: read a message's input, write its result."""

    def read(self, bucket: str, key: str, max_bytes: int) -> bytes: ...

    def write(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    input: JSON
    """The document itself, or where to read it."""
    input_uri: S3Uri | None
    output: S3Uri


def message_of(body: object, jobs: JobLocations) -> Message:
    """A message body as a Message, or a RequestError naming the field at fault."""
    try:
        document = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise BadRequest("invalid_message", 'the message body is not a JSON object {"id", "input", "output"?}')
    message_id = document.get(ID_KEY)
    if not isinstance(message_id, str) or not ID.fullmatch(message_id):
        raise BadRequest(
            "invalid_message", "id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if INPUT_KEY not in document:
        raise BadRequest("invalid_message", f"message {message_id} has no input")
    given, input_uri = document[INPUT_KEY], None
    if isinstance(given, dict) and set(given) == {LOCATION_KEY}:
        input_uri = _uri(given[LOCATION_KEY], f"{INPUT_KEY}.{LOCATION_KEY}")
        require_under(input_uri, jobs.queue_inputs, f"{INPUT_KEY}.{LOCATION_KEY}")
    return Message(message_id, given, input_uri, _output_of(document, message_id, jobs.queue_output))


def _output_of(document: dict[str, Any], message_id: str, allowed: S3Uri | None) -> S3Uri:
    """Where the message's result goes: its own output, else the function's default location."""
    output = document.get(OUTPUT_KEY)
    where = f"{OUTPUT_KEY}.{LOCATION_KEY}"
    if output is None:
        if allowed is None:
            raise BadRequest("invalid_message", f"message {message_id} has no output, and the function no default")
        target = allowed.join(f"{message_id}.json")
    else:
        if not isinstance(output, dict) or set(output) != {LOCATION_KEY}:
            raise BadRequest("invalid_message", f'output must be {{"{LOCATION_KEY}": "s3://..."}}')
        target = _uri(output[LOCATION_KEY], where)
    require_under(target, (allowed,) if allowed else (), where)
    return target


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


def matches(event: JSON) -> bool:
    """An event source mapping's SQS batch (AWS's shape: Records of eventSource aws:sqs)."""
    records = event.get("Records") if isinstance(event, dict) else None
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def handle(event: JSON, invocation: Invocation, services: Services) -> JSON:
    """The batch's response: the ids of the messages SQS must deliver again. The first message of a cold
    batch counts as the cold start."""
    assert isinstance(event, dict)
    failures: list[JSON] = []
    cold = invocation.cold
    for record in event["Records"]:  # type: ignore[union-attr]
        assert isinstance(record, dict)
        message_id = record.get("messageId")
        try:
            _process(record, Invocation(invocation.request_id, cold, time.perf_counter()), services)
        except RequestError as e:
            failures.append({"itemIdentifier": message_id})
            log("ERROR", LOG.message_failed, messageId=message_id, error=e.code, reason=e.message,
                receiveCount=_receive_count(record))  # fmt: skip
        cold = False
    return {"batchItemFailures": failures}


def _answer(document: JSON, invocation: Invocation, services: Services) -> Reply:
    """A message's input, answered as a direct invoke of it would be (and measured alike)."""
    _, reply = services.protocols.answer_document(document, invocation.request_id)
    reply.route = "queue"
    services.observer.observe(reply, invocation, http=False)
    return reply


def _process(record: dict[str, JSON], invocation: Invocation, services: Services) -> None:
    message = message_of(record.get("body"), services.jobs)
    storage: Storage = services.storage
    document = message.input
    if message.input_uri is not None:
        uri = message.input_uri
        raw = _s3(lambda: storage.read(uri.bucket, uri.key, MAX_INPUT_BYTES), "read")
        try:
            document = json.loads(raw)
        except ValueError:
            raise BadRequest("invalid_message", f"input.s3Uri {uri} does not hold a JSON document") from None
    reply = _answer(document, invocation, services)
    if reply.status >= 500:
        raise InternalError("internal_error", f"the model could not answer message {message.id}")
    result = json.dumps({ID_KEY: message.id, **document_of(reply)}, allow_nan=False).encode()
    out = message.output
    _s3(lambda: storage.write(out.bucket, out.key, result, RESULT_CONTENT_TYPE), "write")


def _receive_count(record: object) -> int | None:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    count = attributes.get("ApproximateReceiveCount") if isinstance(attributes, dict) else None
    return int(count) if isinstance(count, str) and count.isascii() and count.isdigit() else None
