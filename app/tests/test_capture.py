"""Data capture (inference/capture.py): what is sampled, the records' shape and partitioning, what never
reaches a log line, and the settings the function refuses at init."""

import json
import os
import random
from datetime import UTC, datetime

import pytest
from support import DEMO_SHA256, Context, empty_s3, make_app, predictor_for

from inference.app import build
from inference.capture.spool import SOCKET_NAME, CaptureSettings
from inference.capture.writer import Capture
from inference.errors import ConfigError
from inference.jobs import JobLocations
from inference.storage.s3 import S3Client
from inference.storage.s3uri import S3Uri

ROW = [5.1, 3.5, 1.4, 0.2]
MODEL = {"name": "model", "sha256": DEMO_SHA256["onnx"], "versionId": None, "functionVersion": "7"}
EVENTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "events")


def event(name):
    with open(os.path.join(EVENTS, f"{name}.json")) as f:
        return json.load(f)


def spooled(spool) -> dict[str, list[dict]]:
    """Every record in the spool, by its partition folder."""
    found: dict[str, list[dict]] = {}
    for folder in sorted(os.listdir(spool)):
        if folder.startswith("dt="):
            for name in sorted(os.listdir(os.path.join(spool, folder))):
                with open(os.path.join(spool, folder, name)) as f:
                    found.setdefault(folder, []).extend(json.loads(line) for line in f)
    return found


def capturing(spool, percentage=100.0, content="inputs,outputs", rng=None, clock=None):
    settings = CaptureSettings.from_env(
        {"CAPTURE_DIR": str(spool), "CAPTURE_SAMPLING_PERCENTAGE": str(percentage), "CAPTURE_CONTENT": content}
    )
    assert settings is not None
    kwargs = {"clock": clock} if clock else {}
    return make_app(
        predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], capture=Capture(settings, MODEL, rng=rng, **kwargs)
    )


def test_a_native_request_becomes_one_record_with_its_identity_input_and_output(tmp_path):
    app = capturing(tmp_path)
    answer = app({"features": ROW}, Context())
    assert app.services.observer.capture.drain()
    records = spooled(tmp_path)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert list(records) == [f"dt={today}"]
    [record] = records[f"dt={today}"]
    assert set(record) == {"eventId", "requestId", "time", "route", "model", "input", "output"}
    assert record["requestId"] == "req-test-0001" and record["route"] == "native"
    assert record["model"] == MODEL
    assert record["input"] == {"features": ROW}
    assert record["output"] == answer
    assert datetime.fromisoformat(record["time"].replace("Z", "+00:00")).strftime("%Y-%m-%d") == today
    assert len(record["eventId"]) == 36


def test_records_are_partitioned_by_the_day_of_the_request(tmp_path):
    days = iter([datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC)])
    app = capturing(tmp_path, clock=lambda: next(days).timestamp())
    app({"features": ROW}, Context())
    app({"instances": [ROW, ROW]}, Context())
    assert app.services.observer.capture.drain()
    records = spooled(tmp_path)
    assert list(records) == ["dt=2026-11-30", "dt=2026-12-01"]
    assert records["dt=2026-11-30"][0]["time"] == "2026-11-30T23:59:59.000Z"
    assert records["dt=2026-12-01"][0]["input"] == {"instances": [ROW, ROW]}


def test_zero_percent_captures_nothing_and_a_hundred_everything(tmp_path):
    none = capturing(tmp_path / "none", percentage=0)
    every = capturing(tmp_path / "all", percentage=100)
    for _ in range(50):
        none({"features": ROW}, Context())
        every({"features": ROW}, Context())
    assert none.services.observer.capture.drain() and every.services.observer.capture.drain()
    assert spooled(tmp_path / "none") == {}
    assert sum(len(r) for r in spooled(tmp_path / "all").values()) == 50


def test_a_seeded_fraction_captures_exactly_the_draws_below_it(tmp_path):
    app = capturing(tmp_path, percentage=25, rng=random.Random(7))
    for i in range(400):
        app({"features": [*ROW[:3], i / 100]}, Context())
    assert app.services.observer.capture.drain()
    kept = [r["input"]["features"][3] for r in next(iter(spooled(tmp_path).values()))]
    draws = random.Random(7)
    expected = [i / 100 for i in range(400) if draws.random() < 0.25]
    assert kept == expected
    assert 70 <= len(kept) <= 130  # a quarter of 400, within about 3 standard deviations


