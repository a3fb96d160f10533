"""Generated hostile input (Hypothesis) on every surface a caller reaches: inference protocol requests in
JSON and in binary, HTTP events with any headers, queued messages and Distributed Map item batches. Whatever
is generated, the function answers without a 5xx (which would count against a rollout), nothing escapes it
but the one failure a batch must raise, and no request makes it allocate more than a few MB.
`TRIED` counts the examples each surface ran (the close note of issue 35 quotes them)."""

import base64
import json
import tracemalloc
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DEMO_SHA256, Context, make_app, predictor_for
from test_queue import sqs_event

from inference.jobs import JobLocations
from inference.sources.item_batch import BatchError
from inference.storage.s3uri import S3Uri

TRIED: Counter[str] = Counter()
MOST_MB = 32
SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
INFER = "/v2/models/model/infer"

huge = st.one_of(st.integers(0, 8), st.integers(0, 2**80), st.sampled_from([2**31, 2**62, 2**63, 10**20]))
scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=4))
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
# Nesting as deep as a caller may send it, as JSON text (a parser's recursion is what it probes).
nested_text = st.integers(1, 3000).map(lambda depth: "[" * depth + "1" + "]" * depth)


def deep(depth: int) -> list[object]:
    """A list nested `depth` deep, built without recursion."""
    value: list[object] = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


nested = st.integers(1, 400).map(deep)
datatype = st.one_of(st.sampled_from(["FP32", "FP64", "INT64", "BOOL", "BYTES", "UINT8", "FP16"]), value)


@pytest.fixture(scope="module")
def app():
    jobs = JobLocations(queue_output=S3Uri("results-bucket", "async/"), batch_output=S3Uri("results-bucket", "b/"))
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], jobs=jobs, cold=False)


def within_memory(action):
    """What `action` returns, having allocated at most MOST_MB while it ran."""
    tracemalloc.start()
    try:
        result = action()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert peak < MOST_MB, f"{peak:.0f} MB"
    return result


def status_of(answer):
    if "statusCode" in answer:
        return answer["statusCode"]
    return answer.get("status", 200)


@st.composite
def tensor(draw):
    shape = draw(st.one_of(st.lists(huge, max_size=5), st.lists(st.integers(0, 3), min_size=60, max_size=80), value))
    item = {"name": draw(st.one_of(st.just("X"), st.text(max_size=3), value)), "shape": shape,
            "datatype": draw(datatype)}  # fmt: skip
    if draw(st.booleans()):
        item["data"] = draw(st.one_of(value, nested, st.lists(st.floats(), max_size=8)))
    else:
        item["parameters"] = {"binary_data_size": draw(st.one_of(huge, value))}
    return item


@given(
    inputs=st.lists(tensor(), min_size=1, max_size=3),
    tail=st.binary(max_size=64),
    binary=st.booleans(),
    deep_data=st.one_of(st.none(), nested_text),
)
@SETTINGS
def test_protocol_requests_in_json_and_binary(app, inputs, tail, binary, deep_data):
    header = json.dumps({"inputs": inputs, "outputs": [{"name": "label"}]}).encode()
    if deep_data is not None:
        header = header.replace(b'"inputs": [', b'"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", '
                                b'"data": ' + deep_data.encode() + b"}, ", 1)  # fmt: skip
    if binary:
        body = header + tail
        headers = {"inference-header-content-length": str(len(header))}
        event = {"rawPath": INFER, "headers": headers, "requestContext": {"http": {"method": "POST"}},
                 "body": base64.b64encode(body).decode(), "isBase64Encoded": True}  # fmt: skip
    else:
        event = {"rawPath": INFER, "headers": {}, "requestContext": {"http": {"method": "POST"}},
                 "body": header.decode(), "isBase64Encoded": False}  # fmt: skip
    TRIED["protocol"] += 1
    assert status_of(within_memory(lambda: app(event, Context()))) < 500


