"""Hostile requests and poison messages, each a reproduction of a finding of the review that fuzzed the
function: every size a request declares is bounded before anything is allocated for it, a client cannot
make the function answer 5xx (which would count against a rollout), one poison message fails alone, and
no message overwrites another's result."""

import base64
import json
import struct
import time
import tracemalloc

import numpy as np
import pytest
from support import (
    DEMO_SHA256,
    QUEUE_INPUT_BUCKET,
    QUEUE_OUTPUT_BUCKET,
    Context,
    empty_s3,
    make_app,
    predictor_for,
    queue_app,
)
from test_queue import record, sqs_event

from inference.limits import Limits
from inference.storage.s3 import S3Client

INFER = "/v2/models/model/infer"


def http(body: bytes | str, headers: dict[str, object] | None = None, path: str = INFER) -> dict[str, object]:
    binary = isinstance(body, bytes)
    return {
        "version": "2.0",
        "rawPath": path,
        "headers": headers or {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": path}},
        "body": base64.b64encode(body).decode() if binary else body,
        "isBase64Encoded": binary,
    }


def binary_request(inputs: list[dict[str, object]], data: bytes = b"") -> dict[str, object]:
    header = json.dumps({"inputs": inputs}).encode()
    return http(header + data, {"inference-header-content-length": str(len(header))})


def answered(app, event) -> tuple[int, dict[str, object]]:
    response = app(event, Context())
    if "statusCode" in response:
        return response["statusCode"], json.loads(response["body"])
    return response.get("status", 200), response


def graph_model(name: str):
    """One of graphs.py's models, loaded as init loads a model."""
    import tempfile

    from graphs import save

    from inference.runtimes import onnx as runtime_onnx

    return runtime_onnx.load(save(name, tempfile.mkdtemp()), name)


def peak_mb(action) -> float:
    """The most memory Python allocated while `action` ran, in MB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


@pytest.fixture
def onnx():
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"])


class TestSizesAreBoundedBeforeAllocation:
    def test_a_110_byte_request_declaring_150_million_bytes_elements_allocates_nothing(self):
        """Finding 1: np.empty(150000000, object) ran before the count was compared with the bytes sent."""
        app = make_app(graph_model("text"), sha256="ab" * 32)
        event = binary_request(
            [{"name": "text", "shape": [150_000_000], "datatype": "BYTES", "parameters": {"binary_data_size": 0}}]
        )
        started = time.perf_counter()
        assert peak_mb(lambda: answered(app, event)) < 5
        assert time.perf_counter() - started < 1
        status, body = answered(app, event)
        assert status == 400 and body["code"] == "invalid_tensor", body

    @pytest.mark.parametrize(
        "shape",
        [[10**20], [2**70], [2, 2**31], [0, 9223372036854775808], [0, 10**30], [2**62, 0], [1] * 65],
    )
    @pytest.mark.parametrize("binary", [False, True])
    def test_shapes_a_client_controls_are_a_400_never_a_500(self, onnx, shape, binary):
        """Findings 1 and 2: ValueError, MemoryError, and numpy's 64 dimensions, each answered 500."""
        item = {"name": "X", "shape": shape, "datatype": "FP32"}
        event = (
            binary_request([{**item, "parameters": {"binary_data_size": 16}}], b"\0" * 16)
            if binary
            else http(json.dumps({"inputs": [{**item, "data": [1.0, 2.0, 3.0, 4.0]}]}))
        )
        status, body = answered(onnx, event)
        assert status == 400, body
        assert body["code"] in ("invalid_tensor", "wrong_shape"), body

    def test_a_shape_too_large_is_named_with_the_limit(self, onnx):
        status, body = answered(onnx, http(json.dumps({"inputs": [{"name": "X", "shape": [10**20, 4],
                                                               "datatype": "FP32", "data": [1]}]})))  # fmt: skip
        assert (status, body["error"]) == (
            400,
            f"input 'X'.shape [{10**20}, 4] holds more values than a request can carry ({6 * 1024 * 1024})",
        )

    def test_a_datatype_the_model_does_not_take_is_refused_before_its_data_is_read(self, onnx):
        data = struct.pack("<2000d", *([1.0] * 2000))
        size = {"binary_data_size": len(data)}
        inputs = [{"name": "X", "shape": [500, 4], "datatype": "FP64", "parameters": size}]
        status, body = answered(onnx, binary_request(inputs, data))
        assert (status, body["code"]) == (400, "wrong_datatype")
        assert body["error"] == "input 'X' is FP64; the model declares FP32 [-1, 4]"

    def test_the_protocol_keeps_to_the_row_limit_too(self):
        """Finding 6: /v2 answered 65,000 rows though MAX_BATCH_ROWS is 1,000."""
        app = make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], limits=Limits(max_batch_rows=1000))
        rows = np.ones((65_000, 4), dtype=np.float32)
        inputs = [
            {"name": "X", "shape": [65_000, 4], "datatype": "FP32", "parameters": {"binary_data_size": rows.nbytes}}
        ]
        status, body = answered(app, binary_request(inputs, rows.tobytes()))
        assert (status, body["code"], body["error"]) == (
            400,
            "batch_too_large",
            "input 'X' has 65000 rows; at most 1000 are allowed",
        )

    def test_an_input_of_no_rows_is_a_400_on_both_runtimes(self, app, runtime):
        """Finding 2: shape [0, 4] reached scikit-learn, which raised."""
        datatype = {"onnx": "FP32", "sklearn": "FP64"}[runtime]
        empty = {"name": "X", "shape": [0, 4], "datatype": datatype, "data": []}
        status, body = answered(app, http(json.dumps({"inputs": [empty]})))
        assert (status, body["code"]) == (400, "invalid_tensor")
        assert body["error"] == "input 'X' has shape [0, 4], which holds no values"


