"""The demo models: the committed files are what train.py and convert.py make, and load under the pins."""

import hashlib
import json
import os
import subprocess
import sys
import warnings

import joblib
import numpy as np
import sklearn
from sklearn.datasets import load_iris
from support import APP, DEMO_METADATA, DEMO_MODEL, DEMO_ONNX, DEMO_SAMPLE, ONNX_METADATA, SKLEARN_SIGNATURE


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_metadata_matches_the_committed_files():
    assert sha256(DEMO_MODEL) == DEMO_METADATA["sha256"] == SKLEARN_SIGNATURE["sha256"]
    assert sha256(DEMO_ONNX) == ONNX_METADATA["sha256"]
    assert ONNX_METADATA["source"] == {"file": "model.joblib", "sha256": DEMO_METADATA["sha256"]}


def test_describing_the_committed_pickle_reproduces_its_signature(tmp_path):
    result = subprocess.run(
        [sys.executable, os.path.join(APP, "convert.py"), "--describe", "--model", DEMO_MODEL,
         "--sample", DEMO_SAMPLE, "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout == (
        f"wrote model.json for model.joblib (sha256 {DEMO_METADATA['sha256'][:12]}, 4 generated names, "
        "trained with scikit-learn 1.7.2)\n"
    )
    with open(tmp_path / "model.json") as f:
        assert json.load(f) == SKLEARN_SIGNATURE


def test_loads_under_the_pinned_scikit_learn_without_version_warnings():
    assert sklearn.__version__ == DEMO_METADATA["scikit_learn_version"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # InconsistentVersionWarning would fail here
        model = joblib.load(DEMO_MODEL)
    assert model.n_features_in_ == DEMO_METADATA["n_features"] == 4
    assert [str(c) for c in model.classes_] == DEMO_METADATA["classes"]


def test_the_sample_is_the_training_data_as_a_document_the_function_accepts():
    with open(DEMO_SAMPLE) as f:
        assert json.load(f) == {"instances": load_iris().data.tolist()}


def test_training_is_reproducible(tmp_path):
    """Retraining gives the committed model. Not byte for byte: lbfgs runs on the
    CPU's BLAS kernels, which round differently across CPUs (the last bits of a
    coefficient, ~1e-15), so the pickle's sha256 is recorded rather than derived."""
    # A fresh interpreter, as `python train.py` runs: the handler's sklearn config must not leak in.
    subprocess.run(
        [sys.executable, os.path.join(APP, "train.py"), "--out", str(tmp_path)], check=True, capture_output=True
    )
    assert sorted(os.listdir(tmp_path)) == ["model.joblib", "sample.json", "training.json"]
    with open(tmp_path / "training.json") as f:
        retrained_metadata = json.load(f)
    assert {k: v for k, v in retrained_metadata.items() if k != "sha256"} == {
        k: v for k, v in DEMO_METADATA.items() if k != "sha256"
    }
    with open(DEMO_SAMPLE, "rb") as f:
        assert (tmp_path / "sample.json").read_bytes() == f.read()
    retrained, committed = joblib.load(tmp_path / "model.joblib"), joblib.load(DEMO_MODEL)
    for attribute in ("coef_", "intercept_"):
        np.testing.assert_allclose(getattr(retrained[-1], attribute), getattr(committed[-1], attribute), rtol=1e-12)
    np.testing.assert_array_equal(retrained[0].mean_, committed[0].mean_)
    np.testing.assert_array_equal(retrained[0].scale_, committed[0].scale_)
    x = load_iris().data
    assert retrained.predict(x).tolist() == committed.predict(x).tolist()


def test_conversion_of_the_committed_pickle_reproduces_model_onnx_byte_for_byte(tmp_path):
    result = subprocess.run(
        [sys.executable, os.path.join(APP, "convert.py"), "--model", DEMO_MODEL, "--sample", DEMO_SAMPLE,
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.startswith(
        f"wrote model.onnx (sha256 {ONNX_METADATA['sha256'][:12]}, float32 inputs): 150 rows"
    )
    assert sha256(tmp_path / "model.onnx") == ONNX_METADATA["sha256"]
    with open(tmp_path / "model.json") as f:
        report = json.load(f)
    # The parity figure is onnxruntime's arithmetic on this CPU: equal within the tolerance, not to the bit.
    assert report.pop("parity")["max_abs_diff"] < 1e-6
    committed = dict(ONNX_METADATA)
    committed.pop("parity")
    assert report == committed


def test_requirements_pin_the_training_and_conversion_versions():
    pins = {}
    for name in ("sklearn", "onnx"):
        with open(os.path.join(APP, "requirements", f"{name}.in")) as f:
            pins[name] = dict(line.strip().split("==") for line in f if "==" in line)
    assert pins["sklearn"]["scikit-learn"] == DEMO_METADATA["scikit_learn_version"]
    assert pins["onnx"]["onnxruntime"] == ONNX_METADATA["versions"]["tools"]["onnxruntime"]
    assert ONNX_METADATA["versions"]["trained_with"] == {"scikit-learn": pins["sklearn"]["scikit-learn"]}
    assert pins["onnx"]["numpy"] == pins["sklearn"]["numpy"]
    assert ONNX_METADATA["opset"] == {"ai.onnx": 21, "ai.onnx.ml": 1}
