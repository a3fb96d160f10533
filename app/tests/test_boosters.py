"""XGBoost and LightGBM through convert.py (onnxmltools): scikit-learn-style estimators alone and in
pipelines, and boosters saved by the libraries themselves, of both tasks; each converted with the
parity proof, then served by the function's ONNX runtime, natively and through the protocol."""

import json

import joblib
import lightgbm
import numpy as np
import pytest
import xgboost
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from support import make_app

import convert
from inference.runtimes import onnx as runtime_onnx

IRIS, CANCER, DIABETES = (
    load_iris(return_X_y=True),
    load_breast_cancer(return_X_y=True),
    load_diabetes(return_X_y=True),
)


class Context:
    aws_request_id = "boosters"


def sample_file(folder, x, rows=40):
    path = folder / "sample.json"
    path.write_text(json.dumps({"instances": np.round(x[:rows], 6).tolist()}))
    return str(path)


def converted(folder, model_file, x, capsys=None):
    """convert.py's exit status, and the served app and signature when it wrote a model."""
    status = convert.main(
        ["--model", str(model_file), "--sample", sample_file(folder, x), "--out", str(folder / "out")]
    )
    if status != 0:
        return status, None, None
    signature = json.loads((folder / "out" / "model.json").read_text())
    model = runtime_onnx.load(str(folder / "out" / "model.onnx"), "converted")
    return status, make_app(model, version_id=None, sha256="b", name="m"), signature


ESTIMATORS = {
    "XGBClassifier": (lambda: xgboost.XGBClassifier(n_estimators=20, max_depth=3), IRIS),
    "XGBRegressor": (lambda: xgboost.XGBRegressor(n_estimators=20, max_depth=3), DIABETES),
    "LGBMClassifier": (lambda: lightgbm.LGBMClassifier(n_estimators=20, verbose=-1), IRIS),
    "LGBMRegressor": (lambda: lightgbm.LGBMRegressor(n_estimators=20, verbose=-1), DIABETES),
}


@pytest.mark.parametrize("pipeline", [False, True], ids=["alone", "in a pipeline"])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_scikit_learn_style_estimators_convert_and_serve(tmp_path, name, pipeline):
    make, (x, y) = ESTIMATORS[name]
    # Boosters need no scaling; what precedes them is imputation or encoding, exact in float32.
    model = make_pipeline(SimpleImputer(), make()) if pipeline else make()
    model.fit(x, y)
    x = np.round(x, 6)  # the sample's rows, as written
    joblib.dump(model, tmp_path / "model.joblib")
    status, app, signature = converted(tmp_path, tmp_path / "model.joblib", x)
    assert status == 0
    library = "xgboost" if name.startswith("XGB") else "lightgbm"
    assert set(signature["versions"]["tools"]) >= {library, "onnxmltools", "skl2onnx", "onnxruntime"}
    classifier = name.endswith("Classifier")
    assert signature["task"] == ("classifier" if classifier else "regressor")
    # Tensor outputs, no ZipMap: the protocol can carry them.
    assert [o["name"] for o in signature["outputs"]] == (["label", "probabilities"] if classifier else ["variable"])
    answer = app({"instances": x[:5].tolist()}, Context())
    expected = model.predict(x[:5])
    if classifier:
        assert answer["predictions"] == expected.tolist()
        assert np.allclose(answer["probabilities"], model.predict_proba(x[:5]), atol=1e-5)
    else:
        assert np.allclose(answer["predictions"], expected, rtol=1e-5)


BOOSTERS = {
    "xgboost binary:logistic": ("xgboost", {"objective": "binary:logistic"}, CANCER, "model.ubj"),
    "xgboost multi:softprob": ("xgboost", {"objective": "multi:softprob", "num_class": 3}, IRIS, "model.json"),
    "xgboost reg:squarederror": ("xgboost", {"objective": "reg:squarederror"}, DIABETES, "model.ubj"),
    "lightgbm binary": ("lightgbm", {"objective": "binary"}, CANCER, "model.txt"),
    "lightgbm multiclass": ("lightgbm", {"objective": "multiclass", "num_class": 3}, IRIS, "model.txt"),
    "lightgbm regression": ("lightgbm", {"objective": "regression"}, DIABETES, "model.txt"),
}


