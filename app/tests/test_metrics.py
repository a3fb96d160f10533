"""The metrics each request writes, in CloudWatch's Embedded Metric Format: checked against the
specification (a validator written from it, below), for every status class and cold or warm, with
the function's version and model as dimensions and no feature anywhere."""

import json
import re

import pytest
from support import DEMO_SHA256, make_app, predictor_for

from inference.app import build
from inference.metrics import Metrics

# The specification's units (MetricDefinition.Unit), and its limits.
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}  # fmt: skip
MAX_DIMENSIONS = 30
MAX_METRICS = 100


def directive_problems(root: dict, d: dict) -> list[str]:
    """What in one MetricDirective (and the root members it names) breaks the specification."""
    problems = []
    if set(d) - {"Namespace", "Dimensions", "Metrics"}:
        problems.append(f"a MetricDirective has members the specification does not define: {set(d)}")
    if not isinstance(d.get("Namespace"), str) or not 1 <= len(d["Namespace"]) <= 255:
        problems.append("Namespace is not a string of 1 to 255 characters")
    for dimension_set in d.get("Dimensions", []):
        if not isinstance(dimension_set, list) or len(dimension_set) > MAX_DIMENSIONS:
            problems.append("a DimensionSet is not an array of at most 30 names")
            continue
        problems += [
            f"dimension {n} is not a string member of the root"
            for n in dimension_set
            if not isinstance(root.get(n), str)
        ]
    metrics = d.get("Metrics")
    if not isinstance(metrics, list) or len(metrics) > MAX_METRICS:
        return [*problems, "Metrics is not an array of at most 100 definitions"]
    for m in metrics:
        name = m.get("Name")
        if not isinstance(name, str) or not name:
            problems.append("a MetricDefinition has no Name")
        elif "Unit" in m and m["Unit"] not in UNITS:
            problems.append(f"{name} has a unit the specification does not list: {m['Unit']}")
        elif isinstance(root.get(name), bool) or not isinstance(root.get(name), int | float):
            problems.append(f"metric {name} has no number in the root")
    return problems


def emf_problems(line: str) -> list[str]:
    """What in `line` breaks the Embedded Metric Format specification; empty when nothing does."""
    try:
        root = json.loads(line)
    except ValueError:
        return ["not a JSON object"]
    meta = root.get("_aws") if isinstance(root, dict) else None
    if not isinstance(meta, dict):
        return ["no _aws metadata object"]
    problems = []
    if not isinstance(meta.get("Timestamp"), int) or meta["Timestamp"] < 10**12:
        problems.append("_aws.Timestamp is not a number of milliseconds since the epoch")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "_aws.CloudWatchMetrics is not a non-empty array"]
    for d in directives:
        problems += directive_problems(root, d)
    return problems


class Context:
    aws_request_id = "req-metrics"


def records(app, events, capsys):
    capsys.readouterr()
    for event in events:
        app(event, Context())
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]


@pytest.fixture
def app():
    metrics = Metrics("LambdaInference", "demo-fn-1a2b3c", "7", DEMO_SHA256["onnx"][:12])
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], metrics=metrics)


SETOSA = [5.1, 3.5, 1.4, 0.2]


def test_every_status_class_cold_and_warm_follows_the_specification(app, capsys):
    events = [
        {"features": SETOSA},  # 200, cold
        {"instances": [SETOSA] * 3},  # 200, warm
        {"features": [5.1, 3.5, 1.4]},  # 400
        {"requestContext": {"http": {"method": "GET"}}},  # 405
    ]
    lines = records(app, events, capsys)
    assert len(lines) == 4
    for line in lines:
        assert emf_problems(line) == [], line
    values = [json.loads(line) for line in lines]
    metrics = ["Rows", "Status2xx", "Status4xx", "Status5xx", "ColdStart"]
    assert [[v[m] for m in metrics] for v in values] == [
        [1, 1, 0, 0, 1],
        [3, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 1, 0, 0],
    ]
    first = values[0]
    assert first["_aws"]["CloudWatchMetrics"] == [
        {
            "Namespace": "LambdaInference",
            "Dimensions": [["FunctionName", "Version"], ["FunctionName", "ModelSha256"]],
            "Metrics": [
                {"Name": "RequestLatency", "Unit": "Milliseconds"},
                {"Name": "ModelLatency", "Unit": "Milliseconds"},
                {"Name": "Rows", "Unit": "Count"},
                {"Name": "Status2xx", "Unit": "Count"},
                {"Name": "Status4xx", "Unit": "Count"},
                {"Name": "Status5xx", "Unit": "Count"},
                {"Name": "ColdStart", "Unit": "Count"},
            ],
        },
        {
            "Namespace": "LambdaInference",
            "Dimensions": [["FunctionName", "Version", "InitType"]],
            "Metrics": [{"Name": "ColdStart", "Unit": "Count"}],
        },
    ]
    assert (first["FunctionName"], first["Version"], first["ModelSha256"], first["InitType"]) == (
        "demo-fn-1a2b3c",
        "7",
        DEMO_SHA256["onnx"][:12],
        "on-demand",
    )
    assert 0 < first["ModelLatency"] <= first["RequestLatency"]
    # The request's own log fields stay on the same line: one write per request.
    assert (first["message"], first["status"], first["requestId"]) == ("request", 200, "req-metrics")


