"""scikit-learn models (XGBoost's and LightGBM's estimators among them) to ONNX with skl2onnx, in the layout
their features need: one [rows, features] matrix; one [rows, 1] input per column of a DataFrame pipeline
(strings as strings, numbers, integers and booleans as the float type tried); or one string input for a
text pipeline.

Text vectorizers run in ONNX Runtime's StringNormalizer and Tokenizer: StringNormalizer needs a locale, and
the "C" locale is the one every Lambda base image has; it lowercases ASCII only, so a vectorizer that
lowercases is converted without lowercasing and the function lowercases the text itself (Python's
str.lower, as scikit-learn does). Tokenizer's regular expressions are RE2's, whose \\w is ASCII: scikit-learn's
default token pattern (runs of two or more word characters) is given as Unicode letter and number classes.
"""

import copy
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from inference.runtimes.features import MATRIX, STRING, TEXT, Table
from inference.runtimes.sklearn_features import steps_of

ML_OPSET = 3  # ai.onnx.ml: tree ensembles with per-class base values (HistGradientBoosting) need 3
TEXT_LOCALE = "C"
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # noqa: S105 - scikit-learn's token_pattern, not a password
# The same tokens as DEFAULT_TOKEN_PATTERN in Python (maximal runs of two or more letters, digits or _), in RE2.
UNICODE_TOKENS = r"[\p{L}\p{N}_]{2,}"


def _final(model: Any) -> Any:
    return steps_of(model)[-1]


def _without_booster_names(model: Any) -> Any:
    """A copy whose XGBoost boosters have no feature names: its converter takes f0, f1, ... only (the names
    stay in the signature)."""
    for step in steps_of(model):
        get_booster = getattr(step, "get_booster", None)
        if get_booster is not None and type(step).__module__.startswith("xgboost"):
            get_booster().feature_names = None
    return model


def initial_types(table: Table, dtype: type[np.floating[Any]]) -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType  # noqa: PLC0415

    number = FloatTensorType if dtype == np.float32 else DoubleTensorType
    if table.layout == MATRIX:
        return [("X", number([None, len(table.features)]))]
    if table.layout == TEXT:
        return [(table.features[0].name, StringTensorType([None, 1]))]
    return [(f.name, StringTensorType([None, 1]) if f.type == STRING else number([None, 1])) for f in table.features]


def prepared(model: Any, table: Table) -> tuple[Any, Table, dict[int, dict[str, Any]]]:
    """(a copy of the model fit to convert, its table, the converter's options): probabilities as a plain
    tensor, a text vectorizer that lets the function lowercase and tokenizes Unicode as scikit-learn does."""
    model = _without_booster_names(copy.deepcopy(model))
    final = _final(model)
    options: dict[int, dict[str, Any]] = {}
    # Probabilities as a plain tensor, not a list of dicts; a classifier without probabilities has no ZipMap, but
    # skl2onnx adds one to a pipeline's last step unless that step is given options of its own.
    if is_classifier(final):
        options[id(final)] = {"zipmap": False} if hasattr(final, "predict_proba") else {"output_class_labels": False}
    if table.layout == TEXT:
        vectorizer = steps_of(model)[0]
        text = {"locale": TEXT_LOCALE}
        if getattr(vectorizer, "token_pattern", None) == DEFAULT_TOKEN_PATTERN:
            text["tokenexp"] = UNICODE_TOKENS
        options[id(vectorizer)] = text
        if getattr(vectorizer, "lowercase", False):
            vectorizer.lowercase = False
            table = replace(table, features=(replace(table.features[0], lowercase=True),))
    return model, table, options


def convert(model: Any, table: Table, dtype: type[np.floating[Any]], opset: int) -> tuple[Any, Table]:
    """The ONNX model, and its table with each feature's input named as the graph names it (skl2onnx
    replaces what a graph input's name cannot hold, such as spaces)."""
    from skl2onnx import to_onnx  # noqa: PLC0415

    model, table, options = prepared(model, table)
    onx = to_onnx(
        model,
        initial_types=initial_types(table, dtype),
        target_opset={"": opset, "ai.onnx.ml": ML_OPSET},
        options=options or None,
    )
    if table.layout == MATRIX:
        return onx, table
    inputs = [i.name for i in onx.graph.input]
    features = tuple(replace(f, input=name) for f, name in zip(table.features, inputs, strict=True))
    return onx, replace(table, features=features)