def train_booster(library, params, x, y, path):
    if library == "xgboost":
        booster = xgboost.train(params, xgboost.DMatrix(x, label=y), num_boost_round=15)
        booster.save_model(str(path))
        return lambda rows: booster.predict(xgboost.DMatrix(rows))
    booster = lightgbm.train({**params, "verbose": -1}, lightgbm.Dataset(x, label=y), num_boost_round=15)
    booster.save_model(str(path))
    return booster.predict


@pytest.mark.parametrize("case", BOOSTERS)
def test_boosters_saved_by_their_library_convert_and_serve(tmp_path, case):
    library, params, (x, y), file = BOOSTERS[case]
    reference = train_booster(library, params, x, y, tmp_path / file)
    status, app, signature = converted(tmp_path, tmp_path / file, x)
    assert status == 0
    assert signature["versions"]["trained_with"] == {
        library: (xgboost if library == "xgboost" else lightgbm).__version__
    }
    assert signature["parity"]["rows"] == 40
    x = np.round(x, 6)  # the sample's rows, as written
    raw = np.asarray(reference(x[:5]), dtype=np.float64)
    request = {"inputs": [{"name": "X", "shape": [5, x.shape[1]], "datatype": "FP32", "data": x[:5].tolist()}]}
    outputs = {o["name"]: o for o in app(request, Context())["outputs"]}
    if signature["task"] == "classifier":
        proba = np.column_stack([1 - raw, raw]) if raw.ndim == 1 else raw
        assert signature["classes"] == list(range(proba.shape[1]))
        assert outputs["label"]["datatype"] == "INT64" and outputs["label"]["shape"] == [5]
        assert outputs["label"]["data"] == proba.argmax(axis=1).tolist()
        assert np.allclose(np.reshape(outputs["probabilities"]["data"], proba.shape), proba, atol=1e-5)
        assert signature["outputs"][0] == {"name": "label", "datatype": "INT64", "shape": [-1]}
    else:
        assert np.allclose(outputs["variable"]["data"], raw, rtol=1e-5)


