"""The scikit-learn runtime: a joblib pickle, loaded only after its sha256 was verified."""

import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn

from ..errors import ModelLoadError
from . import Prediction
from .columns import matrix_of_columns
from .features import BOOLEAN, INTEGER, MATRIX, STRING, TEXT, Table
from .sklearn_features import is_text_model, table_of
from .spec import TensorSpec, datatype_of

_DATATYPE = {"number": "FP64", "integer": "INT64", "boolean": "BOOL", "string": "BYTES"}

PLATFORM = "scikit-learn"
# The tensors' names are those app/convert.py's ONNX conversion gives the same model, so a client calls a
# model the same way whichever runtime serves it.
INPUT, LABEL, PROBABILITIES, VALUE = "X", "label", "probabilities", "variable"

# Inputs are validated finite before they reach the model; skip sklearn's second pass.
sklearn.set_config(assume_finite=True)
# Rows reach a model fitted on named columns as an array already in its column order (validation puts named
# rows in that order); scikit-learn's warning about the missing names would otherwise fill the log per request.
warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)

# Final estimators whose `predict` is, by definition, the class with the highest
# `predict_proba`: for them one probability pass yields both answers.
ARGMAX_CLASSIFIERS = frozenset(
    {
        "LogisticRegression",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "DecisionTreeClassifier",
        "ExtraTreeClassifier",
        "GradientBoostingClassifier",
        "HistGradientBoostingClassifier",
        "KNeighborsClassifier",
        "GaussianNB",
        "MultinomialNB",
        "BernoulliNB",
        "ComplementNB",
        "MLPClassifier",
        "LinearDiscriminantAnalysis",
        "QuadraticDiscriminantAnalysis",
    }
)


def final_estimator(model: Any) -> Any:
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


class SklearnPredictor:
    """A fitted estimator or pipeline; float64 in, as scikit-learn computes."""

    platform = PLATFORM
    tabular = True

    def __init__(self, model: Any):
        self.model = model
        self.table: Table = table_of(model)
        self.n_features = len(self.table.features)
        self.feature_names: list[str] | None = self.table.names if self.table.named else None
        self.has_proba = hasattr(model, "predict_proba")
        self.classes: npt.NDArray[Any] | None = getattr(model, "classes_", None)
        self.labels_from_proba = (
            self.has_proba and self.classes is not None and type(final_estimator(model)).__name__ in ARGMAX_CLASSIFIERS
        )
        self.inputs = inputs_of(self.table)
        if self.classes is None:
            self.outputs = [TensorSpec(VALUE, "FP64", (-1, 1))]
        else:
            self.outputs = [TensorSpec(LABEL, datatype_of(np.asarray(self.classes).dtype), (-1,))]
            if self.has_proba:
                self.outputs.append(TensorSpec(PROBABILITIES, "FP64", (-1, len(self.classes))))

    input_dtype: type[np.floating[Any]] = np.float64

    def predict(self, x: npt.NDArray[Any]) -> Prediction:
        # An input far outside the training data can overflow; the handler answers that with a 422, and the
        # log stays one JSON line per request instead of numpy's warnings on stderr.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._predict(x)

    def _predict(self, x: npt.NDArray[Any]) -> Prediction:
        if self.labels_from_proba:
            assert self.classes is not None
            proba = self.model.predict_proba(x)
            return Prediction(self.classes[proba.argmax(axis=1)], np.asarray(proba))
        labels = np.asarray(self.model.predict(x))
        return Prediction(labels, np.asarray(self.model.predict_proba(x)) if self.has_proba else None)

    def predict_columns(self, columns: list[Any]) -> Prediction:
        layout = self.table.layout
        if layout == MATRIX:
            return self.predict(matrix_of_columns(columns, np.float64))
        if layout == TEXT:
            # A text pipeline's vectorizer takes a list of strings, as it was fitted.
            return self.predict(["" if v is None else v for v in columns[0]])  # type: ignore[arg-type]
        return self.predict(frame_of(self.table, columns))

    def run(self, feeds: dict[str, npt.NDArray[Any]], outputs: list[str]) -> list[npt.NDArray[Any]]:
        if self.table.layout == MATRIX:
            x = feeds[INPUT]
            prediction = self.predict(x)
        else:
            columns = [_column(feeds[spec.name]) for spec in self.inputs]
            prediction = self.predict_columns(columns)
            x = feeds[self.inputs[0].name]
        if self.classes is None:
            return [np.asarray(prediction.predictions, dtype=np.float64).reshape(len(x), 1) for _ in outputs]
        answers = {LABEL: prediction.predictions, PROBABILITIES: prediction.probabilities}
        return [np.asarray(answers[name]) for name in outputs]


def inputs_of(table: Table) -> list[TensorSpec]:
    """The tensors the inference protocol sends: one FP64 matrix as X (the name ONNX conversion gives it),
    or one [rows, 1] tensor per column (BYTES for strings), as a converted pipeline takes them."""
    if table.layout == MATRIX:
        return [TensorSpec(INPUT, "FP64", (-1, len(table.features)))]
    return [TensorSpec(f.input or f.name, _DATATYPE[f.type], (-1, 1)) for f in table.features]


def _column(array: npt.NDArray[Any]) -> list[Any]:
    values = array.reshape(-1).tolist()
    return [v.decode() if isinstance(v, bytes) else v for v in values]


def frame_of(table: Table, columns: list[Any]) -> Any:
    """A DataFrame of the columns, each of its feature's type, as the pipeline was fitted on (pandas is in the
    scikit-learn image for these models only, and imported on their first request)."""
    import pandas as pd  # noqa: PLC0415

    data: dict[str, Any] = {}
    for feature, given in zip(table.features, columns, strict=True):
        # A column the batch read into an array holds NaN (numbers) or None (strings) where a value is missing.
        column = given.tolist() if isinstance(given, np.ndarray) else given
        missing = any(v is None or (isinstance(v, float) and math.isnan(v)) for v in column)
        if feature.type == STRING:
            # Missing as NaN, as pandas reads an empty cell and as the encoders learnt it.
            data[feature.name] = np.array([np.nan if v is None else v for v in column], dtype=object)
        elif feature.type == INTEGER and not missing:
            data[feature.name] = np.array(column, dtype=np.int64)
        elif feature.type == BOOLEAN and not missing:
            data[feature.name] = np.array(column, dtype=np.bool_)
        else:
            data[feature.name] = np.array([np.nan if v is None else v for v in column], dtype=np.float64)
    return pd.DataFrame(data)


def load(path: str, describe: str, threads: int = 1) -> SklearnPredictor:
    """The pickle, already verified against its sha256. `threads` is the Runtime protocol's; scikit-learn keeps the
    image's one BLAS thread."""
    import joblib  # noqa: PLC0415 - imported once, at init, after the file is verified

    try:
        model = joblib.load(path)
    except Exception as e:  # noqa: BLE001 - any unpickling failure means the same thing here
        raise ModelLoadError(f"could not load the model from {describe}: {type(e).__name__}: {e}") from None
    if not hasattr(model, "predict") or not (hasattr(model, "n_features_in_") or is_text_model(model)):
        raise ModelLoadError(
            f"the object at {describe} is not a fitted scikit-learn estimator (it needs predict and n_features_in_, "
            "or a text vectorizer first)"
        )
    return SklearnPredictor(model)
