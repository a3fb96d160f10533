"""The one place a document becomes predictions, whatever event carried it: validate the rows, ask the
model, refuse a non-finite answer, and turn the rest into JSON-native values."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import BadRequest, Unprocessable
from ...limits import Limits
from ...models import ServedModel
from ...numbers import all_finite
from ...runtimes import Prediction
from ...runtimes.features import MATRIX
from ...types import JSON
from .rows import bulk as plain_matrix
from .rows import matrix_of, rows_in
from .typed import columns_of


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Answer:
    rows: int
    body: dict[str, JSON]
    model_ms: float
    """How long the model itself took, of the whole request."""
    values: int
    """How many values the answer holds (labels or values, and probabilities)."""


def non_finite_rows(prediction: Prediction) -> npt.NDArray[np.bool_] | None:
    """A mask of the rows whose probabilities or value are NaN or infinite (JSON has no such numbers); None
    when every row is finite, which one check over each array settles on nearly every answer."""
    bad: npt.NDArray[np.bool_] | None = None
    for values in (prediction.probabilities, prediction.predictions):
        if values is not None and not all_finite(values):
            rows = ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
            bad = rows if bad is None else bad | rows
    return bad


def to_json(prediction: Prediction, identity: dict[str, JSON]) -> dict[str, JSON]:
    """JSON-native lists (numpy scalars and strings become Python ones) and the model's identity."""
    result: dict[str, JSON] = {"predictions": prediction.predictions.tolist()}
    if prediction.probabilities is not None:
        result["probabilities"] = prediction.probabilities.tolist()
    if prediction.details:
        result.update(prediction.details)
    result["model"] = identity
    return result


class Core:
    """A served model and the limits on a request: rows in, predictions out."""

    def __init__(self, served: ServedModel, limits: Limits):
        self.served = served
        self.model = served.predictor
        self.limits = limits
        self.identity = served.identity
        self.name = served.name
        # Decided once: whether rows are a matrix of plain numbers (the fast path), and how they are laid out.
        table = getattr(self.model, "table", None) if self.model.tabular else None
        self._plain = table is not None and table.plain
        self._matrix = table is not None and table.layout == MATRIX

    def not_tabular(self) -> BadRequest:
        """The refusal of rows by a model that takes tensors, naming them and where to send them."""
        takes = ", ".join(f"{spec.name} ({spec.describe()})" for spec in self.model.inputs)
        return BadRequest(
            "not_tabular",
            f"this model takes {takes}, not one row of features: send an inference request to "
            f"POST /v2/models/{self.name}/infer",
        )

    def matrix(self, rows: list[Any], where: Callable[[int], str], names: list[str] | None = None) -> npt.NDArray[Any]:
        """Rows (lists, or objects keyed by feature name) as the model's input, each checked as a request's
        rows are; the error names the offending row by `where(i)`. `names` orders the objects of a model
        that has no feature names of its own (a CSV's header)."""
        model = self.model
        return matrix_of(rows, model.n_features, where, model.input_dtype, model.feature_names or names)

    def prediction(self, rows: list[Any], where: Callable[[int], str]) -> tuple[Prediction, float]:
        """The model's answer to validated rows, and how long the model took (ms): a matrix of plain numbers
        straight to the model; typed rows (strings, booleans, missing values) checked feature by feature."""
        model = self.model
        matrix = None
        if self._plain:
            matrix = matrix_of(rows, model.n_features, where, model.input_dtype, model.feature_names)
        elif self._matrix:
            matrix = plain_matrix(rows, model.n_features, model.input_dtype)  # None: typed rows, checked below
        if matrix is not None:
            started = time.perf_counter()
            prediction = model.predict(matrix)
        else:
            assert model.table is not None
            columns = columns_of(rows, where, model.table, model.input_dtype, self.limits.max_text_chars)
            started = time.perf_counter()
            prediction = model.predict_columns(columns)
        return prediction, (time.perf_counter() - started) * 1000

    def predict(self, document: JSON) -> Answer:
        """The answer to one document (`features` or `instances`), or a RequestError."""
        model = self.model
        if not model.tabular:
            raise self.not_tabular()
        rows, where = rows_in(document, self.limits)
        prediction, model_ms = self.prediction(rows, where)
        bad = non_finite_rows(prediction)
        if bad is not None:
            raise Unprocessable(
                "non_finite_output",
                f"the model's answer for {where(int(np.argmax(bad)))} is not a finite number: "
                "the input is outside what the model can answer",
            )
        values = prediction.predictions.size + (
            0 if prediction.probabilities is None else prediction.probabilities.size
        )
        return Answer(len(rows), to_json(prediction, self.identity), model_ms, values)
