"""Text pipelines (a vectorizer and a classifier over one text column): converted by convert.py with what ONNX
Runtime needs on a Lambda base image (the "C" locale, Unicode tokens, lowercasing done by the function), and
served: texts in, labels and probabilities out, equal to the original pipeline's, accents and capitals too."""

import json

import joblib
import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from support import Context, make_app
from tabular_models import REVIEWS, reviews_model

import convert
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes import sklearn as runtime_sklearn

UNSEEN = ["GREAT acting, great fun", "Éclair TRÈS BON", "straße und ÜBER", "a b c d", "bad bad BAD"]


@pytest.fixture(scope="module")
def reviews():
    return reviews_model()


def convert_text(folder, model, sample=None):
    joblib.dump(model, folder / "text.joblib")
    args = ["--model", str(folder / "text.joblib"), "--out", str(folder / "out")]
    if sample is not None:
        (folder / "sample.json").write_text(json.dumps({"instances": sample}, ensure_ascii=False))
        args += ["--sample", str(folder / "sample.json")]
    status = convert.main(args)
    if status != 0:
        return status, None, None
    signature = json.loads((folder / "out" / "model.json").read_text())
    predictor = runtime_onnx.load(str(folder / "out" / "model.onnx"), "text")
    return status, make_app(predictor, sha256=signature["sha256"], cold=False), signature


def test_a_tfidf_pipeline_converts_and_answers_texts_as_the_original(tmp_path, reviews):
    status, app, signature = convert_text(tmp_path, reviews, REVIEWS + UNSEEN)
    assert status == 0
    assert (signature["layout"], signature["n_features"], signature["feature_names"]) == ("text", 1, ["text"])
    assert signature["features"] == [
        {"name": "text", "type": "string", "missing": True, "input": "text", "lowercase": True}
    ]
    assert signature["inputs"] == [{"name": "text", "datatype": "BYTES", "shape": [-1, 1]}]
    answer = app({"instances": UNSEEN}, Context())
    assert answer["predictions"] == reviews.predict(UNSEEN).tolist()
    assert np.abs(np.array(answer["probabilities"]) - reviews.predict_proba(UNSEEN)).max() <= 1e-5


def test_one_text_a_named_text_and_a_text_in_a_list(tmp_path, reviews):
    _, app, _ = convert_text(tmp_path, reviews, REVIEWS)
    expected = reviews.predict(["Éclair TRÈS BON"]).tolist()
    for document in ({"features": "Éclair TRÈS BON"}, {"features": {"text": "Éclair TRÈS BON"}},
                     {"instances": [["Éclair TRÈS BON"]]}):  # fmt: skip
        assert app(document, Context())["predictions"] == expected
    assert app({"features": 42}, Context()) == {
        "status": 400,
        "error": "invalid_shape",
        "message": "features must be a text",
    }


def test_the_inference_protocol_lowercases_as_the_native_contract_does(tmp_path, reviews):
    _, app, _ = convert_text(tmp_path, reviews, REVIEWS)
    request = {"inputs": [{"name": "text", "shape": [2, 1], "datatype": "BYTES", "data": [["ÉCLAIR"], ["GREAT"]]}]}
    outputs = {o["name"]: o for o in app(request, Context())["outputs"]}
    assert outputs["label"]["data"] == reviews.predict(["ÉCLAIR", "GREAT"]).tolist()


def test_a_count_vectorizer_of_word_pairs_converts_without_a_sample(tmp_path):
    model = make_pipeline(CountVectorizer(ngram_range=(1, 2)), LogisticRegression())
    model.fit(REVIEWS * 10, [0, 1] * (len(REVIEWS) * 5))
    status, app, signature = convert_text(tmp_path, model)
    assert status == 0 and signature["parity"]["sample"] == "generated"
    assert app({"instances": UNSEEN}, Context())["predictions"] == model.predict(UNSEEN).tolist()


def test_a_vectorizer_without_a_converter_is_sent_to_the_scikit_learn_runtime_which_serves_it(tmp_path, capsys):
    model = make_pipeline(HashingVectorizer(n_features=256), LogisticRegression())
    model.fit(REVIEWS * 10, [0, 1] * (len(REVIEWS) * 5))
    status, _, _ = convert_text(tmp_path, model, REVIEWS)
    assert status == 1
    assert capsys.readouterr().err == (
        "convert.py: no ONNX converter for HashingVectorizer (hashingvectorizer); serve this model with the "
        'scikit-learn runtime (modelFormat "sklearn")\n'
    )
    assert (
        convert.main(
            ["--describe", "--model", str(tmp_path / "text.joblib"), "--sample", str(tmp_path / "sample.json")]
        )
        == 0
    )
    signature = json.loads((tmp_path / "model.json").read_text())
    assert (signature["layout"], signature["inputs"]) == (
        "text",
        [{"name": "text", "datatype": "BYTES", "shape": [-1, 1]}],
    )
    app = make_app(runtime_sklearn.load(str(tmp_path / "text.joblib"), "text"), sha256="t")
    assert app({"instances": UNSEEN}, Context())["predictions"] == model.predict(UNSEEN).tolist()
