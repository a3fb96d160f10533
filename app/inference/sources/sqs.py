"""Queued requests: an SQS event source mapping hands the function a batch of messages, each one
request whose result goes to S3.

A message body is `{"id": "...", "input": <a document the function accepts> | {"s3Uri": "s3://..."},
"output": {"s3Uri": "s3://..."}}` (output optional). The input goes through the very path of a direct
invoke (the native contract or the inference protocol), an input in S3 read only up to
MAX_QUEUED_INPUT_BYTES; the result, the same JSON as a synchronous answer plus the id, is written to
`output.s3Uri`, else to `<ASYNC_OUTPUT_URI><id>.json`, and only where nothing is yet: a message never
overwrites another's result, and a message delivered again finds its own (by its SQS message id) and is
done. An answer the caller must fix (a 4xx) is a result like any other: written, and the message is done.

Each message is processed alone: one that cannot be (not our shape, a location outside the allowed
prefixes, an output holding another message's result, S3 refusing to read or write, the model failing,
or anything else it sets off) is reported alone in `batchItemFailures`, so SQS delivers it again and,
after the queue's maxReceiveCount, moves it to the dead-letter queue, while the batch's other messages
are done. A failure is logged with its message id and a reason cut short, never the message's data.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from ..contract import LOG, QUEUE_ID_PATTERN, QUEUE_MESSAGE
from ..errors import BadGateway, BadRequest, Conflict, InternalError, RequestError
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
RESULT_CONTENT_TYPE = "application/json"
# The user metadata a result carries: the SQS message it answers, so a redelivery recognises its own.
MESSAGE_METADATA = "sqs-message-id"
# A failure's reason in the log, at most this long (it may quote a field of the message).
MOST_REASON_CHARS = 200
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
    """What the queue needs of S3: read a message's input, write its result where nothing is yet."""

    def read(self, bucket: str, key: str, max_bytes: int) -> bytes: ...

    def write_new(self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool: ...

    def metadata_of(self, bucket: str, key: str) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    input: JSON
    """The document itself, or where to read it."""
    input_uri: S3Uri | None
    output: S3Uri


def _json(text: object, what: str) -> JSON:
    """A message body or an input as JSON; invalid_message when it is not, however deeply it nests."""
    try:
        document: JSON = json.loads(text) if isinstance(text, str | bytes) else None
    except (ValueError, RecursionError):
        raise BadRequest("invalid_message", f"{what} does not hold a JSON document") from None
    return document


def message_of(body: object, jobs: JobLocations) -> Message:
    """A message body as a Message, or a RequestError naming the field at fault."""
    document = _json(body, "the message body")
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
    """Where the message's result goes: its own output, else the function's default location; an object
    strictly under the allowed prefix (never the prefix itself, or a folder)."""
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
    if allowed is not None and (target.key == allowed.key or target.key.endswith("/")):
        raise BadRequest("invalid_message", f"{where} must name an object under {allowed}, not a folder")
    return target


def _uri(value: object, field: str) -> S3Uri:
    try:
        uri = parse(value, field)
    except ValueError as e:
        raise BadRequest("invalid_message", str(e)) from None
    if not uri.key.isascii() and not _utf8(uri.key):
        raise BadRequest("invalid_message", f"{field} must be valid UTF-8 (an S3 key is)")
    return uri


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _s3(action: Callable[[], Any], what: str) -> Any:
    try:
        return action()
    except S3Failure as e:
        code = "input_unreadable" if what == "read" else "output_failed"
        if e.code == "EntityTooLarge":
            raise BadRequest(
                "invalid_message", f"the input is larger than {e.message.rsplit(' ', 2)[-2]} bytes"
            ) from None
        raise BadGateway(code, f"S3 refused to {what}: {e.code}") from None


def matches(event: JSON) -> bool:
    """An event source mapping's SQS batch (AWS's shape: Records of eventSource aws:sqs)."""
    records = event.get("Records") if isinstance(event, dict) else None
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def handle(event: JSON, invocation: Invocation, services: Services) -> JSON:
    """The batch's response: the ids of the messages SQS must deliver again, each failing alone. The first
    message of a cold batch counts as the cold start."""
    assert isinstance(event, dict)
    failures: list[JSON] = []
    cold = invocation.cold
    for record in event["Records"]:  # type: ignore[union-attr]
        assert isinstance(record, dict)
        message_id = str(record.get("messageId"))
        try:
            _process(record, Invocation(invocation.request_id, cold, time.perf_counter()), services)
        except RequestError as e:
            failures.append({"itemIdentifier": message_id})
            _failed(record, error=e.code, reason=e.message[:MOST_REASON_CHARS])
        except Exception as e:  # noqa: BLE001 - one message's failure, whatever it is, is that message's alone
            failures.append({"itemIdentifier": message_id})
            _failed(record, error="internal_error", errorType=type(e).__name__)
        cold = False
    return {"batchItemFailures": failures}


def _failed(record: dict[str, JSON], **why: JSON) -> None:
    message_id = str(record.get("messageId"))[:MOST_REASON_CHARS]
    log("ERROR", LOG.message_failed, messageId=message_id, receiveCount=_receive_count(record), **why)


def _answer(document: JSON, invocation: Invocation, services: Services) -> Reply:
    """A message's input, answered as a direct invoke of it would be (and measured alike)."""
    _, reply = services.protocols.answer_document(document, invocation.request_id)
    reply.route = "queue"
    services.observer.observe(reply, invocation, http=False)
    return reply


def _input(message: Message, services: Services) -> JSON:
    """The message's document: in the message, or read from S3 (never more than the limit)."""
    uri = message.input_uri
    if uri is None:
        return message.input
    storage: Storage = services.storage
    limit = services.protocols.limits.max_queued_input_bytes
    try:
        raw = storage.read(uri.bucket, uri.key, limit)
    except S3Failure as e:
        if e.code == "EntityTooLarge":
            raise BadRequest(
                "invalid_message", f"input.s3Uri {uri} is larger than MAX_QUEUED_INPUT_BYTES ({limit} bytes)"
            ) from None
        raise BadGateway("input_unreadable", f"S3 refused to read: {e.code}") from None
    return _json(raw, f"input.s3Uri {uri}")


def _process(record: dict[str, JSON], invocation: Invocation, services: Services) -> None:
    message = message_of(record.get("body"), services.jobs)
    reply = _answer(_input(message, services), invocation, services)
    if reply.status >= 500:
        raise InternalError("internal_error", f"the model could not answer message {message.id}")
    result = json.dumps({ID_KEY: message.id, **document_of(reply)}, allow_nan=False).encode()
    _deliver(message, result, str(record.get("messageId")), services.storage)


def _deliver(message: Message, result: bytes, sqs_id: str, storage: Storage) -> None:
    """The result, where nothing is yet; a redelivered message finds its own there and is done."""
    out = message.output
    metadata = {MESSAGE_METADATA: sqs_id}
    if _s3(lambda: storage.write_new(out.bucket, out.key, result, RESULT_CONTENT_TYPE, metadata), "write"):
        return
    found = _s3(lambda: storage.metadata_of(out.bucket, out.key), "read")
    if found.get(MESSAGE_METADATA) != sqs_id:
        raise Conflict("output_exists", f"{OUTPUT_KEY}.{LOCATION_KEY} {out} already holds another message's result")


def _receive_count(record: object) -> int | None:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    count = attributes.get("ApproximateReceiveCount") if isinstance(attributes, dict) else None
    return int(count) if isinstance(count, str) and count.isascii() and count.isdigit() else None
