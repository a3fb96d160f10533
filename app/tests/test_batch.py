"""Distributed Map batches (inference/batch.py): the event ItemBatcher sends, rows as Step Functions reads
them from CSV (strings keyed by the header) and JSON Lines, each answered as a direct request would be,
a bad row costing that row alone; the output in S3 on loopback through the function's own client."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from support import DEMO_SHA256, Context, empty_s3, make_app, predictor_for

from inference.jobs import JobLocations
from inference.jsontext import compact
from inference.protocols.native import lines as batch
from inference.runtimes import sklearn as runtime_sklearn
from inference.sources import item_batch
from inference.storage.runs import StepFunctionsRuns
from inference.storage.s3 import S3Client
from inference.storage.s3uri import S3Uri

OUT = "batch-results"
IRIS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [6.3, 3.3, 6.0, 2.5], [4.9, 3.0, 1.4, 0.2]]


def csv_item(i: int, row: list[float]) -> dict:
    """A CSV line as the ItemReader gives it (every cell a string), wrapped by the ItemSelector."""
    cells = {"id": f"r{i}", **{f"c{j}": repr(v) for j, v in enumerate(row)}}
    return {"index": i, "row": cells}


def event(items: list, **batch_input) -> dict:
    return {"Items": items, "BatchInput": {"passthroughColumns": ["id"], **batch_input}}


@pytest.fixture
def app():
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], cold=False)


def core(app):
    """The native protocol's core, which scores a batch's rows."""
    return app.services.protocols.native.core


def s3_app(endpoint):
    jobs = JobLocations(batch_output=S3Uri(OUT, "batch/"))
    return make_app(predictor_for("onnx"), sha256=DEMO_SHA256["onnx"], cold=False, jobs=jobs,
                    storage=S3Client("us-east-1", endpoint), runs=StepFunctionsRuns("us-east-1", endpoint))  # fmt: skip


def start_run(endpoint, name: str, machine: str = "demo-batch") -> str:
    """A run of a state machine going on in moto's Step Functions: its execution ARN."""
    import boto3

    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1")
    role = "arn:aws:iam::123456789012:role/demo-batch-role"
    definition = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}})
    arn = sfn.create_state_machine(name=machine, definition=definition, roleArn=role)["stateMachineArn"]
    return sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"]


def results(answer: dict) -> list[dict]:
    """The lines a batch answered with (inline, as a local run gets them)."""
    assert answer["lines"].count("\n") == answer["rows"]
    return [json.loads(line) for line in answer["lines"].splitlines()]


def direct(app, rows):
    return app({"instances": rows}, Context())


def test_csv_rows_are_answered_row_for_row_as_direct_predictions(app):
    answer = app(event([csv_item(i, r) for i, r in enumerate(IRIS)]), Context())
    expected = direct(app, IRIS)
    assert answer["rows"] == 4 and answer["errors"] == 0
    lines = results(answer)
    assert [line["row"] for line in lines] == [0, 1, 2, 3]
    assert [line["id"] for line in lines] == ["r0", "r1", "r2", "r3"]
    assert [line["prediction"] for line in lines] == expected["predictions"]
    assert np.allclose([line["probabilities"] for line in lines], expected["probabilities"], atol=1e-6)


def test_a_bad_row_in_the_middle_costs_that_row_alone(app):
    items = [csv_item(i, r) for i, r in enumerate(IRIS)]
    items[1]["row"]["c2"] = "abc"
    items[2]["row"].pop("c3")
    answer = app(event(items), Context())
    lines = results(answer)
    assert answer["errors"] == 2
    assert lines[1] == {
        "row": 1,
        "id": "r1",
        "error": "not_numeric",
        "message": "row 1.c2 must be a number; got string",
    }
    assert lines[2] == {
        "row": 2,
        "id": "r2",
        "error": "missing_features",
        "message": 'row 2 lacks "c3"; the model takes "c0", "c1", "c2", "c3"',
    }
    expected = direct(app, [IRIS[0], IRIS[3]])["predictions"]
    assert [lines[0]["prediction"], lines[3]["prediction"]] == expected