def test_a_5xx_is_counted_as_such(capsys):
    demo = predictor_for("onnx")

    class Broken:
        n_features = 4
        feature_names = None
        input_dtype = demo.input_dtype
        platform, tabular, inputs, outputs = demo.platform, True, demo.inputs, demo.outputs

        def predict(self, x):
            raise RuntimeError("boom")

    app = make_app(Broken(), version_id=None, sha256="x", metrics=Metrics("N", "f", "3", "x"))
    (line,) = [line for line in records(app, [{"features": SETOSA}], capsys) if '"message": "request"' in line]
    assert emf_problems(line) == []
    record = json.loads(line)
    assert (record["Status5xx"], record["Status4xx"], record["Status2xx"], record["Version"]) == (1, 0, 0, "3")


def test_features_never_appear_in_a_record(app, capsys):
    secret = [123.456789, 987.654321, 555.123456, 777.987654]
    lines = records(app, [{"features": secret}, {"instances": [secret, [1, "x", 2, 3]]}], capsys)
    for line in lines:
        for value in ("123.456789", "987.654321", "555.123456", "777.987654"):
            assert value not in line


def test_the_validator_finds_what_breaks_the_specification():
    good = '{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["D"]], "Metrics": [{"Name": "M", "Unit": "Count"}]}]}, "D": "d", "M": 1}'  # noqa: E501
    assert emf_problems(good) == []
    assert emf_problems(good.replace('"D": "d"', '"D": 1')) == ["dimension D is not a string member of the root"]
    assert emf_problems(good.replace('"M": 1', '"M": "1"')) == ["metric M has no number in the root"]
    assert emf_problems(good.replace('"Count"', '"Things"')) == ["M has a unit the specification does not list: Things"]
    assert emf_problems(good.replace("1700000000000", "1700000000")) == [
        "_aws.Timestamp is not a number of milliseconds since the epoch"
    ]


def test_init_writes_the_function_version_from_lambda_into_every_record(monkeypatch, capsys):
    from support import DEMO_ONNX

    env = {
        "MODEL_PATH": DEMO_ONNX,
        "MODEL_SHA256": DEMO_SHA256["onnx"],
        "AWS_LAMBDA_FUNCTION_NAME": "scorer-fn",
        "AWS_LAMBDA_FUNCTION_VERSION": "42",
        "METRICS_NAMESPACE": "Team/Models",
    }
    app = build(env)
    (line,) = records(app, [{"features": SETOSA}], capsys)
    record = json.loads(line)
    assert (record["FunctionName"], record["Version"]) == ("scorer-fn", "42")
    assert record["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Team/Models"
    assert re.fullmatch(r"[0-9a-f]{12}", record["ModelSha256"])


def test_each_kind_of_answer_writes_the_same_line_whether_its_text_is_kept_or_not(monkeypatch):
    """The text that depends only on the kind of answer (status, cold, HTTP, route) is formatted once per kind,
    for a bounded number of kinds; beyond the bound each line is formatted whole, and reads the same."""
    monkeypatch.setattr("inference.metrics.MAX_KINDS", 2)
    monkeypatch.setattr("inference.metrics.time.time", lambda: 1700000000.5)
    metrics = Metrics("N", "f", "3", "abc")
    kinds = [(200, True, True, "native"), (400, False, True, "infer"), (503, False, False, "queue"),
             (200, False, False, 'odd"route')]  # fmt: skip
    first = [metrics.record(request_id="r", cold=c, http=h, route=r, status=s, rows=2, request_ms=1.5, model_ms=0.25,
                            error=None if s == 200 else "bad") for s, c, h, r in kinds]  # fmt: skip
    again = [metrics.record(request_id="r", cold=c, http=h, route=r, status=s, rows=2, request_ms=1.5, model_ms=0.25,
                            error=None if s == 200 else "bad") for s, c, h, r in kinds]  # fmt: skip
    assert first == again
    assert len(metrics._parts) == 2
    for line, (status, cold, http, route) in zip(first, kinds, strict=True):
        record = json.loads(line)
        assert emf_problems(line) == []
        assert (record["status"], record["coldStart"], record["http"], record["route"]) == (status, cold, http, route)
        assert (record["level"], record["Status5xx"], record["ColdStart"]) == (
            "ERROR" if status >= 500 else "INFO",
            int(status >= 500),
            int(cold),
        )
        assert (record["latencyMs"], record["RequestLatency"], record["ModelLatency"], record["Rows"]) == (
            1.5,
            1.5,
            0.25,
            2,
        )
