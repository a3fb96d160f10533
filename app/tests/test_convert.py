"""app/convert.py: parity on the kinds of model people serve, and one clear line when it cannot convert."""

import json
import os
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC
from support import APP

import convert
from inference.runtimes import onnx as runtime_onnx

HELPER = '''
import numpy as np

def double(x):
    """A Python function in a FunctionTransformer: code, which ONNX cannot hold."""
    return np.asarray(x) * 2
'''


def save(tmp_path, name, model, x):
    model_path = tmp_path / f"{name}.joblib"
    joblib.dump(model, model_path)
    sample = tmp_path / f"{name}.json"
    sample.write_text(json.dumps({"instances": np.asarray(x).tolist()}))
    return str(model_path), str(sample)


def convert_ok(tmp_path, name, model, x, capsys):
    model_path, sample = save(tmp_path, name, model, x)
    out = tmp_path / f"out-{name}"
    assert convert.main(["--model", model_path, "--sample", sample, "--out", str(out)]) == 0
    with open(out / "model.json") as f:
        report = json.load(f)
    return out, report, capsys.readouterr().out


def served(out, x):
    """The converted model, answered by the function's own ONNX runtime."""
    predictor = runtime_onnx.load(str(out / "model.onnx"), "test model")
    return predictor, predictor.predict(np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize(
    "name, make, data",
    [
        ("linear-pipeline", lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), load_wine),
        ("tree-ensemble", lambda: RandomForestClassifier(n_estimators=25, random_state=0), load_wine),
        ("linear-svc-no-probabilities", lambda: make_pipeline(StandardScaler(), LinearSVC()), load_breast_cancer),
    ],
)
def test_classifiers_convert_with_identical_labels_and_close_probabilities(tmp_path, capsys, name, make, data):
    d = data()
    model = make().fit(d.data, d.target)
    out, report, printed = convert_ok(tmp_path, name, model, d.data, capsys)
    has_proba = hasattr(model, "predict_proba")
    assert report["task"] == "classifier" and report["probabilities"] is has_proba
    assert report["n_features"] == d.data.shape[1] and report["classes"] == model.classes_.tolist()
    assert report["parity"]["rows"] == len(d.data) and report["parity"]["labels_identical"] is True
    assert report["parity"]["max_abs_diff"] <= 1e-5 and report["input_type"] == "float32"
    assert printed.startswith(f"wrote model.onnx (sha256 {report['sha256'][:12]}, float32 inputs)")
    _, answer = served(out, d.data)
    assert answer.predictions.tolist() == model.predict(d.data).tolist()
    if has_proba:
        assert np.abs(answer.probabilities - model.predict_proba(d.data)).max() <= 1e-5
    else:
        assert answer.probabilities is None, "scores of a classifier without predict_proba are not probabilities"


def test_a_regressor_converts_within_relative_tolerance(tmp_path, capsys):
    d = load_diabetes()
    y = d.target * 1000  # values near 1e5: float32 rounding is ~1e-2 absolute, ~1e-7 relative
    model = GradientBoostingRegressor(random_state=0).fit(d.data, y)
    out, report, _ = convert_ok(tmp_path, "regressor", model, d.data, capsys)
    assert report["task"] == "regressor" and report["classes"] is None and report["parity"]["labels_identical"] is None
    _, answer = served(out, d.data)
    expected = model.predict(d.data)
    assert answer.probabilities is None
    assert (np.abs(answer.predictions - expected) <= np.maximum(1e-5, 1e-5 * np.abs(expected))).all()


def test_an_unconvertible_pipeline_exits_non_zero_with_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "helpers.py").write_text(HELPER)
    sys.path.insert(0, str(tmp_path))
    try:
        import helpers

        d = load_iris()
        model = make_pipeline(FunctionTransformer(helpers.double), LogisticRegression(max_iter=1000))
        model_path, _ = save(tmp_path, "function", model.fit(d.data, d.target), d.data)
    finally:
        sys.path.remove(str(tmp_path))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, os.path.join(APP, "convert.py"), "--model", model_path, "--out", str(out)],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "convert.py: cannot convert FunctionTransformer (functiontransformer): FunctionTransformer is not supported "
        "unless the transform function is None (= identity); serve this model with the scikit-learn runtime "
        '(modelFormat "sklearn")'
    ]
    assert not out.exists() or not (out / "model.onnx").exists()


