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
    import json
    import subprocess
    import sys

    # A fresh interpreter, as `python train.py` runs: the handler's sklearn config must not leak in.
    app = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, os.path.join(app, "train.py"), "--out", str(tmp_path)], check=True, capture_output=True)
    with open(tmp_path / "model.json") as f:
        assert json.load(f) == DEMO_METADATA
    assert sorted(os.listdir(tmp_path)) == ["model.joblib", "model.json"]


def test_requirements_pin_the_training_version():
    with open(os.path.join(os.path.dirname(DEMO_MODEL), "..", "requirements.txt")) as f:
        pins = dict(line.strip().split("==") for line in f if "==" in line)
    assert pins["scikit-learn"] == DEMO_METADATA["scikit_learn_version"]