class TestEventsAClientCrafts:
    def test_a_header_that_is_not_a_string_is_read_as_text(self, onnx):
        """Finding 2: a direct invoke of an HTTP event with a numeric header value raised AttributeError."""
        body = json.dumps({"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]})
        for headers in ({"inference-header-content-length": 12}, {"content-type": None}, {"x": ["a"]}):
            status, answer = answered(onnx, http(body, headers))
            assert status in (200, 400), answer

    def test_binary_outputs_are_refused_where_only_json_can_carry_them(self, onnx):
        """Finding 8: binary_data_output on a direct invoke answered outputs without their data."""
        request = {
            "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}],
            "parameters": {"binary_data_output": True},
        }
        answer = onnx(request, Context())
        assert answer["status"] == 400 and answer["code"] == "invalid_binary"
        assert answer["error"].startswith("binary outputs travel only in an HTTP answer")
        request = {**request, "parameters": {}, "outputs": [{"name": "label", "parameters": {"binary_data": True}}]}
        assert onnx(request, Context())["code"] == "invalid_binary"

    def test_an_answer_larger_than_lambda_returns_is_refused_not_recorded_as_a_200(self, capsys):
        """Finding 8: a request within 1 MiB made an answer over Lambda's 6 MB while the app recorded a 200."""
        app = make_app(graph_model("wide"), sha256="cd" * 32)
        rows = 100
        request = {"inputs": [{"name": "x", "shape": [rows, 1], "datatype": "FP32", "data": [1.5] * rows}]}
        answer = app(request, Context())
        assert answer["status"] == 400 and answer["code"] == "answer_too_large", answer
        assert answer["error"].startswith("the answer would take ")
        line = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert (line["status"], line["Status2xx"], line["Status4xx"]) == (400, 0, 1)


OUT, DATA = QUEUE_OUTPUT_BUCKET, QUEUE_INPUT_BUCKET
ROW = [5.1, 3.5, 1.4, 0.2]


@pytest.fixture
def s3(endpoint, monkeypatch):
    return empty_s3(endpoint, monkeypatch, OUT, DATA)


@pytest.fixture
def queued(endpoint, s3):
    return queue_app(endpoint, Limits(max_queued_input_bytes=4096))


def failed_ids(answer):
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


def msg(n: int) -> str:
    """The SQS message id of the nth record of sqs_event."""
    return record("", n)["messageId"]


def keys(s3):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=OUT).get("Contents", []))