def test_only_answers_the_model_gave_are_captured(tmp_path):
    app = capturing(tmp_path)
    app({"features": ROW[:2]}, Context())  # 400: nothing the model answered
    app({"rawPath": "/v2/health/ready", "requestContext": {"http": {"method": "GET"}}, "version": "2.0"}, Context())
    assert app.services.observer.capture.drain()
    assert spooled(tmp_path) == {}


def test_inputs_only_or_outputs_only(tmp_path):
    inputs = capturing(tmp_path / "in", content="inputs")
    outputs = capturing(tmp_path / "out", content="outputs")
    for app in (inputs, outputs):
        app({"features": ROW}, Context())
        assert app.services.observer.capture.drain()
    [[record_in]] = spooled(tmp_path / "in").values()
    [[record_out]] = spooled(tmp_path / "out").values()
    assert "input" in record_in and "output" not in record_in
    assert "output" in record_out and "input" not in record_out


def test_binary_tensors_are_captured_as_json_data(tmp_path):
    app = capturing(tmp_path)
    reply = app(event("v2-infer"), Context())
    assert reply["statusCode"] == 200
    assert app.services.observer.capture.drain()
    [[record]] = spooled(tmp_path).values()
    assert record["route"] == "infer"
    [tensor] = record["input"]["inputs"]
    assert (tensor["name"], tensor["shape"], tensor["datatype"]) == ("X", [1, 4], "FP32")
    assert tensor["data"] == pytest.approx([6.3, 3.3, 6.0, 2.5])
    outputs = {o["name"]: o for o in record["output"]["outputs"]}
    assert outputs["label"]["data"] == ["virginica"]
    assert "binary_data_size" not in json.dumps(outputs["label"])
    assert len(outputs["probabilities"]["data"]) == 3


def test_a_queued_message_is_captured_with_its_route(tmp_path, endpoint, monkeypatch):
    from test_queue import sqs_event

    empty_s3(endpoint, monkeypatch, "results-bucket")
    settings = CaptureSettings.from_env({"CAPTURE_DIR": str(tmp_path)})
    app = make_app(
        predictor_for("onnx"),
        capture=Capture(settings, MODEL),
        jobs=JobLocations(queue_output=S3Uri("results-bucket", "async/")),
        storage=S3Client("us-east-1", endpoint),
    )
    answer = app(sqs_event({"id": "m1", "input": {"features": ROW}}), Context())
    assert answer == {"batchItemFailures": []}
    assert app.services.observer.capture.drain()
    [[record]] = spooled(tmp_path).values()
    assert (record["route"], record["input"]) == ("queue", {"features": ROW})


def test_features_reach_no_log_line_with_capture_on(tmp_path, capsys):
    app = capturing(tmp_path)
    marker = 4.321987
    app({"features": [*ROW[:3], marker]}, Context())
    app({"features": ["x", marker]}, Context())
    assert app.services.observer.capture.drain()
    assert str(marker) not in capsys.readouterr().out
    assert str(marker) in json.dumps(spooled(tmp_path))


def test_each_invocation_is_signalled_once_its_records_are_written(tmp_path):
    import socket

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / SOCKET_NAME))
    listener.settimeout(5)
    app = capturing(tmp_path)
    assert listener.recv(64) == b"hello"

    class Ctx:
        aws_request_id = "invocation-42"

    app({"features": ROW}, Ctx())
    assert listener.recv(64) == b"invocation-42"
    # By the time the extension hears of it, the record is on disk.
    assert sum(len(r) for r in spooled(tmp_path).values()) == 1
    listener.close()


def test_an_extension_that_reads_no_signals_never_stops_the_writer(tmp_path):
    # On managed instances the extension reads none: the socket's buffer fills, and signals are dropped.
    import socket

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / SOCKET_NAME))
    app = capturing(tmp_path)
    for _ in range(3000):
        app({"features": ROW}, Context())
    assert app.services.observer.capture.drain(timeout=30)
    assert sum(len(r) for r in spooled(tmp_path).values()) == 3000
    listener.close()


