"""Queued requests (inference/queue.py): SQS batches in AWS's own event shape, with our message bodies,
answered by the real handler against S3 on loopback (moto's server) through the function's own client."""

import json

import pytest
from support import (
    QUEUE_INPUT_BUCKET,
    QUEUE_OUTPUT_BUCKET,
    Context,
    empty_s3,
    queue_app,
)

from inference.errors import ConfigError, RequestError
from inference.jobs import JobLocations
from inference.sources import sqs as queue
from inference.storage.s3uri import S3Uri

OUT, DATA = QUEUE_OUTPUT_BUCKET, QUEUE_INPUT_BUCKET
ROW = [5.1, 3.5, 1.4, 0.2]


def record(body: str, n: int = 1, receive_count: int = 1) -> dict:
    """One record as the event source mapping delivers it (AWS's sample event, our body)."""
    return {
        "messageId": f"059f36b4-87a3-44ab-83d2-66197527800{n}",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:111122223333:my-queue",
        "awsRegion": "us-east-1",
    }


def sqs_event(*bodies: object) -> dict:
    return {"Records": [record(b if isinstance(b, str) else json.dumps(b), i) for i, b in enumerate(bodies)]}


@pytest.fixture
def s3(endpoint, monkeypatch):
    return empty_s3(endpoint, monkeypatch, OUT, DATA)


@pytest.fixture
def app(endpoint, s3):
    return queue_app(endpoint)


def result(s3, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=OUT, Key=key)["Body"].read())


def failures(answer: dict) -> list[str]:
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


def test_an_inline_input_is_answered_into_the_output_location(app, s3):
    answer = app(sqs_event({"id": "order-1", "input": {"features": ROW}}), Context())
    assert answer == {"batchItemFailures": []}
    written = result(s3, "async/order-1.json")
    assert written["id"] == "order-1"
    assert written["predictions"] == ["setosa"]
    assert len(written["probabilities"][0]) == 3
    assert written["model"] == app.served.identity
    head = s3.head_object(Bucket=OUT, Key="async/order-1.json")
    assert head["ContentType"] == "application/json"


def test_an_input_in_s3_under_an_allowed_prefix_and_an_explicit_output(app, s3):
    s3.put_object(Bucket=DATA, Key="requests/big.json", Body=json.dumps({"instances": [ROW] * 3}))
    message = {
        "id": "big",
        "input": {"s3Uri": f"s3://{DATA}/requests/big.json"},
        "output": {"s3Uri": f"s3://{OUT}/async/team-a/big.json"},
    }
    assert app(sqs_event(message), Context()) == {"batchItemFailures": []}
    assert result(s3, "async/team-a/big.json")["predictions"] == ["setosa"] * 3


def test_the_inference_protocol_is_accepted_too(app, s3):
    request = {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": ROW}]}
    assert app(sqs_event({"id": "oip", "input": request}), Context()) == {"batchItemFailures": []}
    written = result(s3, "async/oip.json")
    assert [o["name"] for o in written["outputs"]] == ["label", "probabilities"]


def test_a_request_the_caller_must_fix_is_a_result_not_a_retry(app, s3):
    answer = app(sqs_event({"id": "bad-row", "input": {"features": [1, 2]}}), Context())
    assert answer == {"batchItemFailures": []}
    assert result(s3, "async/bad-row.json") == {
        "id": "bad-row",
        "status": 400,
        "error": "wrong_feature_count",
        "message": "features has 2 values; the model takes exactly 4",
    }


def test_only_the_failed_messages_are_delivered_again_and_the_poison_is_logged_without_data(app, s3, capsys):
    secret = [9.87654, 3.5, 1.4, 0.2]
    event = sqs_event(
        {"id": "first", "input": {"features": ROW}},
        "this is not JSON " + json.dumps(secret),
        {"id": "outside", "input": {"s3Uri": f"s3://{DATA}/elsewhere/x.json"}},
        {"id": "wrong-output", "input": {"features": secret}, "output": {"s3Uri": f"s3://{DATA}/async/x.json"}},
        {"id": "no/slash", "input": {"features": ROW}},
        {"id": "last", "input": {"features": ROW}},
    )
    answer = app(event, Context())
    ids = [r["messageId"] for r in event["Records"]]
    assert failures(answer) == [ids[1], ids[2], ids[3], ids[4]]
    assert result(s3, "async/first.json")["predictions"] == ["setosa"]
    assert result(s3, "async/last.json")["predictions"] == ["setosa"]
    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    failed = [line for line in logs if line.get("message") == "message failed"]
    assert [(f["messageId"], f["error"]) for f in failed] == [
        (ids[1], "invalid_message"),
        (ids[2], "location_not_allowed"),
        (ids[3], "location_not_allowed"),
        (ids[4], "invalid_message"),
    ]
    assert failed[1]["reason"] == (
        f"input.s3Uri s3://{DATA}/elsewhere/x.json is not under an allowed prefix: s3://{DATA}/requests/"
    )
    assert failed[0]["receiveCount"] == 1
    assert queue._receive_count({"attributes": {"ApproximateReceiveCount": "\u00b9"}}) is None
    text = json.dumps(logs)
    assert "9.87654" not in text and "not JSON" not in text


def test_a_result_that_cannot_be_written_is_delivered_again(app, s3, capsys):
    s3.delete_bucket(Bucket=OUT)
    event = sqs_event({"id": "lost", "input": {"features": ROW}})
    assert failures(app(event, Context())) == [event["Records"][0]["messageId"]]
    failed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "message failed" in line]
    assert failed[0]["error"] == "output_failed"
    assert failed[0]["reason"] == "S3 refused to write: NoSuchBucket"