class TestPoisonMessagesFailAlone:
    def test_five_messages_with_one_poison_leave_four_done(self, queued, s3, capsys):
        """Finding 3: one poison message raised out of the handler: 0 done, 5 dead-lettered, results rewritten."""
        nested = "[" * 2000 + "]" * 2000
        bodies = [
            json.dumps({"id": "m0", "input": {"features": ROW}}),
            json.dumps({"id": "m1", "input": {"features": ROW}, "output": {"s3Uri": f"s3://{OUT}/async/\ud800"}}),
            '{"id": "m2", "input": ' + nested + "}",
            json.dumps({"id": "m3", "input": {"features": ROW}}),
            json.dumps({"id": "m4", "input": {"features": ROW}}),
        ]
        answer = queued(sqs_event(*bodies), Context())
        assert failed_ids(answer) == [msg(1), msg(2)]
        assert keys(s3) == ["async/m0.json", "async/m3.json", "async/m4.json"]
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"message failed"' in line]
        assert [(line["messageId"], line["error"]) for line in lines] == [
            (msg(1), "invalid_message"),
            (msg(2), "invalid_message"),
        ]
        assert all(len(line.get("reason", "")) <= 200 for line in lines)

    def test_a_deeply_nested_input_in_s3_fails_its_message_alone(self, queued, s3):
        s3.put_object(Bucket=DATA, Key="requests/deep.json", Body=b"[" * 3000 + b"]" * 3000)
        bodies = [
            json.dumps({"id": "deep", "input": {"s3Uri": f"s3://{DATA}/requests/deep.json"}}),
            json.dumps({"id": "fine", "input": {"features": ROW}}),
        ]
        assert failed_ids(queued(sqs_event(*bodies), Context())) == [msg(0)]
        assert keys(s3) == ["async/fine.json"]

    def test_an_input_in_s3_above_its_limit_is_refused_without_downloading_it(self, queued, s3, monkeypatch, capsys):
        """Finding 6: a 64 MiB input was scored in full; a larger one downloaded whole before it was refused."""
        s3.put_object(Bucket=DATA, Key="requests/big.json", Body=b" " * 5_000_000)
        received = []
        real = S3Client.read

        def counting(self, bucket, key, max_bytes, **kwargs):
            received.append(max_bytes)
            return real(self, bucket, key, max_bytes, **kwargs)

        monkeypatch.setattr(S3Client, "read", counting)
        body = json.dumps({"id": "big", "input": {"s3Uri": f"s3://{DATA}/requests/big.json"}})
        assert failed_ids(queued(sqs_event(body), Context())) == [msg(0)]
        assert received == [4096]
        [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines() if '"message failed"' in x]
        assert line["reason"] == (
            f"input.s3Uri s3://{DATA}/requests/big.json is larger than MAX_QUEUED_INPUT_BYTES (4096 bytes)"
        )


class TestNoResultIsOverwritten:
    def test_a_message_cannot_write_over_another_messages_result(self, queued, s3, capsys):
        """Finding 4: b1's output naming a1's result replaced it."""
        first = json.dumps({"id": "a1", "input": {"features": ROW}})
        assert failed_ids(queued(sqs_event(first), Context())) == []
        before = s3.get_object(Bucket=OUT, Key="async/a1.json")["Body"].read()
        hijack = json.dumps({"id": "b1", "input": {"features": [6.3, 3.3, 6.0, 2.5]},
                             "output": {"s3Uri": f"s3://{OUT}/async/a1.json"}})  # fmt: skip
        answer = queued({"Records": [record(hijack, 7)]}, Context())
        assert failed_ids(answer) == [msg(7)]
        assert s3.get_object(Bucket=OUT, Key="async/a1.json")["Body"].read() == before
        [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines() if '"message failed"' in x]
        assert (line["error"], line["reason"]) == (
            "output_exists",
            f"output.s3Uri s3://{OUT}/async/a1.json already holds another message's result",
        )

    def test_a_redelivered_message_finds_its_own_result_and_is_done(self, queued, s3):
        body = json.dumps({"id": "again", "input": {"features": ROW}})
        for _ in range(3):
            assert failed_ids(queued(sqs_event(body), Context())) == []
        assert keys(s3) == ["async/again.json"]

    @pytest.mark.parametrize("key", ["async/", "async/folder/"])
    def test_an_output_that_is_the_prefix_or_a_folder_is_refused(self, queued, s3, key):
        body = json.dumps({"id": "f", "input": {"features": ROW}, "output": {"s3Uri": f"s3://{OUT}/{key}"}})
        assert failed_ids(queued(sqs_event(body), Context())) == [msg(0)]
        assert keys(s3) == []


def test_the_boundary_answers_a_request_nested_beyond_reading_with_a_400(onnx, monkeypatch, capsys):
    """Anything unexpected becomes a 4xx when it is the request's (too deep for Python to read), a logged 500
    otherwise."""
    native = onnx.services.protocols.native

    def too_deep(document):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(native, "answer_document", too_deep)
    answer = onnx({"features": ROW}, Context())
    assert answer == {"status": 400, "error": "invalid_request", "message": "the request nests too deeply to be read"}
    assert '"prediction failed"' not in capsys.readouterr().out

    def broken(document):
        raise ValueError("secret 4.321")

    monkeypatch.setattr(native, "answer_document", broken)
    answer = onnx({"features": ROW}, Context())
    assert (answer["status"], answer["error"]) == (500, "internal_error")
    logged = capsys.readouterr().out
    assert '"errorType": "ValueError"' in logged and "4.321" not in logged
