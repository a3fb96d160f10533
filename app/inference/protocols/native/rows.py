"""The native contract's rows: a request document (`features`, one row; `instances`, a batch) turned
into a validated feature matrix in the model's order, or a 400 naming the offending value."""

import json
import math
from collections.abc import Callable
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import BadRequest
from ...limits import Limits
from ...numbers import FLOAT_MAX, SMALL, within
from ...types import JSON
from ..request import repeated_keys
from .format import MANY_ROWS, ONE_ROW, json_type


def listed(names: list[str], most: int = 5) -> str:
    """A few names, quoted, and how many more."""
    shown = ", ".join(json.dumps(n) for n in names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def by_name(row: dict[str, Any], where: str, names: list[str] | None, n_features: int) -> list[Any]:
    """A row given by feature name, as a list in the model's order; a 400 naming what is wrong otherwise."""
    if names is None:
        raise BadRequest(
            "features_not_named",
            f"{where} names its features, but this model's features have no names (it was trained on an array "
            f"without column names): send a list of {n_features} numbers in training order",
        )
    repeated = repeated_keys(row)
    if repeated:
        raise BadRequest("duplicate_features", f"{where} names {listed(repeated)} more than once")
    missing = [n for n in names if n not in row]
    known = set(names)
    unknown = [k for k in row if k not in known]
    if missing or unknown:
        parts = ([f"lacks {listed(missing)}"] if missing else []) + (
            [f"has unknown features {listed(unknown)}"] if unknown else []
        )
        raise BadRequest(
            "missing_features" if missing else "unknown_features",
            f"{where} {' and '.join(parts)}; the model takes {listed(names)}",
        )
    return [row[n] for n in names]


def missing_value(at: str, kind: str) -> BadRequest:
    """The refusal of a missing value (null, or an empty CSV cell) where the model cannot take one."""
    return BadRequest("missing_value", f"{at} is missing, but the model takes no missing value there: send a {kind}")


def fits_float(value: int) -> bool:
    try:
        float(value)
        return True
    except OverflowError:
        return False


def fits(value: int | float, dtype: type[np.floating[Any]]) -> bool:
    """True when the model's input type holds the value (float32 overflows above about 3.4e38)."""
    with np.errstate(over="ignore"):
        return bool(np.isfinite(dtype(value)))


def _check_row(
    row: Any, where: str, n_features: int, dtype: type[np.floating[Any]], names: list[str] | None = None
) -> None:
    """Each value of a row, named `where[j]`, or `where.name` for a row given by name."""
    if not isinstance(row, list):
        raise BadRequest("invalid_shape", f"{where} must be a list of {n_features} numbers")
    if len(row) != n_features:
        raise BadRequest("wrong_feature_count", f"{where} has {len(row)} values; the model takes exactly {n_features}")
    for j, value in enumerate(row):
        at = f"{where}.{names[j]}" if names else f"{where}[{j}]"
        if value is None:
            raise missing_value(at, "number")
        number(value, at, dtype)


def number(value: Any, at: str, dtype: type[np.floating[Any]]) -> float | int:
    """A number the model's input type holds, named `at` when it is not one."""
    # bool is an int subclass; true/false are not numbers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest("not_numeric", f"{at} must be a number; got {json_type(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest("not_finite", f"{at} must be finite; got {value}")
    if isinstance(value, int) and not fits_float(value):
        raise BadRequest("not_finite", f"{at} is too large to be a float")
    if not fits(value, dtype):
        raise BadRequest("out_of_range", f"{at} is beyond the range of the model's {dtype.__name__} input")
    return value


_NUMBER_TYPES = frozenset((int, float))
_LIST_TYPE = {list}


def _all_plain_numbers(rows: list[Any], n_features: int) -> bool:
    """The common case, checked in bulk with C-level map/set: lists of n ints or
    floats (a bool's type is bool, so true/false fail here too)."""
    if set(map(type, rows)) != _LIST_TYPE or set(map(len, rows)) != {n_features}:
        return False
    return set(map(type, chain.from_iterable(rows))) <= _NUMBER_TYPES


def bulk(rows: list[Any], n_features: int, dtype: type[np.floating[Any]]) -> npt.NDArray[Any] | None:
    """The matrix when every row is n plain numbers, all finite in the model's input type; None on any doubt."""
    if not _all_plain_numbers(rows, n_features):
        return None
    if len(rows) * n_features <= SMALL:
        # One pass that refuses NaN, infinities and values beyond the input type, so the cast cannot overflow.
        # A value just above float32's largest is left to the row-by-row check.
        return np.asarray(rows, dtype=dtype) if within(chain.from_iterable(rows), FLOAT_MAX[dtype]) else None
    try:
        # Straight into the model's type: a value float32 cannot hold becomes inf, caught below.
        with np.errstate(over="ignore"):
            x = np.asarray(rows, dtype=dtype)
    except OverflowError:  # an int beyond float range
        return None
    return x if np.isfinite(x).all() else None


def matrix_of(
    rows: list[Any],
    n_features: int,
    where: Callable[[int], str],
    dtype: type[np.floating[Any]],
    names: list[str] | None = None,
) -> npt.NDArray[Any]:
    """Bulk path first; rows given by feature name are put in the model's order; on any doubt, the
    row-by-row check finds the first offending value and names it."""
    x = bulk(rows, n_features, dtype)
    if x is not None:
        return x
    named = [isinstance(row, dict) for row in rows]
    if any(named):
        rows = [
            by_name(row, where(i), names, n_features) if by else row
            for i, (row, by) in enumerate(zip(rows, named, strict=True))
        ]
        x = bulk(rows, n_features, dtype)
        if x is not None:
            return x
    for i, row in enumerate(rows):
        _check_row(row, where(i), n_features, dtype, names if named[i] else None)
    raise AssertionError("unreachable: _check_row rejects what the bulk path refused")  # pragma: no cover


def rows_in(document: JSON, limits: Limits) -> tuple[list[Any], Callable[[int], str]]:
    """The rows of a document (`features`: one row; `instances`: a batch within the row limit), and how a
    message names the i-th."""
    if not isinstance(document, dict):
        raise BadRequest("invalid_request", f'send a JSON object with "{ONE_ROW}" or "{MANY_ROWS}"')
    has_features = ONE_ROW in document
    has_instances = MANY_ROWS in document
    if has_features == has_instances:
        raise BadRequest(
            "invalid_request",
            f'send exactly one of "{ONE_ROW}" (one row) or "{MANY_ROWS}" (a list of rows)',
        )
    if has_features:
        return [document[ONE_ROW]], _one_row
    instances = document[MANY_ROWS]
    if not isinstance(instances, list) or not instances:
        raise BadRequest("invalid_shape", f"{MANY_ROWS} must be a non-empty list of rows")
    if len(instances) > limits.max_batch_rows:
        raise BadRequest(
            "batch_too_large", f"{MANY_ROWS} has {len(instances)} rows; at most {limits.max_batch_rows} are allowed"
        )
    return instances, _many_rows


def _one_row(i: int) -> str:
    return ONE_ROW


def _many_rows(i: int) -> str:
    return f"{MANY_ROWS}[{i}]"


def rows_from_document(
    document: JSON,
    n_features: int,
    limits: Limits,
    dtype: type[np.floating[Any]] = np.float64,
    names: list[str] | None = None,
) -> npt.NDArray[Any]:
    """The feature matrix in the model's input type: `features` gives one row, `instances` a batch. A
    row is a list in the model's order, or an object keyed by feature name when the model has `names`."""
    rows, where = rows_in(document, limits)
    return matrix_of(rows, n_features, where, dtype, names)