def test_non_finite_values_and_answers_are_refused_per_row(app, monkeypatch):
    items = [csv_item(i, r) for i, r in enumerate(IRIS[:3])]
    items[0]["row"]["c0"] = "nan"
    predict = core(app).model.predict

    def nan_for_the_second(x):
        prediction = predict(x)
        prediction.probabilities[1, 0] = np.nan
        return prediction

    monkeypatch.setattr(core(app).model, "predict", nan_for_the_second)
    lines = results(app(event(items), Context()))
    # "nan" is not a number a cell may write (JSON has none either).
    assert (lines[0]["error"], lines[0]["message"]) == ("not_numeric", "row 0.c0 must be a number; got string")
    assert lines[1]["row"] == 1 and "prediction" in lines[1]
    assert lines[2]["error"] == "non_finite_output"
    assert lines[2]["message"].startswith("the model's answer for row 2 is not a finite number")


def test_json_lines_rows_lists_and_features_objects(app):
    items = [
        {"index": 7, "row": IRIS[0]},
        {"index": 8, "row": {"id": "x", "features": IRIS[1]}},
        {"index": 9, "row": "not a row"},
        {"index": 10, "error": {"code": "invalid_json", "message": "row 10 is not JSON"}},
    ]
    lines = results(app(event(items), Context()))
    assert [line["row"] for line in lines] == [7, 8, 9, 10]
    assert lines[0]["prediction"] == "setosa" and lines[1] == {**lines[1], "id": "x"}
    assert lines[2]["error"] == "invalid_shape"
    assert lines[3] == {"row": 10, "error": "invalid_json", "message": "row 10 is not JSON"}


def test_bare_items_are_numbered_by_position(app):
    answer = app({"Items": [IRIS[0], IRIS[1]]}, Context())
    assert [line["row"] for line in results(answer)] == [0, 1]


def test_rows_by_feature_name_for_a_model_that_has_names():
    wine = load_wine(as_frame=True)
    fitted = LogisticRegression(max_iter=5000).fit(wine.data, wine.target)
    app = make_app(runtime_sklearn.SklearnPredictor(fitted), version_id=None, sha256="wine")
    names = list(wine.data.columns)
    rows = [{n: str(float(wine.data.iloc[i][n])) for n in reversed(names)} for i in (0, 70, 140)]
    rows[1]["color"] = "1.0"
    items = [{"index": i, "row": {"key": i, **r}} for i, r in enumerate(rows)]
    lines = results(app({"Items": items, "BatchInput": {"passthroughColumns": ["key"]}}, Context()))
    assert [line.get("prediction") for line in lines] == [0, None, 2]
    assert lines[1]["error"] == "unknown_features"
    assert lines[1]["message"].startswith('row 1 has unknown features "color"')


def test_metrics_count_the_scored_rows_and_no_feature_reaches_the_log(app, capsys):
    items = [csv_item(i, r) for i, r in enumerate(IRIS)]
    items[0]["row"]["c0"] = "98.7654321"
    app(event(items), Context())
    out = capsys.readouterr().out
    record = json.loads(out.splitlines()[-1])
    assert (record["route"], record["Rows"], record["Status2xx"]) == ("batch", 4, 1)
    assert "98.7654321" not in out and "5.1" not in out


@pytest.fixture
def s3(endpoint, monkeypatch):
    return empty_s3(endpoint, monkeypatch, OUT)


def test_the_output_goes_to_s3_named_by_its_first_row(s3, endpoint):
    app = s3_app(endpoint)
    items = [{"index": 500 + i, "row": csv_item(i, r)["row"]} for i, r in enumerate(IRIS)]
    run = start_run(endpoint, "run-1")
    answer = app(event(items, outputUri=f"s3://{OUT}/batch/run-1/", executionArn=run), Context())
    key = "batch/run-1/part-000000000500.jsonl"
    assert answer == {"rows": 4, "errors": 0, "output": f"s3://{OUT}/{key}"}
    text = s3.get_object(Bucket=OUT, Key=key)["Body"].read().decode()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["row"] for line in lines] == [500, 501, 502, 503]
    assert text.startswith('{"row":500,"id":"r0","prediction":"setosa","probabilities":[')


def test_an_output_outside_the_batch_location_or_unwritable_fails_the_batch(s3, endpoint):
    app = s3_app(endpoint)
    with pytest.raises(item_batch.BatchError, match=r"BatchInput.outputUri s3://other-bucket/x/ is not under"):
        app(event([csv_item(0, IRIS[0])], outputUri="s3://other-bucket/x/"), Context())
    s3.delete_bucket(Bucket=OUT)
    run = start_run(endpoint, "r")
    with pytest.raises(item_batch.BatchError, match=r"S3 refused the batch's output .*: NoSuchBucket"):
        app(event([csv_item(0, IRIS[0])], outputUri=f"s3://{OUT}/batch/r/", executionArn=run), Context())


