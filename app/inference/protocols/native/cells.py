"""One feature's values over a whole batch, converted at C speed for the batch's columnar path: CSV cells
(texts, as Step Functions reads them) read as the feature's type, JSON values checked. An empty cell is a
missing value, as pandas.read_csv reads it. Any doubt (a value that does not fit, a missing value the
feature does not take, a category the model refuses) gives None: the row path then names each bad row."""

from typing import Any

import numpy as np
import numpy.typing as npt

from ...numbers import all_number_texts
from ...runtimes.features import BOOLEAN, INTEGER, STRING, Feature

BOOLEAN_TEXTS = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
"""What a CSV cell writes for a boolean (what pandas.read_csv reads as one)."""
_NUMBERS_OR_NULL = {int, float, type(None)}
_STRINGS = {str}


def _strings(feature: Feature, values: list[Any]) -> npt.NDArray[Any] | None:
    if set(map(type, values)) != _STRINGS:
        return None
    distinct = set(values)
    if "" in distinct:
        if not feature.missing:
            return None
        values = [None if v == "" else v for v in values]
        distinct.discard("")
    if feature.categories_only and feature.categories is not None and not distinct <= set(feature.categories):
        return None
    return np.array(values, dtype=object)


def _booleans(feature: Feature, values: list[Any]) -> npt.NDArray[Any] | None:
    kinds = set(map(type, values))
    if kinds == {bool}:
        return np.array(values, dtype=np.bool_)
    if kinds != _STRINGS:
        return None
    read = list(map(BOOLEAN_TEXTS.get, values))
    if None not in read:
        return np.array(read, dtype=np.bool_)
    if not feature.missing or any(r is None and v != "" for r, v in zip(read, values, strict=True)):
        return None
    return np.array([np.nan if r is None else float(r) for r in read], dtype=np.float64)


def _read(feature: Feature, values: list[Any]) -> npt.NDArray[np.float64] | None:
    """Numbers (NaN where missing) from JSON numbers and nulls, or from CSV cells that write numbers."""
    kinds = set(map(type, values))
    if kinds <= _NUMBERS_OR_NULL:
        if type(None) in kinds and not feature.missing:
            return None
        return np.array([np.nan if v is None else v for v in values] if None in values else values, dtype=np.float64)
    if kinds != _STRINGS:
        return None
    empty = "" in set(values)
    if empty and not feature.missing:
        return None
    if not all_number_texts([v for v in values if v] if empty else values):
        return None
    return np.array([v or "nan" for v in values] if empty else values, dtype=np.float64)


def _numbers(feature: Feature, values: list[Any], dtype: type[np.floating[Any]]) -> npt.NDArray[Any] | None:
    numbers = _read(feature, values)
    if numbers is None:
        return None
    given = numbers[~np.isnan(numbers)]
    with np.errstate(over="ignore", invalid="ignore"):
        fits = bool(np.isfinite(given.astype(dtype)).all())
    integral = feature.type != INTEGER or bool((given == np.round(given)).all())
    return numbers if fits and integral else None


def column(feature: Feature, values: list[Any], dtype: type[np.floating[Any]]) -> npt.NDArray[Any] | None:
    """The feature's values as one array (NaN, or None among strings, where missing), or None on any doubt."""
    if feature.type == STRING:
        return _strings(feature, values)
    if feature.type == BOOLEAN:
        return _booleans(feature, values)
    return _numbers(feature, values, dtype)
