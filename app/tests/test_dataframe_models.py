"""A pipeline fitted on a DataFrame of string, integer, float and boolean columns with missing values (a
ColumnTransformer and a LogisticRegression: the most common production tabular model), converted by
convert.py and served: typed named rows, nulls where the model takes them, answers equal to the original
model's on the same DataFrame, every refusal naming its feature, the inference protocol's one input per
column, and the batch transform's CSV read by its header."""

import json

import joblib
import numpy as np
import pytest
from support import Context, make_app
from tabular_models import CHURN_COLUMNS, churn_model, records

import convert
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes import sklearn as runtime_sklearn
from inference.sources.item_batch import BatchError


@pytest.fixture(scope="module")
def churn():
    model, frame = churn_model()
    return model, frame


@pytest.fixture(scope="module")
def converted(churn, tmp_path_factory):
    """(the app serving the converted model, its signature)."""
    model, frame = churn
    folder = tmp_path_factory.mktemp("churn")
    joblib.dump(model, folder / "churn.joblib")
    (folder / "sample.json").write_text(json.dumps({"instances": records(frame, 300)}))
    args = ["--model", str(folder / "churn.joblib"), "--sample", str(folder / "sample.json"), "--out", str(folder)]
    assert convert.main(args) == 0
    signature = json.loads((folder / "model.json").read_text())
    predictor = runtime_onnx.load(str(folder / "model.onnx"), "churn")
    return make_app(predictor, sha256=signature["sha256"], cold=False), signature


def test_the_signature_types_each_column_and_says_which_may_be_missing(converted):
    _, signature = converted
    assert (signature["layout"], signature["feature_names"], signature["feature_names_generated"]) == (
        "columns", CHURN_COLUMNS, False
    )  # fmt: skip
    assert signature["features"] == [
        {"name": "plan", "type": "string", "missing": True, "categories": ["basic", "pro", "team"],
         "categories_only": False, "input": "plan"},
        {"name": "region", "type": "string", "missing": True, "categories": ["apac", "eu", "us"],
         "categories_only": False, "input": "region"},
        {"name": "tenure", "type": "integer", "missing": True, "input": "tenure"},
        {"name": "monthly spend", "type": "number", "missing": True, "input": "monthly_spend"},
        {"name": "seats", "type": "integer", "missing": True, "input": "seats"},
        {"name": "autopay", "type": "boolean", "missing": False, "input": "autopay"},
    ]  # fmt: skip
    assert [i["name"] for i in signature["inputs"]] == ["plan", "region", "tenure", "monthly_spend", "seats", "autopay"]
    assert [i["datatype"] for i in signature["inputs"]] == ["BYTES", "BYTES", "FP32", "FP32", "FP32", "FP32"]
    assert signature["parity"]["rows"] == 300 and signature["parity"]["labels_identical"] is True


def test_named_rows_are_answered_as_the_original_model_answers_its_dataframe(churn, converted):
    model, frame = churn
    app, _ = converted
    rows = records(frame, 1000)
    answer = app({"instances": rows}, Context())
    assert answer["predictions"] == model.predict(frame.head(1000)).tolist()
    assert np.abs(np.array(answer["probabilities"]) - model.predict_proba(frame.head(1000))).max() <= 1e-5
    missing = frame["monthly spend"].isna().to_numpy()[:1000]
    assert missing.any() and all(rows[i]["monthly spend"] is None for i in np.flatnonzero(missing))


def test_nulls_where_the_model_takes_them_equal_the_dataframes_missing_values(churn, converted):
    model, frame = churn
    app, _ = converted
    gaps = frame.head(50).copy()
    gaps[["plan", "tenure", "seats"]] = None
    answer = app({"instances": records(gaps)}, Context())
    assert answer["predictions"] == model.predict(gaps).tolist()
    assert np.abs(np.array(answer["probabilities"]) - model.predict_proba(gaps)).max() <= 1e-5


