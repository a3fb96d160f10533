"""Models as data scientists train them, made small and deterministic for the tests and the bench:
- `churn`: a DataFrame of string, integer, float and boolean columns with missing spend, through a
  ColumnTransformer (one-hot strings, imputed and scaled numbers, a passed-through flag) and a
  LogisticRegression;
- `reviews`: texts through a TfidfVectorizer and a LogisticRegression, accents and capitals included;
- `epoch_times`: seconds since 1970 a few seconds apart, which float32 rounds across a tree's thresholds.
"""

from typing import Any

import numpy as np

CHURN_COLUMNS = ["plan", "region", "tenure", "monthly spend", "seats", "autopay"]
REVIEWS = [
    "good movie great acting",
    "bad plot terrible",
    "great fun for everyone",
    "awful boring bad",
    "Loved it, GREAT!",
    "Terrible. Boring.",
    "Éclair délicieux, très bon",
    "ÉCLAIR mauvais, très ennuyeux",
]


def churn_frame(n: int = 2000, seed: int = 0) -> tuple[Any, Any]:
    """(the DataFrame, its labels "churn" or "stay")."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "plan": rng.choice(["basic", "pro", "team"], n),
            "region": rng.choice(["eu", "us", "apac"], n),
            "tenure": rng.integers(0, 60, n),
            "monthly spend": rng.normal(50, 20, n).round(2),
            "seats": rng.integers(1, 20, n),
            "autopay": rng.choice([True, False], n),
        }
    )
    frame.loc[rng.choice(n, n // 20, replace=False), "monthly spend"] = np.nan
    noise = rng.random(n) < 0.1
    churns = ((frame["tenure"] < 12) ^ (frame["plan"] == "basic") ^ frame["autopay"]).to_numpy() ^ noise
    return frame, np.where(churns, "churn", "stay")


def churn_model(handle_unknown: str = "ignore") -> tuple[Any, Any]:
    """(the fitted pipeline, the DataFrame it was fitted on)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame, labels = churn_frame()
    prepare = ColumnTransformer(
        [
            ("strings", OneHotEncoder(handle_unknown=handle_unknown), ["plan", "region"]),
            ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), ["tenure", "monthly spend", "seats"]),
            ("flags", "passthrough", ["autopay"]),
        ]
    )
    model = Pipeline([("prepare", prepare), ("classify", LogisticRegression(max_iter=1000))])
    return model.fit(frame, labels), frame


def records(frame: Any, rows: int | None = None) -> list[dict[str, Any]]:
    """Rows of a DataFrame as a client sends them: JSON objects, null where a value is missing."""
    import json

    part = frame if rows is None else frame.head(rows)
    loaded: list[dict[str, Any]] = json.loads(part.to_json(orient="records"))
    return loaded


def reviews_model() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    labels = ["positive", "negative"] * (len(REVIEWS) // 2)
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(REVIEWS * 20, labels * 20)


def epoch_times(n: int = 3000, seed: int = 0) -> tuple[Any, Any, Any]:
    """(rows of [seconds, noise], a label that turns every hour, a value that grows with time)."""
    rng = np.random.default_rng(seed)
    seconds = 1.6e9 + np.sort(rng.choice(200_000, n, replace=False)).astype(np.float64)
    x = np.column_stack([seconds, rng.normal(size=n)])
    return x, ((seconds // 3_600) % 2).astype(int), (seconds - 1.6e9) / 1000 + x[:, 1]