def test_a_retried_batch_finds_its_own_lines_and_another_batch_cannot_replace_them(s3, endpoint):
    app = s3_app(endpoint)
    run = start_run(endpoint, "run-2")
    key = "batch/run-2/part-000000000000.jsonl"
    first = app(event([csv_item(0, IRIS[0])], outputUri=f"s3://{OUT}/batch/run-2/", executionArn=run), Context())
    again = app(event([csv_item(0, IRIS[0])], outputUri=f"s3://{OUT}/batch/run-2/", executionArn=run), Context())
    assert first == again == {"rows": 1, "errors": 0, "output": f"s3://{OUT}/{key}"}
    written = s3.get_object(Bucket=OUT, Key=key)["Body"].read()
    with pytest.raises(item_batch.BatchError, match=rf"the batch's output s3://{OUT}/{key} already holds other lines"):
        app(event([csv_item(0, IRIS[1])], outputUri=f"s3://{OUT}/batch/run-2/", executionArn=run), Context())
    assert s3.get_object(Bucket=OUT, Key=key)["Body"].read() == written


def forged(endpoint, **batch_input) -> dict:
    return event([csv_item(0, IRIS[0])], **batch_input)


def test_a_batch_from_no_run_of_the_state_machine_is_refused_before_anything_is_written(s3, endpoint):
    """Anyone allowed to invoke the function could send an item batch: only a run that is going on, writing
    to its own folder, gets its lines written."""
    app = s3_app(endpoint)
    run = start_run(endpoint, "run-3")
    arn = "arn:aws:states:us-east-1:123456789012:execution:demo-batch:"
    cases = [
        ({"outputUri": f"s3://{OUT}/batch/run-3/"}, "BatchInput.executionArn must be the ARN of a run"),
        ({"outputUri": f"s3://{OUT}/batch/x/", "executionArn": "arn:aws:iam::1:role/x"}, "must be the ARN of a run"),
        ({"outputUri": f"s3://{OUT}/batch/other/", "executionArn": run},
         f"BatchInput.outputUri must be s3://{OUT}/batch/run-3/, the run's own folder"),
        ({"outputUri": f"s3://{OUT}/batch/made-up/", "executionArn": arn + "made-up"},
         "the run could not be checked: ExecutionDoesNotExist"),
    ]  # fmt: skip
    for batch_input, message in cases:
        with pytest.raises(item_batch.BatchError, match=message):
            app(forged(endpoint, **batch_input), Context())
    assert s3.list_objects_v2(Bucket=OUT).get("KeyCount") == 0


def test_a_batch_of_a_run_that_has_ended_is_refused(s3, endpoint):
    import boto3

    app = s3_app(endpoint)
    run = start_run(endpoint, "run-4")
    boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1").stop_execution(executionArn=run)
    with pytest.raises(item_batch.BatchError, match="the run run-4 is not going on"):
        app(forged(endpoint, outputUri=f"s3://{OUT}/batch/run-4/", executionArn=run), Context())
    assert s3.list_objects_v2(Bucket=OUT).get("KeyCount") == 0


@pytest.mark.parametrize(
    ("batch_input", "message"),
    [
        ([], "BatchInput must be an object"),
        ({"passthroughColumns": "id"}, "BatchInput.passthroughColumns must be a list of at most 32 names"),
        ({"outputUri": "file:///tmp"}, "BatchInput.outputUri must be an s3://bucket/key address"),
    ],
)
def test_a_malformed_batch_input_fails_the_batch(app, batch_input, message):
    with pytest.raises(item_batch.BatchError, match=message):
        app({"Items": [IRIS[0]], "BatchInput": batch_input}, Context())


def test_the_columnar_path_writes_what_the_row_path_writes(app):
    """A clean batch is built column by column; the same rows, one by one, must give the very same text."""
    items = [csv_item(i, r) for i, r in enumerate(IRIS * 3)]
    items[0]["row"]["id"] = 'quote " and é'
    fast = batch.score(core(app), items, ("id",))
    rows = batch.score_rows(core(app), items, ("id",))
    assert fast.errors == 0 and fast.rows == 12
    assert fast.text == "".join(compact(line) + "\n" for line in rows)
    # UTF-8 as it is, the digits json writes (as values: orjson writes 6.2e-8 where json writes 6.2e-08).
    assert fast.text.startswith('{"row":0,"id":"quote \\" and é","prediction":"setosa","probabilities":[')
    assert [json.loads(line) for line in fast.text.splitlines()] == rows
    lists = [{"index": i, "row": r} for i, r in enumerate(IRIS)]
    assert batch.score(core(app), lists).text == "".join(
        compact(line) + "\n" for line in batch.score_rows(core(app), lists)
    )