def test_a_row_as_a_list_in_column_order_and_an_unknown_category(churn, converted):
    model, frame = churn
    app, _ = converted
    row = records(frame, 1)[0]
    listed = app({"features": [row[c] for c in CHURN_COLUMNS]}, Context())
    assert listed["predictions"] == model.predict(frame.head(1)).tolist()
    gold = frame.head(1).copy()
    gold["plan"] = "gold"  # handle_unknown="ignore": an unknown plan is no plan
    answer = app({"features": {**row, "plan": "gold"}}, Context())
    assert answer["predictions"] == model.predict(gold).tolist()


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"autopay": None}, "missing_value",
         "features.autopay is missing, but the model takes no missing value there: send a boolean"),
        ({"autopay": "yes"}, "wrong_type", "features.autopay must be true or false; got string"),
        ({"plan": 3}, "wrong_type", "features.plan must be a string; got number"),
        ({"tenure": 2.5}, "wrong_type", "features.tenure must be an integer; got 2.5"),
        ({"monthly spend": "49.90"}, "not_numeric", "features.monthly spend must be a number; got string"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_a_400_naming_the_feature_and_the_type(churn, converted, change, code, message):
    _, frame = churn
    app, _ = converted
    answer = app({"features": {**records(frame, 1)[0], **change}}, Context())
    assert answer == {"status": 400, "error": code, "message": message}


def test_an_encoder_that_refuses_unknown_values_refuses_them_by_name(tmp_path):
    model, frame = churn_model(handle_unknown="error")
    joblib.dump(model, tmp_path / "strict.joblib")
    (tmp_path / "sample.json").write_text(json.dumps({"instances": records(frame.dropna(), 200)}))
    args = [
        "--model",
        str(tmp_path / "strict.joblib"),
        "--sample",
        str(tmp_path / "sample.json"),
        "--out",
        str(tmp_path),
    ]
    assert convert.main(args) == 0
    signature = json.loads((tmp_path / "model.json").read_text())
    plan = signature["features"][0]
    assert (plan["categories_only"], plan["missing"]) == (True, False)
    app = make_app(runtime_onnx.load(str(tmp_path / "model.onnx"), "strict"), sha256="s")
    answer = app({"features": {**records(frame, 1)[0], "plan": "gold"}}, Context())
    assert answer == {
        "status": 400,
        "error": "unknown_category",
        "message": 'features.plan is "gold", which the model was not trained on; it knows "basic", "pro", "team"',
    }


def test_the_inference_protocol_takes_one_input_per_column(churn, converted):
    model, frame = churn
    app, signature = converted
    head = frame.dropna().head(3)
    inputs = [
        {"name": spec["name"], "shape": [3, 1], "datatype": spec["datatype"],
         "data": [[v if spec["datatype"] == "BYTES" else float(v)] for v in head[feature["name"]].tolist()]}
        for feature, spec in zip(signature["features"], signature["inputs"], strict=True)
    ]  # fmt: skip
    answer = app({"inputs": inputs}, Context())
    outputs = {o["name"]: o for o in answer["outputs"]}
    assert outputs["label"]["data"] == model.predict(head).tolist()
    expected = model.predict_proba(head).ravel()
    assert np.abs(np.array(outputs["probabilities"]["data"]).ravel() - expected).max() <= 1e-5


def csv_item(i, row):
    """A row as Step Functions reads a CSV line: every cell a string, an empty cell for a missing value."""
    cells = {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()}
    return {"index": i, "row": cells}


def test_the_batch_reads_csv_cells_by_the_header_in_any_order_and_empty_cells_as_missing(churn, converted):
    model, frame = churn
    app, _ = converted
    rows = records(frame, 200)
    reordered = [{k: row[k] for k in reversed(CHURN_COLUMNS)} for row in rows]
    answer = app({"Items": [csv_item(i, r) for i, r in enumerate(reordered)], "BatchInput": {}}, Context())
    lines = [json.loads(line) for line in answer["lines"].splitlines()]
    assert answer["errors"] == 0 and [line["prediction"] for line in lines] == model.predict(frame.head(200)).tolist()
    expected = model.predict_proba(frame.head(200))
    assert np.abs(np.array([line["probabilities"] for line in lines]) - expected).max() <= 1e-5


def test_a_batch_whose_columns_do_not_fit_is_refused_before_scoring(churn, converted):
    _, frame = churn
    app, _ = converted
    rows = [{**{k: v for k, v in r.items() if k != "seats"}, "seat count": 3} for r in records(frame, 5)]
    with pytest.raises(BatchError, match=r'^the rows\' columns lack "seats" and have unknown columns "seat count"; '):
        app({"Items": [csv_item(i, r) for i, r in enumerate(rows)], "BatchInput": {}}, Context())


def test_a_bad_cell_costs_its_row_alone(churn, converted):
    _, frame = churn
    app, _ = converted
    rows = records(frame, 3)
    items = [csv_item(i, r) for i, r in enumerate(rows)]
    items[1]["row"]["autopay"] = "maybe"
    items[2]["row"]["autopay"] = ""
    lines = [json.loads(line) for line in app({"Items": items, "BatchInput": {}}, Context())["lines"].splitlines()]
    assert "prediction" in lines[0]
    assert (lines[1]["error"], lines[1]["message"]) == ("wrong_type", "row 1.autopay must be true or false; got string")
    assert lines[2]["error"] == "missing_value"


def test_the_scikit_learn_runtime_gives_the_pipeline_a_dataframe(churn):
    model, frame = churn
    app = make_app(runtime_sklearn.SklearnPredictor(model), sha256="p")
    rows = records(frame, 100)
    # The runtime reads a column's type from the encoder that reads it; a column no encoder reads is a number.
    answer = app({"instances": [{**r, "autopay": int(r["autopay"])} for r in rows]}, Context())
    assert answer["predictions"] == model.predict(frame.head(100)).tolist()
    assert np.abs(np.array(answer["probabilities"]) - model.predict_proba(frame.head(100))).max() <= 1e-12


def test_describing_the_pickle_says_what_the_scikit_learn_runtime_takes(churn, tmp_path, capsys):
    model, frame = churn
    joblib.dump(model, tmp_path / "churn.joblib")
    (tmp_path / "sample.json").write_text(json.dumps({"instances": records(frame, 5)}))
    args = ["--describe", "--model", str(tmp_path / "churn.joblib"), "--sample", str(tmp_path / "sample.json")]
    assert convert.main(args) == 1
    assert capsys.readouterr().err == (
        "convert.py: the sample sample.json is not a document the function accepts: instances[0].autopay must be a "
        "number; got boolean; the scikit-learn runtime reads a column's type from the encoder that reads it and "
        "takes every other column as a number (send true and false as 1 and 0), or convert the model to ONNX "
        "(without --describe), which keeps the sample's types\n"
    )


def test_without_a_sample_the_rows_are_made_from_the_encoders_and_scalers(churn, tmp_path, capsys):
    model, _ = churn
    joblib.dump(model, tmp_path / "churn.joblib")
    assert convert.main(["--model", str(tmp_path / "churn.joblib"), "--out", str(tmp_path / "out")]) == 0
    signature = json.loads((tmp_path / "out" / "model.json").read_text())
    assert signature["parity"]["sample"] == "generated" and signature["parity"]["rows"] == 256
    assert set(signature["sample"]["instances"][0]) == set(CHURN_COLUMNS)
