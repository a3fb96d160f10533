"""Trees that split float64 inputs on float64 thresholds (LightGBM, HistGradientBoosting) convert to a double
graph holding the model's own thresholds when float32 misses parity: an epoch-time feature, which float32
rounds by up to 64 seconds, is answered as the original model answers it."""

import json

import joblib
import lightgbm
import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from support import Context, make_app
from tabular_models import epoch_times

import convert
from inference.runtimes import onnx as runtime_onnx

X, LABELS, VALUES = epoch_times()
MODELS = {
    "LGBMRegressor": (lambda: lightgbm.LGBMRegressor(n_estimators=100, verbose=-1), VALUES),
    "LGBMClassifier": (lambda: lightgbm.LGBMClassifier(n_estimators=100, verbose=-1), LABELS),
    "HistGradientBoostingClassifier": (lambda: HistGradientBoostingClassifier(random_state=0), LABELS),
    "HistGradientBoostingRegressor": (lambda: HistGradientBoostingRegressor(random_state=0), VALUES),
}


def converted(folder, model_file):
    (folder / "sample.json").write_text(json.dumps({"instances": X.tolist()}))
    args = ["--model", str(model_file), "--sample", str(folder / "sample.json"), "--out", str(folder / "out")]
    assert convert.main(args) == 0
    signature = json.loads((folder / "out" / "model.json").read_text())
    return make_app(runtime_onnx.load(str(folder / "out" / "model.onnx"), "m"), sha256="d"), signature


def served_like(app, expected, classifier):
    answer = app({"instances": X[:1000].tolist()}, Context())
    if classifier:
        assert answer["predictions"] == expected.predict(X[:1000]).tolist()
        return np.abs(np.array(answer["probabilities"]) - expected.predict_proba(X[:1000])).max()
    want = expected.predict(X[:1000])
    return (np.abs(np.array(answer["predictions"]) - want) / np.maximum(1, np.abs(want))).max()


@pytest.mark.parametrize("name", MODELS)
def test_float64_trees_keep_their_thresholds(tmp_path, name):
    make, y = MODELS[name]
    model = make().fit(X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    app, signature = converted(tmp_path, tmp_path / "model.joblib")
    assert signature["input_type"] == "float64" and signature["parity"]["inputs_tried"] == ["float32", "float64"]
    assert signature["inputs"][0]["datatype"] == "FP64"
    assert served_like(app, model, "Classifier" in name) <= 1e-5


@pytest.mark.parametrize("name", ["LGBMRegressor", "LGBMClassifier"])
def test_a_booster_saved_by_lightgbm_keeps_its_thresholds_too(tmp_path, name):
    make, y = MODELS[name]
    model = make().fit(X, y)
    model.booster_.save_model(str(tmp_path / "model.txt"))
    app, signature = converted(tmp_path, tmp_path / "model.txt")
    assert signature["input_type"] == "float64"
    answer = app({"instances": X[:1000].tolist()}, Context())
    raw = model.booster_.predict(X[:1000])
    got = np.array(answer["probabilities"])[:, 1] if "Classifier" in name else np.array(answer["predictions"])
    assert (np.abs(got - raw) / np.maximum(1, np.abs(raw))).max() <= 1e-5
