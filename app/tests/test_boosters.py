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
