"""`npm start -- --batch` and `--queue`: a data set scored in ItemBatcher's batches through the function
under the emulator, compared row for row with direct predictions; queued messages played as SQS plays
them, a poison message dead-lettered; and the pieces (reading, batching, progress, redelivery) alone."""

import io
import json
import os

import numpy as np
import pytest
from support import Context, app_for
from test_start import RIE, interrupted, npm_start, ours_running

import batch_run
import queue_run

IRIS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [6.3, 3.3, 6.0, 2.5], [4.9, 3.0, 1.4, 0.2]]
needs_rie = pytest.mark.skipif(not os.path.exists(RIE), reason="aws-lambda-rie not built; run scripts/setup.sh")


def data_set(n: int) -> list[list[float]]:
    rng = np.random.default_rng(7)
    return np.round(rng.uniform([4, 2, 1, 0.1], [8, 4.5, 7, 2.5], size=(n, 4)), 2).tolist()


def write_csv(path, rows, bad: dict[int, str] | None = None) -> None:
    with open(path, "w") as f:
        f.write("id,sepal_length,sepal_width,petal_length,petal_width\n")
        for i, row in enumerate(rows):
            f.write((bad or {}).get(i) or f"k{i}," + ",".join(map(str, row)) + "\n")


def read_lines(path) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f]


@needs_rie
def test_a_csv_through_the_function_matches_direct_predictions_row_for_row(tmp_path):
    rows = data_set(1200)
    write_csv(tmp_path / "in.csv", rows, bad={600: "k600,1,2\n", 601: "k601,x,1,1,1\n"})
    result = npm_start("--batch", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out.jsonl"), "--passthrough", "id")
    assert result.returncode == 0, result.stderr
    assert "[start] 1,200 rows in " in result.stdout and ", 2 with an error line; output: " in result.stdout
    lines = read_lines(tmp_path / "out.jsonl")
    assert [line["row"] for line in lines] == list(range(1200))
    assert lines[600] == {
        "row": 600,
        "error": "invalid_row",
        "message": "row 600 has 3 cells; the header has 5 columns",
    }
    assert lines[601] == {
        "row": 601,
        "id": "k601",
        "error": "not_numeric",
        "message": "row 601.sepal_length must be a number; got string",
    }
    good = [i for i in range(1200) if i not in (600, 601)]
    direct = app_for("onnx")({"instances": [rows[i] for i in good[:1000]]}, Context())
    assert [lines[i]["prediction"] for i in good[:1000]] == direct["predictions"]
    assert np.allclose([lines[i]["probabilities"] for i in good[:1000]], direct["probabilities"], atol=1e-6)
    assert all(lines[i]["id"] == f"k{i}" for i in good)
    # Not a terminal: plain progress lines, no carriage returns.
    assert "\r" not in result.stderr and "[batch] 1,200 rows (2 errors)" in result.stderr


@needs_rie
def test_json_lines_through_the_function(tmp_path):
    lines_in = [json.dumps(r) for r in IRIS[:2]] + ["{not json", json.dumps({"features": IRIS[2], "id": 3})]
    (tmp_path / "in.jsonl").write_text("\n".join(lines_in) + "\n")
    result = npm_start(
        "--batch", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "o.jsonl"), "--rows-per-batch", "2"
    )
    assert result.returncode == 0, result.stderr
    lines = read_lines(tmp_path / "o.jsonl")
    assert [line.get("prediction") for line in lines] == ["setosa", "versicolor", None, "virginica"]
    assert lines[2] == {"row": 2, "error": "invalid_json", "message": "row 2 is not a JSON value"}


@needs_rie
def test_ctrl_c_stops_a_long_batch_cleanly(tmp_path):
    write_csv(tmp_path / "big.csv", data_set(300_000))
    before = ours_running()
    code, err, _ = interrupted(
        "--batch",
        str(tmp_path / "big.csv"),
        "--out",
        str(tmp_path / "out.jsonl"),
        ready=lambda line: line.startswith("[batch] ") and "100.0%" not in line,
        stream="stderr",
        timeout=60,
    )
    assert code == 130
    assert err.strip().splitlines()[-1] == "npm start: interrupted; every process it started was stopped"
    assert ours_running() == before
    written = read_lines(tmp_path / "out.jsonl")  # every line whole
    assert 0 < len(written) < 300_000 and [line["row"] for line in written] == list(range(len(written)))


