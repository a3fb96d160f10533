"""Validated rows, given column by column (one list per feature, None for a missing value), as a model's
inputs: one float matrix with NaN for what is missing, or one [rows, 1] array per column in its input's
type. Validation (protocols/native/typed.py) has already checked every value against its feature."""

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import STRING, Feature, Table
from .spec import DATATYPES, TensorSpec

NAN = math.nan


def _numbers(column: Any) -> Any:
    """Missing values as NaN: what a model that takes them (an imputer, a booster) expects. A column the batch
    already read into an array has its NaN."""
    if isinstance(column, np.ndarray):
        return column
    return [NAN if v is None else v for v in column] if None in column else column


def matrix_of_columns(columns: list[Any], dtype: type[np.floating[Any]]) -> npt.NDArray[Any]:
    """The [rows, features] matrix (booleans as 0 and 1)."""
    return np.array([_numbers(c) for c in columns], dtype=dtype).T.copy()


def texts(column: Any, feature: Feature) -> npt.NDArray[Any]:
    """A column of strings as a [rows, 1] string input; missing is the empty string, lowercased with Python's
    own str.lower when the model's vectorizer lowercased (ONNX Runtime lowercases ASCII only)."""
    if isinstance(column, np.ndarray):
        column = column.tolist()  # a list's `in` runs at C speed, an object array's elements one call each
    missing = None in column
    values = ["" if v is None else v for v in column] if missing else column
    if feature.lowercase:
        values = [v.lower() for v in values]
    return np.array(values, dtype=object).reshape(-1, 1)


def _lower(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode().lower()
        except UnicodeDecodeError:
            return value
    return value.lower() if isinstance(value, str) else value


def lowercased(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A string tensor of the inference protocol (str or UTF-8 bytes elements), lowercased as `texts` does."""
    return np.array([_lower(v) for v in array.ravel()], dtype=object).reshape(array.shape)


class Feeds:
    """How a `columns` or `text` table's rows become the model's inputs, decided once at load."""

    def __init__(self, table: Table, inputs: list[TensorSpec]):
        by_name = {spec.name: spec for spec in inputs}
        self.parts = [(f, by_name[f.input or f.name]) for f in table.features]

    def of(self, columns: list[Any]) -> dict[str, npt.NDArray[Any]]:
        feeds: dict[str, npt.NDArray[Any]] = {}
        for (feature, spec), column in zip(self.parts, columns, strict=True):
            shape = (-1, 1) if len(spec.shape) == 2 else (-1,)
            if feature.type == STRING or spec.datatype == "BYTES":
                feeds[spec.name] = texts(column, feature).reshape(shape)
            else:
                feeds[spec.name] = np.array(_numbers(column), dtype=DATATYPES[spec.datatype]).reshape(shape)
        return feeds