def test_an_output_line_is_compact_utf8_json_with_json_s_digits_and_escapes():
    """The lines' encoder (orjson, for speed) writes what json writes, but non-ASCII text as it is."""
    values = [0.1, 1e-05, 6.20378131088728e-08, 1e22, -0.0, 3, True, None, 'tab\t\u0001 é 😀 \\ "']
    assert [json.loads(compact(v)) for v in values] == values
    assert compact({"a": values[-1]}) == json.dumps({"a": values[-1]}, ensure_ascii=False, separators=(",", ":"))
    assert compact(2**70) == "1180591620717411303424"  # beyond 64 bits: through json
    assert compact([float("nan")]) == "[null]"  # callers check finiteness before


def test_a_regressor_and_numeric_ids():
    from sklearn.linear_model import LinearRegression

    fitted = LinearRegression().fit(np.array(IRIS), [1.0, 2.0, 3.0, 4.0])
    app = make_app(runtime_sklearn.SklearnPredictor(fitted), version_id=None, sha256="reg")
    items = [{"index": i, "row": {"n": i * 10, **{f"c{j}": v for j, v in enumerate(r)}}} for i, r in enumerate(IRIS)]
    lines = results(app({"Items": items, "BatchInput": {"passthroughColumns": ["n"]}}, Context()))
    assert [line["n"] for line in lines] == [0, 10, 20, 30]
    assert np.allclose([line["prediction"] for line in lines], [1.0, 2.0, 3.0, 4.0])
    assert all("probabilities" not in line for line in lines)


def test_a_model_that_fails_fails_the_batch_and_logs_no_data(app, monkeypatch, capsys):
    def boom(x):
        raise ValueError(f"bad input {x.tolist()}")

    monkeypatch.setattr(core(app).model, "predict", boom)
    with pytest.raises(item_batch.BatchError, match="the model could not score this batch"):
        app(event([csv_item(0, IRIS[0])]), Context())
    out = capsys.readouterr().out
    record = json.loads(out.splitlines()[-1])
    assert (record["message"], record["errorType"], record["rows"]) == ("batch failed", "ValueError", 1)
    assert "5.1" not in out


@pytest.mark.parametrize("cell", ["1_000", "\u0661\u0660", " 5.1", "5.1 ", "nan", "inf", "0x10", "1e"])
def test_a_csv_cell_must_write_a_number_strictly(app, cell):
    """float() and numpy read "1_000", padded digits, other scripts' digits, nan and inf as numbers; a cell of
    the batch must write one in plain ASCII, like JSON, or its row gets its error line."""
    good = ["5.1", "3.5", "1.4", "0.2"]
    items = [{"index": 0, "row": dict(zip(["a", "b", "c", "d"], good, strict=True))},
             {"index": 1, "row": dict(zip(["a", "b", "c", "d"], [cell, *good[1:]], strict=True))}]  # fmt: skip
    lines = results(app({"Items": items, "BatchInput": {}}, Context()))
    assert "prediction" in lines[0]
    assert (lines[1]["error"], lines[1]["message"]) == ("not_numeric", "row 1.a must be a number; got string")


def test_an_empty_cell_is_a_missing_value_which_a_model_of_plain_numbers_refuses(app):
    items = [{"index": 0, "row": {"a": "", "b": "3.5", "c": "1.4", "d": "0.2"}}]
    lines = results(app({"Items": items, "BatchInput": {}}, Context()))
    assert (lines[0]["error"], lines[0]["message"]) == (
        "missing_value",
        "row 0.a is missing, but the model takes no missing value there: send a number",
    )


def test_plain_numbers_of_every_form_are_read():
    from inference.numbers import all_number_texts, number_text

    for cell, value in (("1", 1.0), ("-2.5", -2.5), ("+3", 3.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0)):
        assert number_text(cell) == value
    assert all_number_texts(["1", "2.5", "-3e2"]) and not all_number_texts(["1", "1_0"])
