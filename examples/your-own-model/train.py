"""Trains this example's model as a data scientist would: a scikit-learn pipeline fitted on a pandas
DataFrame of the 13 wine measurements that ship with scikit-learn, so the model knows its column
names. Saves it with joblib, and a few rows as the sample convert.py checks parity on.

    ../../.venv/bin/python train.py
    ../../.venv/bin/python ../../app/convert.py --model model/model.joblib --sample model/sample.json --out model
"""

import json
import os

import joblib
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    wine = load_wine(as_frame=True)
    features, cultivar = wine.data, wine.target_names[wine.target]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=0))
    model.fit(features, cultivar)
    out = os.path.join(HERE, "model")
    os.makedirs(out, exist_ok=True)
    joblib.dump(model, os.path.join(out, "model.joblib"))
    # Rows as callers will send them: objects keyed by column name.
    with open(os.path.join(out, "sample.json"), "w") as f:
        json.dump({"instances": features.sample(20, random_state=0).to_dict(orient="records")}, f, indent=1)
        f.write("\n")
    columns = ", ".join(features.columns[:3])
    print(f"trained on {len(features)} rows of {features.shape[1]} named features: {columns}, ...")


if __name__ == "__main__":
    main()