@needs_rie
def test_queued_messages_with_a_poison_one(tmp_path):
    messages = [
        {"id": "one", "input": {"features": IRIS[0]}},
        "this is poison",
        {"id": "bad-row", "input": {"features": [1, 2]}},
    ]
    (tmp_path / "m.jsonl").write_text("\n".join(m if isinstance(m, str) else json.dumps(m) for m in messages) + "\n")
    result = npm_start("--queue", str(tmp_path / "m.jsonl"))
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[start] 2 done, 1 dead-lettered, 3 deliveries" in out
    assert (
        "dead-lettered  id (not JSON)" in out
        and "after 3 receives: invalid_message: the message body does not hold a JSON document" in out
    )
    assert "[start] results in s3://local-results/: async/bad-row.json, async/one.json" in out
    assert '"error": "wrong_feature_count"' in out and '"predictions": ["setosa"]' in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch", "x.csv"], "npm start: --batch needs --out FILE: where the output lines go"),
        (
            ["--batch", "x.parquet", "--out", "o"],
            "npm start: x.parquet: name it .csv (a header line, then rows) or .jsonl (one JSON row per line)",
        ),
        (["--batch", "nowhere.csv", "--out", "o"], "npm start: --batch nowhere.csv does not exist"),
        (
            ["--queue", "m.jsonl", "--delivery", "image"],
            "npm start: --batch and --queue run with the model in S3 (the default --delivery)",
        ),
    ],
)
def test_bad_job_options_are_one_line(args, message):
    result = npm_start(*args)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == message


def test_a_csv_without_a_header_is_refused(tmp_path):
    (tmp_path / "h.csv").write_text("a,a\n1,2\n")
    with pytest.raises(batch_run.BatchInputError, match="the first line must be a header naming each column once"):
        batch_run.run(str(tmp_path / "h.csv"), str(tmp_path / "o"), lambda b, e: [])