def test_what_does_not_convert_says_so_in_one_line(tmp_path, capsys):
    booster = xgboost.train({"objective": "rank:pairwise"}, xgboost.DMatrix(IRIS[0], label=IRIS[1]), 3)
    booster.save_model(str(tmp_path / "rank.ubj"))
    args = ["--model", str(tmp_path / "rank.ubj"), "--out", str(tmp_path / "out")]
    assert convert.main(args) == 1
    assert capsys.readouterr().err == (
        f"convert.py: {tmp_path / 'rank.ubj'}: xgboost's objective 'rank:pairwise' is neither classification with "
        "probabilities nor regression; only those convert\n"
    )
    (tmp_path / "broken.txt").write_text("not a model")
    assert convert.main(["--model", str(tmp_path / "broken.txt"), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith(f"convert.py: cannot load {tmp_path / 'broken.txt'} with lightgbm: ")
    assert not (tmp_path / "out").exists()


def test_a_pickle_holding_xgboost_cannot_be_described_for_the_scikit_learn_runtime(tmp_path, capsys):
    model = xgboost.XGBClassifier(n_estimators=3).fit(*IRIS)
    joblib.dump(model, tmp_path / "model.joblib")
    assert convert.main(["--describe", "--model", str(tmp_path / "model.joblib")]) == 1
    assert capsys.readouterr().err == (
        f"convert.py: {tmp_path / 'model.joblib'} holds a xgboost model, which the scikit-learn runtime cannot load: "
        "convert it to ONNX (without --describe)\n"
    )


@pytest.fixture(scope="module")
def cancer_frame():
    """The breast-cancer DataFrame, whose column names have spaces ("mean concave points")."""
    frame, target = load_breast_cancer(return_X_y=True, as_frame=True)
    return frame, target


def named_sample(folder, frame, rows=60):
    records = json.loads(frame.head(rows).to_json(orient="records"))
    path = folder / "sample.json"
    path.write_text(json.dumps({"instances": records}))
    return str(path), records


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_a_booster_fitted_on_a_dataframe_keeps_its_column_names(tmp_path, cancer_frame, library):
    frame, target = cancer_frame
    make = xgboost.XGBClassifier if library == "xgboost" else lightgbm.LGBMClassifier
    model = make(n_estimators=20, **({} if library == "xgboost" else {"verbose": -1})).fit(frame, target)
    joblib.dump(model, tmp_path / "model.joblib")
    sample, records = named_sample(tmp_path, frame)
    args = ["--model", str(tmp_path / "model.joblib"), "--sample", sample, "--out", str(tmp_path / "out")]
    assert convert.main(args) == 0
    signature = json.loads((tmp_path / "out" / "model.json").read_text())
    assert signature["feature_names"] == list(frame.columns) and signature["feature_names_generated"] is False
    assert "mean concave points" in signature["feature_names"]
    assert all(f["missing"] for f in signature["features"]), "a booster takes missing values as they are"
    app = make_app(runtime_onnx.load(str(tmp_path / "out" / "model.onnx"), "m"), sha256="b", name="m")
    reordered = [dict(reversed(list(r.items()))) for r in records]
    assert app({"instances": reordered}, Context())["predictions"] == model.predict(frame.head(60)).tolist()
    gaps = frame.head(10).copy()
    gaps.iloc[:, :5] = np.nan
    rows = json.loads(gaps.to_json(orient="records"))
    answer = app({"instances": rows}, Context())
    assert np.abs(np.array(answer["probabilities"]) - model.predict_proba(gaps)).max() <= 1e-5


def test_a_saved_xgboost_booster_with_names_converts(tmp_path, cancer_frame):
    frame, target = cancer_frame
    booster = xgboost.train({"objective": "binary:logistic"}, xgboost.DMatrix(frame, label=target), 10)
    booster.save_model(str(tmp_path / "named.json"))
    sample, records = named_sample(tmp_path, frame)
    assert (
        convert.main(["--model", str(tmp_path / "named.json"), "--sample", sample, "--out", str(tmp_path / "out")]) == 0
    )
    signature = json.loads((tmp_path / "out" / "model.json").read_text())
    assert signature["feature_names"] == list(frame.columns)
    app = make_app(runtime_onnx.load(str(tmp_path / "out" / "model.onnx"), "m"), sha256="b", name="m")
    expected = booster.predict(xgboost.DMatrix(frame.head(60)))
    answer = app({"instances": records}, Context())
    assert np.abs(np.array(answer["probabilities"])[:, 1] - expected).max() <= 1e-5


def test_a_model_that_cannot_take_a_missing_value_refuses_null_by_name(tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x, y = IRIS
    imputing = make_pipeline(SimpleImputer(), LogisticRegression(max_iter=1000)).fit(x, y)
    strict = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x, y)
    for name, model in (("imputing", imputing), ("strict", strict)):
        joblib.dump(model, tmp_path / f"{name}.joblib")
        args = [
            "--model",
            str(tmp_path / f"{name}.joblib"),
            "--sample",
            sample_file(tmp_path, x),
            "--out",
            str(tmp_path / name),
        ]
        assert convert.main(args) == 0
    apps = {
        n: make_app(runtime_onnx.load(str(tmp_path / n / "model.onnx"), n), sha256="b") for n in ("imputing", "strict")
    }
    row = [None, 3.5, 1.4, 0.2]
    filled = imputing.predict(np.array([[np.nan, 3.5, 1.4, 0.2]])).tolist()
    assert apps["imputing"]({"features": row}, Context())["predictions"] == filled
    assert apps["strict"]({"features": row}, Context()) == {
        "status": 400,
        "error": "missing_value",
        "message": "features[0] is missing, but the model takes no missing value there: send a number",
    }