def test_a_full_spool_drops_records_and_counts_them_in_a_metric_without_data(tmp_path, capsys, monkeypatch):
    from inference.capture import writer

    monkeypatch.setattr(writer, "MAX_SPOOL_BYTES", 10)
    app = capturing(tmp_path)
    capture = app.services.observer.capture
    for _ in range(3):
        app({"features": ROW}, Context())
        assert capture.drain()
    assert capture.dropped == 3
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    dropped = [line for line in lines if line.get("reason") == "spool full"]
    # One metric record per request that follows drops (never a line per record), counting them.
    assert [line["CaptureDropped"] for line in dropped] == [1, 1]
    assert dropped[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "CaptureDropped", "Unit": "Count"}]
    assert dropped[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName", "Version"]]
    assert str(ROW[0]) not in json.dumps(dropped)


def test_the_cap_holds_over_every_file_of_the_spool_those_taken_for_upload_too(tmp_path, monkeypatch):
    """Finding 7: each upload round renamed the writer's file, so its size check restarted and the spool grew
    to 7.3 times its cap while S3 refused."""
    from inference.capture import writer

    monkeypatch.setattr(writer, "MAX_SPOOL_BYTES", 4096)
    app = capturing(tmp_path)
    capture = app.services.observer.capture
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    folder = tmp_path / f"dt={today}"
    folder.mkdir()
    (folder / "other-writer.abc.upload").write_bytes(b"x" * 4000)  # a file an upload round left behind
    app({"features": ROW}, Context())
    assert capture.drain()
    assert capture.dropped == 1
    assert sum(f.stat().st_size for f in folder.iterdir()) == 4000


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CAPTURE_SAMPLING_PERCENTAGE": "101"},
            "CAPTURE_SAMPLING_PERCENTAGE must be a number from 0 to 100; got '101'",
        ),
        (
            {"CAPTURE_SAMPLING_PERCENTAGE": "ten"},
            "CAPTURE_SAMPLING_PERCENTAGE must be a number from 0 to 100; got 'ten'",
        ),
        ({"CAPTURE_CONTENT": "features"}, "CAPTURE_CONTENT must list inputs, outputs or both; got 'features'"),
        ({"CAPTURE_MAX_SECONDS": "0"}, "CAPTURE_MAX_SECONDS must be seconds from 1 to 3600; got '0'"),
        (
            {"CAPTURE_URI": "s3://bucket/no-slash"},
            "CAPTURE_URI must end with '/' (a folder), got 's3://bucket/no-slash'",
        ),
    ],
)
def test_settings_the_function_refuses_name_the_variable(env, message):
    with pytest.raises(ConfigError) as e:
        CaptureSettings.from_env({"CAPTURE_URI": "s3://bucket/capture/", **env})
    assert str(e.value) == message


def test_capture_is_off_without_a_destination_and_init_turns_it_on(tmp_path, monkeypatch):
    assert CaptureSettings.from_env({}) is None
    assert build(dict(os.environ)).services.observer.capture is None
    app = build({**os.environ, "CAPTURE_URI": "s3://bucket/capture/", "CAPTURE_DIR": str(tmp_path)})
    capture = app.services.observer.capture
    assert capture is not None
    assert capture.settings.destination is not None
    assert str(capture.settings.destination) == "s3://bucket/capture/"
    with pytest.raises(ConfigError, match="CAPTURE_SAMPLING_PERCENTAGE"):
        build({**os.environ, "CAPTURE_URI": "s3://bucket/capture/", "CAPTURE_SAMPLING_PERCENTAGE": "-1"})


def test_a_function_without_capture_does_not_import_it(tmp_path):
    """Its thread, queue and socket cost init about 8 ms: only a function that captures pays for them."""
    import subprocess
    import sys

    app = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import sys, inference.handler; print('inference.capture.writer' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPTURE_")}
    out = subprocess.run([sys.executable, "-c", code], cwd=app, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False"
    on = {**env, "CAPTURE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=app, env=on, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "True"
