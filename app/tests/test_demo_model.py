import hashlib
import os
import warnings

import joblib
import sklearn
from conftest import DEMO_METADATA, DEMO_MODEL


def test_metadata_matches_the_committed_file():
    with open(DEMO_MODEL, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == DEMO_METADATA["sha256"]


def test_loads_under_the_pinned_scikit_learn_without_version_warnings():
    assert sklearn.__version__ == DEMO_METADATA["scikit_learn_version"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # InconsistentVersionWarning would fail here
        model = joblib.load(DEMO_MODEL)
    assert model.n_features_in_ == DEMO_METADATA["n_features"] == 4
    assert [str(c) for c in model.classes_] == DEMO_METADATA["classes"]


def test_training_is_reproducible(tmp_path):
    """Retraining gives the committed model. Not byte for byte: lbfgs runs on the
    CPU's BLAS kernels, which round differently across CPUs (the last bits of a
    coefficient, ~1e-15), so the pickle's sha256 is recorded rather than derived."""
    import json
    import subprocess
    import sys

    import numpy as np

    # A fresh interpreter, as `python train.py` runs: the handler's sklearn config must not leak in.
    app = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(
        [sys.executable, os.path.join(app, "train.py"), "--out", str(tmp_path)], check=True, capture_output=True
    )
    assert sorted(os.listdir(tmp_path)) == ["model.joblib", "model.json"]
    with open(tmp_path / "model.json") as f:
        retrained_metadata = json.load(f)
    assert {k: v for k, v in retrained_metadata.items() if k != "sha256"} == {
        k: v for k, v in DEMO_METADATA.items() if k != "sha256"
    }
    retrained, committed = joblib.load(tmp_path / "model.joblib"), joblib.load(DEMO_MODEL)
    for attribute in ("coef_", "intercept_"):
        np.testing.assert_allclose(getattr(retrained[-1], attribute), getattr(committed[-1], attribute), rtol=1e-12)
    np.testing.assert_array_equal(retrained[0].mean_, committed[0].mean_)
    np.testing.assert_array_equal(retrained[0].scale_, committed[0].scale_)
    from sklearn.datasets import load_iris

    x = load_iris().data
    assert retrained.predict(x).tolist() == committed.predict(x).tolist()


def test_requirements_pin_the_training_version():
    with open(os.path.join(os.path.dirname(DEMO_MODEL), "..", "requirements.txt")) as f:
        pins = dict(line.strip().split("==") for line in f if "==" in line)
    assert pins["scikit-learn"] == DEMO_METADATA["scikit_learn_version"]
