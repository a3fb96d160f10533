"""Rows keyed by feature name, for a model trained on a pandas DataFrame (it knows its column names),
served by both runtimes: put in the model's order, and every mistake answered with a 400 naming it."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from support import app_for, make_app

import convert
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes import sklearn as runtime_sklearn

WINE = load_wine(as_frame=True)
NAMES = list(WINE.data.columns)


@pytest.fixture(scope="module")
def fitted():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(WINE.data, WINE.target)


@pytest.fixture(scope="module", params=["sklearn", "onnx"])
def app(request, fitted, tmp_path_factory):
    if request.param == "sklearn":
        model = runtime_sklearn.SklearnPredictor(fitted)
    else:
        folder = tmp_path_factory.mktemp("wine")
        import joblib

        joblib.dump(fitted, folder / "model.joblib")
        sample = folder / "sample.json"
        sample.write_text(json.dumps({"instances": WINE.data.head(20).to_dict(orient="records")}))
        args = ["--model", str(folder / "model.joblib"), "--sample", str(sample), "--out", str(folder)]
        assert convert.main(args) == 0
        model = runtime_onnx.load(str(folder / "model.onnx"), "wine")
    assert model.feature_names == NAMES
    return make_app(model, version_id=None, sha256="wine")


class Context:
    aws_request_id = "named"


def row(i):
    return {name: float(WINE.data.iloc[i][name]) for name in NAMES}


def test_named_rows_in_any_key_order_answer_as_positional_ones(app, fitted):
    shuffled = [dict(reversed(list(row(i).items()))) for i in (0, 60, 130)]
    named = app({"instances": shuffled}, Context())
    positional = app({"instances": WINE.data.iloc[[0, 60, 130]].values.tolist()}, Context())
    assert named["predictions"] == positional["predictions"] == fitted.predict(WINE.data.iloc[[0, 60, 130]]).tolist()
    assert np.allclose(named["probabilities"], positional["probabilities"])


def test_one_named_row_and_a_mixed_batch(app):
    one = app({"features": row(5)}, Context())
    mixed = app({"instances": [row(5), WINE.data.iloc[5].tolist()]}, Context())
    assert mixed["predictions"] == one["predictions"] * 2


@pytest.mark.parametrize(
    "change, code, message",
    [
        (
            lambda r: {k: v for k, v in r.items() if k not in ("alcohol", "hue")},
            "missing_features",
            'instances[0] lacks "alcohol", "hue"; the model takes "alcohol", "malic_acid", "ash", '
            '"alcalinity_of_ash", "magnesium" and 8 more',
        ),
        (
            lambda r: {**r, "vintage": 1999, "region": 2},
            "unknown_features",
            'instances[0] has unknown features "vintage", "region"; the model takes "alcohol", "malic_acid", "ash", '
            '"alcalinity_of_ash", "magnesium" and 8 more',
        ),
        (
            lambda r: {**{k: v for k, v in r.items() if k != "ash"}, "ashes": 2.4},
            "missing_features",
            'instances[0] lacks "ash" and has unknown features "ashes"; the model takes "alcohol", "malic_acid", '
            '"ash", "alcalinity_of_ash", "magnesium" and 8 more',
        ),
        (
            lambda r: {**r, "proline": "high"},
            "not_numeric",
            "instances[0].proline must be a number; got string",
        ),
    ],
)
def test_every_mistake_in_a_named_row_is_a_400_that_names_it(app, change, code, message):
    answer = app({"instances": [change(row(0))]}, Context())
    assert answer == {"status": 400, "error": code, "message": message}


def test_a_name_given_twice_over_http_is_refused(app):
    body = '{"features": {' + ", ".join(f'"{n}": 1.0' for n in NAMES) + ', "alcohol": 13.2}}'
    event = {"requestContext": {"http": {"method": "POST"}}, "body": body}
    response = app(event, Context())
    assert response["statusCode"] == 400
    assert json.loads(response["body"]) == {
        "error": "duplicate_features",
        "message": 'features names "alcohol" more than once',
    }


def test_a_model_trained_on_an_array_refuses_named_rows_saying_why(runtime):
    app = app_for(runtime)
    answer = app({"features": {"sepal length": 5.1, "sepal width": 3.5, "petal length": 1.4, "petal width": 0.2}}, None)
    assert answer == {
        "status": 400,
        "error": "features_not_named",
        "message": "features names its features, but this model's features have no names (it was trained on an "
        "array without column names): send a list of 4 numbers in training order",
    }


def test_the_signature_carries_the_names_and_a_named_sample(tmp_path, fitted):
    import joblib

    joblib.dump(fitted, tmp_path / "model.joblib")
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"instances": WINE.data.head(5).to_dict(orient="records")}))
    assert convert.main(["--describe", "--model", str(tmp_path / "model.joblib"), "--sample", str(sample)]) == 0
    signature = json.loads((tmp_path / "model.json").read_text())
    assert signature["feature_names"] == NAMES and signature["feature_names_generated"] is False
    assert signature["n_features"] == 13 and signature["format"] == "sklearn"
    assert signature["sample"] == {"instances": WINE.data.head(3).to_dict(orient="records")}
    assert pd.DataFrame(signature["sample"]["instances"]).columns.tolist() == NAMES
