"""Trains the demo model: a small classifier on the iris data set that ships
with scikit-learn (no download), saved with joblib, with its training
metadata and the rows it was trained on (a sample for convert.py's parity check).

    python train.py                       # app/model/sklearn: model.joblib, training.json, sample.json
    python convert.py --describe --model model/sklearn/model.joblib --sample model/sklearn/sample.json
    python convert.py --model model/sklearn/model.joblib --sample model/sklearn/sample.json --out model/
"""

import argparse
import hashlib
import json
import os
from typing import Any

import joblib
import sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def train() -> tuple[Any, Any]:
    data = load_iris()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=0))
    model.fit(data.data, data.target_names[data.target])
    return model, data


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model", "sklearn"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    model, data = train()
    model_path = os.path.join(args.out, "model.joblib")
    joblib.dump(model, model_path)
    with open(model_path, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    metadata = {
        "file": "model.joblib",
        "sha256": sha256,
        "scikit_learn_version": sklearn.__version__,
        "n_features": int(model.n_features_in_),
        "feature_names": list(data.feature_names),
        "classes": [str(c) for c in model.classes_],
        "training_accuracy": round(float(model.score(data.data, data.target_names[data.target])), 4),
    }
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(metadata, f, indent=2)
        f.write("\n")
    # The training rows, as a document the function accepts: convert.py checks parity on them.
    with open(os.path.join(args.out, "sample.json"), "w") as f:
        json.dump({"instances": data.data.tolist()}, f)
        f.write("\n")
    print(json.dumps(metadata))
    return metadata


if __name__ == "__main__":
    main()