@st.composite
def http_event(draw):
    """A function URL, REST API or ALB event with anything in its fields."""
    headers = draw(st.one_of(st.dictionaries(st.text(max_size=8), value, max_size=4), value))
    method = draw(st.one_of(st.sampled_from(["POST", "GET", "post", ""]), value))
    path = draw(st.one_of(st.sampled_from(["/", INFER, "/v2", "/v2/models/model", "/v2/models/x/infer"]), value))
    kind = draw(st.sampled_from(["url", "rest", "alb"]))
    if kind == "url":
        event = {"rawPath": path, "headers": headers, "requestContext": {"http": {"method": method}}}
    else:
        event = {"httpMethod": method, "path": path, "headers": headers, "multiValueHeaders": headers}
        if kind == "alb":
            event["requestContext"] = {"elb": {"targetGroupArn": "arn"}}
    event["body"] = draw(st.one_of(st.text(max_size=40), value, nested_text))
    event["isBase64Encoded"] = draw(st.one_of(st.booleans(), value))
    return event


@given(event=http_event())
@SETTINGS
def test_http_events_with_anything_in_them(app, event):
    TRIED["http"] += 1
    answer = within_memory(lambda: app(event, Context()))
    assert isinstance(answer, dict) and status_of(answer) < 500


documents = st.one_of(
    value,
    nested,
    st.fixed_dictionaries({"features": value}),
    st.fixed_dictionaries({"instances": value}),
    st.fixed_dictionaries({"inputs": value}),
)


@given(document=documents)
@SETTINGS
def test_direct_invokes_of_any_document(app, document):
    TRIED["direct"] += 1
    answer = within_memory(lambda: app(document, Context()))
    assert status_of(answer) < 500


message = st.one_of(
    value.map(json.dumps),
    nested_text.map(lambda n: '{"id": "m", "input": ' + n + "}"),
    st.builds(
        lambda i, inp, out: json.dumps({"id": i, "input": inp, "output": out}),
        st.one_of(st.text(max_size=6), value),
        st.one_of(value, st.just({"s3Uri": "s3://inputs-bucket/x"})),
        st.one_of(value, st.text(max_size=8).map(lambda k: {"s3Uri": f"s3://results-bucket/async/{k}"})),
    ),
)


@given(bodies=st.lists(message, min_size=1, max_size=4))
@SETTINGS
def test_queued_messages_fail_each_alone(app, bodies, monkeypatch_storage):
    TRIED["queue"] += len(bodies)
    answer = within_memory(lambda: app(sqs_event(*bodies), Context()))
    # Every message is either done or reported alone: the batch itself never fails.
    assert set(answer) == {"batchItemFailures"}
    assert len(answer["batchItemFailures"]) <= len(bodies)


@pytest.fixture(scope="module")
def monkeypatch_storage(app):
    """S3 that keeps results in memory, so the queue's paths run without a server."""

    class Memory:
        def __init__(self):
            self.objects = {}

        def read(self, bucket, key, max_bytes):
            return b'{"features": [1, 2, 3, 4]}'

        def write_new(self, bucket, key, data, content_type, metadata):
            return self.objects.setdefault((bucket, key), metadata) is metadata

        def metadata_of(self, bucket, key):
            return self.objects[(bucket, key)]

        def write(self, bucket, key, data, content_type, **_):
            self.objects[(bucket, key)] = {}

    real = app.services.storage
    object.__setattr__(app.services, "storage", Memory())
    yield
    object.__setattr__(app.services, "storage", real)


@given(
    items=st.lists(st.one_of(value, st.fixed_dictionaries({"index": st.integers(), "row": value}), nested), max_size=5),
    batch_input=st.one_of(st.none(), value, st.fixed_dictionaries({"passthroughColumns": value})),
)
@SETTINGS
def test_batch_items_get_a_line_each_or_fail_the_batch_as_a_whole(app, items, batch_input):
    TRIED["batch"] += len(items)
    event = {"Items": items, "BatchInput": batch_input}
    try:
        answer = within_memory(lambda: app(event, Context()))
    except BatchError:
        return  # the one failure that reaches the runtime: Step Functions retries the batch
    assert answer["rows"] == len(items) and answer["lines"].count("\n") == len(items)


def test_zz_the_counts(capsys):
    """The examples each surface ran in this session (the close note quotes them)."""
    with capsys.disabled():
        print(f"\nfuzzed: {dict(TRIED)}")
    assert all(TRIED[s] > 0 for s in ("protocol", "http", "direct", "queue", "batch"))