def test_an_input_that_is_missing_or_not_json(app, s3, capsys):
    s3.put_object(Bucket=DATA, Key="requests/text.json", Body=b"not json")
    event = sqs_event(
        {"id": "missing", "input": {"s3Uri": f"s3://{DATA}/requests/none.json"}},
        {"id": "text", "input": {"s3Uri": f"s3://{DATA}/requests/text.json"}},
    )
    assert len(failures(app(event, Context()))) == 2
    failed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "message failed" in line]
    assert [(f["error"], f["reason"]) for f in failed] == [
        ("input_unreadable", "S3 refused to read: NoSuchKey"),
        ("invalid_message", f"input.s3Uri s3://{DATA}/requests/text.json does not hold a JSON document"),
    ]


def test_a_model_failure_is_delivered_again(app, s3, monkeypatch):
    monkeypatch.setattr(app.model, "predict", lambda x: 1 / 0)
    event = sqs_event({"id": "boom", "input": {"features": ROW}})
    assert failures(app(event, Context())) == [event["Records"][0]["messageId"]]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([1, 2], 'the message body is not a JSON object {"id", "input", "output"?}'),
        ({"input": {}}, "id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"),
        ({"id": "x"}, "message x has no input"),
        ({"id": "x", "input": {}, "output": "s3://a/b"}, 'output must be {"s3Uri": "s3://..."}'),
        ({"id": "x", "input": {"s3Uri": "https://x"}}, "input.s3Uri must be an s3://bucket/key address"),
        ({"id": "x", "input": {"s3Uri": "s3://A_B/k"}}, "input.s3Uri names no valid bucket: 'A_B'"),
    ],
)
def test_malformed_messages_name_the_field(body, reason):
    jobs = JobLocations(queue_output=S3Uri(OUT, "async/"), queue_inputs=(S3Uri(DATA, "requests/"),))
    with pytest.raises(RequestError) as e:
        queue.message_of(json.dumps(body), jobs)
    assert e.value.message == reason


def test_a_dotdot_key_does_not_escape_its_prefix():
    assert not S3Uri(OUT, "async/../secret.json").under(S3Uri(OUT, "async/"))
    assert S3Uri(OUT, "async/a..b.json").under(S3Uri(OUT, "async/"))


def test_without_a_default_output_a_message_must_name_one():
    with pytest.raises(RequestError, match="has no output, and the function no default"):
        queue.message_of(json.dumps({"id": "x", "input": {}}), JobLocations())


def test_the_locations_come_from_the_environment():
    env = {"ASYNC_OUTPUT_URI": f"s3://{OUT}/async/", "ASYNC_INPUT_PREFIXES": f"s3://{DATA}/a/, s3://{DATA}/b/"}
    assert JobLocations.from_env(env) == JobLocations(S3Uri(OUT, "async/"), (S3Uri(DATA, "a/"), S3Uri(DATA, "b/")))
    with pytest.raises(ConfigError, match="ASYNC_INPUT_PREFIXES must end with '/'"):
        JobLocations.from_env({"ASYNC_INPUT_PREFIXES": f"s3://{DATA}/a"})