def epoch_times(n=3000, seed=0):
    """Seconds since 1970 a few seconds apart, and a label that turns on them: float32 rounds such times by up
    to 64 s, across the thresholds a tree learns."""
    rng = np.random.default_rng(seed)
    seconds = 1.6e9 + np.sort(rng.choice(200_000, n, replace=False)).astype(np.float64)
    x = np.column_stack([seconds, rng.normal(size=n)])
    y = ((seconds // 3_600) % 2).astype(int)
    return x, y


def test_a_parity_failure_names_the_worst_row_and_writes_no_model(tmp_path, capsys):
    """A scaler before the trees computes in the graph's float32, which moves epoch times across the trees'
    thresholds; skl2onnx's double version of histogram boosting is refused by onnxruntime, so no input type
    reaches parity."""
    x, y = epoch_times()
    model = make_pipeline(StandardScaler(), HistGradientBoostingClassifier(random_state=0)).fit(x, y)
    model_path, sample = save(tmp_path, "hgb", model, x)
    out = tmp_path / "out"
    assert convert.main(["--model", model_path, "--sample", sample, "--out", str(out)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("convert.py: parity failed (float32 inputs tried): row ")
    assert " of hgb.json gets a different label from ONNX Runtime than from the original model" in line
    assert line.endswith(
        '; no model.onnx written; serve this model with the scikit-learn runtime (modelFormat "sklearn")'
    )
    assert not (out / "model.onnx").exists() and not (out / "model.json").exists()


def test_without_a_sample_generated_rows_are_used_and_the_output_says_why_that_is_weaker(tmp_path, capsys):
    from support import DEMO_MODEL

    assert convert.main(["--model", DEMO_MODEL, "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("wrote model.onnx") and " 256 rows match the original model" in printed[0]
    assert printed[1].startswith("note: parity was checked on 256 generated rows, not on your data (no --sample)")
    with open(tmp_path / "model.json") as f:
        assert json.load(f)["parity"]["sample"] == "generated"


@pytest.mark.parametrize(
    "document, message",
    [
        ('{"rows": []}', 'is not a document the function accepts: send exactly one of "features" (one row)'),
        ('{"instances": [[1, 2]]}', "is not a document the function accepts: instances[0] has 2 values"),
        ("{nope", "cannot read the sample"),
    ],
)
def test_a_bad_sample_is_refused_before_converting(tmp_path, capsys, document, message):
    from support import DEMO_MODEL

    sample = tmp_path / "sample.json"
    sample.write_text(document)
    assert convert.main(["--model", DEMO_MODEL, "--sample", str(sample), "--out", str(tmp_path / "out")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert message in line
    assert not (tmp_path / "out").exists()


def test_the_converted_model_says_what_it_is():
    import onnx
    from support import DEMO_ONNX

    metadata = {p.key: p.value for p in onnx.load(DEMO_ONNX).metadata_props}
    inside = json.loads(metadata.pop("lambda_inference.signature"))
    assert metadata == {
        "lambda_inference.task": "classifier",
        "lambda_inference.classes": '["setosa", "versicolor", "virginica"]',
        "lambda_inference.probabilities": "true",
        "lambda_inference.n_features": "4",
        "lambda_inference.feature_names": '["f0", "f1", "f2", "f3"]',
        "lambda_inference.feature_names_generated": "true",
    }
    # A lone model.onnx still describes itself: the signature, less its own file name and sha256 (and the
    # tensors, which its graph declares).
    from support import ONNX_METADATA

    assert inside == {
        k: v
        for k, v in ONNX_METADATA.items()
        if k not in ("file", "sha256", "source", "opset", "parity", "platform", "inputs", "outputs")
    }


def test_any_onnx_model_describes_itself_with_its_tensors_and_a_request_sample(tmp_path, capsys):
    from graphs import save

    path = save("two_inputs", str(tmp_path))
    assert convert.main(["--describe", "--model", path]) == 0
    described = json.loads((tmp_path / "model.json").read_text())
    assert (described["n_features"], described["feature_names"], described["input_type"]) == (None, None, None)
    assert described["platform"] == "onnxruntime_onnx"
    assert described["inputs"] == [
        {"name": "x", "datatype": "FP32", "shape": [-1, 3]},
        {"name": "k", "datatype": "INT64", "shape": [-1, 1]},
    ]
    # Generated from the declared inputs, a dimension of any size taken as 1: the default smoke test.
    assert described["sample"] == {
        "inputs": [
            {"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [0, 0, 0]},
            {"name": "k", "shape": [1, 1], "datatype": "INT64", "data": [0]},
        ]
    }
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}))
    assert convert.main(["--describe", "--model", path, "--sample", str(request)]) == 1
    assert capsys.readouterr().err.endswith(
        f"convert.py: the model refuses its sample ({request}): input 'k' (INT64 [-1, 1]) is missing\n"
    )


def test_tabular_signatures_carry_the_tensors_the_protocol_declares():
    from support import ONNX_METADATA, SKLEARN_SIGNATURE

    assert ONNX_METADATA["platform"] == "onnxruntime_onnx"
    assert ONNX_METADATA["inputs"] == [{"name": "X", "datatype": "FP32", "shape": [-1, 4]}]
    assert SKLEARN_SIGNATURE["platform"] == "scikit-learn"
    assert SKLEARN_SIGNATURE["inputs"] == [{"name": "X", "datatype": "FP64", "shape": [-1, 4]}]
    assert [o["name"] for o in SKLEARN_SIGNATURE["outputs"]] == [o["name"] for o in ONNX_METADATA["outputs"]]
