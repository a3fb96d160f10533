"""`npm start -- --queue FILE`: queued requests played as SQS and the event source mapping play them.

FILE holds one message body per line (`{"id", "input", "output"?}`). They are delivered to the
function in batches, each record in the shape SQS gives Lambda; the function answers with
`batchItemFailures`, and as with `ReportBatchItemFailures` only the messages listed there are
delivered again, their receive count one higher, until `max_receive` deliveries, after which they go
to the dead-letter queue. Results land in S3 on loopback, where the function writes them in AWS.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_BATCH_SIZE = 10
DEFAULT_MAX_RECEIVE = 3
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:lambda-inference-local"


@dataclass
class Message:
    body: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    receives: int = 0


@dataclass
class Outcome:
    done: list[Message] = field(default_factory=list)
    dead_lettered: list[Message] = field(default_factory=list)
    deliveries: int = 0


def record(message: Message) -> dict[str, Any]:
    """One SQS record, as the event source mapping hands it to the function."""
    return {
        "messageId": message.id,
        "receiptHandle": f"local-{message.id}-{message.receives}",
        "body": message.body,
        "attributes": {
            "ApproximateReceiveCount": str(message.receives),
            "SentTimestamp": "0",
            "SenderId": "local",
            "ApproximateFirstReceiveTimestamp": "0",
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(message.body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def read_messages(path: str) -> list[Message]:
    with open(path, encoding="utf-8") as f:
        return [Message(line.rstrip("\n")) for line in f if line.strip()]


def play(
    messages: list[Message],
    invoke: Callable[[dict[str, Any]], Any],
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_receive: int = DEFAULT_MAX_RECEIVE,
) -> Outcome:
    """Delivers until every message is done or dead-lettered; `invoke` answers a batch as the function does."""
    outcome = Outcome()
    pending = list(messages)
    while pending:
        batch, pending = pending[:batch_size], pending[batch_size:]
        for m in batch:
            m.receives += 1
        answer = invoke({"Records": [record(m) for m in batch]})
        outcome.deliveries += 1
        if not isinstance(answer, dict) or not isinstance(answer.get("batchItemFailures"), list):
            # A failed invocation: the whole batch comes back, as SQS redelivers it.
            failed = {m.id for m in batch}
        else:
            failed = {str(f.get("itemIdentifier")) for f in answer["batchItemFailures"] if isinstance(f, dict)}
        for m in batch:
            if m.id not in failed:
                outcome.done.append(m)
            elif m.receives >= max_receive:
                outcome.dead_lettered.append(m)
            else:
                pending.append(m)
    return outcome


# A message's id as the summary shows it: long enough to tell messages apart, short enough for a line.
MAX_ID_CHARS = 64


def body_id(message: Message) -> str:
    """The `id` the message's body gives itself, for the summary; what any body says, it must not fail
    the listing (a dead letter is often the message that could not be read)."""
    try:
        document = json.loads(message.body)
    except ValueError:
        return "(not JSON)"
    except RecursionError:
        return "(nested too deeply to read)"
    if not isinstance(document, dict):
        return "(not an object)"
    return repr(document.get("id"))[1:-1][:MAX_ID_CHARS] if isinstance(document.get("id"), str) else "(no id)"


def reasons(function_log: str) -> dict[str, str]:
    """The last reason the function logged for each failed message id."""
    found: dict[str, str] = {}
    for line in function_log.splitlines():
        if '"message failed"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        found[str(entry.get("messageId"))] = f"{entry.get('error')}: {entry.get('reason')}"
    return found