def test_batches_follow_rows_and_bytes(tmp_path):
    (tmp_path / "r.jsonl").write_text("".join(json.dumps([i] * 10) + "\n" for i in range(7)))
    with open(tmp_path / "r.jsonl") as f:
        chunks = list(batch_run.jsonl_chunks(f, 3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [len(b) for b, _ in batch_run.batches(iter(chunks), None)] == [3, 3, 1]
    size = len(json.dumps(chunks[0][0], separators=(",", ":"))) + 1
    by_bytes = list(batch_run.batches(iter(chunks), 2 * size))
    assert [len(b) for b, _ in by_bytes] == [2, 1, 2, 1, 1]
    assert json.loads(by_bytes[0][1]) == chunks[0][:2]


def test_the_in_process_path_writes_what_the_function_answers(tmp_path):
    write_csv(tmp_path / "in.csv", IRIS)
    summary = batch_run.run(
        str(tmp_path / "in.csv"),
        str(tmp_path / "out.jsonl"),
        batch_run.in_process(app_for("onnx"), ("id",)),
        rows_per_batch=3,
        max_bytes=None,
        progress=batch_run.Progress(1, stream=io.StringIO()),
    )
    assert (summary.rows, summary.errors) == (4, 0)
    assert [line["id"] for line in read_lines(tmp_path / "out.jsonl")] == ["k0", "k1", "k2", "k3"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise():
    tty = batch_run.Progress(1000, stream=Terminal())
    tty.update(500, 1, 500, final=True)
    assert tty.stream.getvalue().startswith("\r[" + "#" * 20 + "." * 20 + "] 500 rows (1 errors)")
    plain = batch_run.Progress(1000, stream=io.StringIO())
    plain.update(500, 0, 250, final=True)
    assert (
        plain.stream.getvalue().startswith("[batch] 500 rows (0 errors)") and " 25.0%  ETA " in plain.stream.getvalue()
    )


def test_only_failed_messages_come_back_until_the_dead_letter_queue():
    messages = [queue_run.Message("a", id="a"), queue_run.Message("b", id="b"), queue_run.Message("c", id="c")]
    answers = iter(
        [
            {"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "c"}]},
            {"batchItemFailures": [{"itemIdentifier": "b"}]},
            {"errorType": "Runtime.ExitError"},  # a failed invocation: its whole batch comes back
        ]
    )
    seen: list[list[tuple[str, str]]] = []

    def invoke(event):
        seen.append([(r["messageId"], r["attributes"]["ApproximateReceiveCount"]) for r in event["Records"]])
        return next(answers)

    outcome = queue_run.play(messages, invoke, batch_size=10, max_receive=3)
    assert seen == [[("a", "1"), ("b", "1"), ("c", "1")], [("b", "2"), ("c", "2")], [("b", "3")]]
    assert [m.id for m in outcome.done] == ["a", "c"] and [m.id for m in outcome.dead_lettered] == ["b"]
    assert queue_run.record(messages[0])["eventSource"] == "aws:sqs"


def test_the_summary_names_any_dead_letter_without_failing_on_it():
    nested = '{"id": "deep", "input": ' + "[" * 5000 + "]" * 5000 + "}"
    assert queue_run.body_id(queue_run.Message(nested)) == "(nested too deeply to read)"
    assert queue_run.body_id(queue_run.Message("[" * 100000)) == "(nested too deeply to read)"
    assert queue_run.body_id(queue_run.Message("{")) == "(not JSON)"
    assert queue_run.body_id(queue_run.Message('{"id": "' + "x" * 500 + '"}')) == "x" * 64
    assert queue_run.body_id(queue_run.Message('{"id": "a\\nb\\u001b[31m"}')) == "a\\nb\\x1b[31m"
    assert queue_run.body_id(queue_run.Message('{"id": 7}')) == "(no id)"
    assert queue_run.body_id(queue_run.Message("[1]")) == "(not an object)"


@pytest.fixture(scope="module")
def churn(tmp_path_factory):
    """A DataFrame pipeline converted to ONNX, its DataFrame, and the folder it is in."""
    import joblib
    from tabular_models import churn_model, records

    import convert

    model, frame = churn_model()
    folder = tmp_path_factory.mktemp("churn")
    joblib.dump(model, folder / "churn.joblib")
    (folder / "sample.json").write_text(json.dumps({"instances": records(frame, 200)}))
    args = ["--model", str(folder / "churn.joblib"), "--sample", str(folder / "sample.json"), "--out", str(folder)]
    assert convert.main(args) == 0
    return model, frame, folder


def write_frame_csv(path, frame, columns) -> None:
    """The DataFrame as pandas writes a CSV: an empty cell for a missing value, True and False for booleans."""
    frame[columns].to_csv(path, index_label="id")


@needs_rie
def test_a_dataframe_model_scores_its_csv_by_the_header_with_empty_cells(tmp_path, churn):
    model, frame, folder = churn
    columns = list(reversed(frame.columns))  # any order: the header names them
    write_frame_csv(tmp_path / "in.csv", frame.head(500), columns)
    out = tmp_path / "out.jsonl"
    result = npm_start("--model", str(folder / "model.onnx"), "--batch", str(tmp_path / "in.csv"), "--out", str(out),
                       "--passthrough", "id")  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = read_lines(out)
    assert [line["prediction"] for line in lines] == model.predict(frame.head(500)).tolist()
    assert frame.head(500)["monthly spend"].isna().any(), "the file has empty cells"


@needs_rie
def test_a_header_that_does_not_fit_stops_before_scoring_and_writes_nothing(tmp_path, churn):
    _, frame, folder = churn
    write_frame_csv(tmp_path / "in.csv", frame.head(20).rename(columns={"seats": "seat count"}),
                    ["plan", "region", "tenure", "monthly spend", "seat count", "autopay"])  # fmt: skip
    out = tmp_path / "out.jsonl"
    result = npm_start("--model", str(folder / "model.onnx"), "--batch", str(tmp_path / "in.csv"), "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.strip().splitlines()[-1] == (
        f'npm start: {tmp_path / "in.csv"}: the header lacks "seats" and has unknown columns "id", "seat count" '
        '(pass ids and keys with --passthrough); the model takes "plan", "region", "tenure", "monthly spend", '
        '"seats" and 1 more'
    )


@needs_rie
def test_a_run_in_which_every_row_fails_exits_non_zero(tmp_path, churn):
    _, frame, folder = churn
    broken = frame.head(30).copy()
    broken["autopay"] = "maybe"
    write_frame_csv(tmp_path / "in.csv", broken, list(frame.columns))
    result = npm_start("--model", str(folder / "model.onnx"), "--batch", str(tmp_path / "in.csv"),
                       "--out", str(tmp_path / "out.jsonl"), "--passthrough", "id")  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"npm start: every row of {tmp_path / 'in.csv'} failed; the first: row 0: wrong_type: row 0.autopay must "
        "be true or false; got string"
    )
    assert len(read_lines(tmp_path / "out.jsonl")) == 30


@needs_rie
def test_npm_start_sends_a_dataframe_model_its_typed_sample_on_every_route(churn):
    _, _, folder = churn
    result = npm_start("--model", str(folder / "model.onnx"), "--no-plan")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "  the sample, POST /v2 infer" in result.stdout
    assert "  a value of the wrong type        status 400" in result.stdout
    assert '"error": "not_numeric"' in result.stdout
