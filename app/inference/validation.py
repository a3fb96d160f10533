"""Turns a request document into a validated feature matrix, or a RequestError, and holds the
limits on what one request may carry."""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from .contract import LIMIT_DEFAULTS
from .errors import BadRequest, ConfigError
from .lambda_types import JSON, Env
from .numbers import FLOAT_MAX, SMALL, within

DEFAULT_MAX_BATCH_ROWS = LIMIT_DEFAULTS["MAX_BATCH_ROWS"]
DEFAULT_MAX_BODY_BYTES = LIMIT_DEFAULTS["MAX_BODY_BYTES"]


@dataclass(frozen=True)
class Limits:
    max_batch_rows: int = DEFAULT_MAX_BATCH_ROWS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @staticmethod
    def from_env(env: Env) -> "Limits":
        """The limits set through the function's environment; a malformed one fails init."""
        return Limits(
            max_batch_rows=_positive_int(env, "MAX_BATCH_ROWS", DEFAULT_MAX_BATCH_ROWS),
            max_body_bytes=_positive_int(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        )


def _positive_int(env: Env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a positive integer; got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be a positive integer; got {raw!r}")
    return value


class _Repeated(dict[str, Any]):
    """A JSON object that named some key more than once (json keeps the last; named rows must not)."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    repeated = _Repeated(obj)
    repeated.repeated = sorted({k for k, _ in pairs if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
    return repeated


def _has_named_rows(document: JSON) -> bool:
    if not isinstance(document, dict):
        return False
    instances = document.get("instances")
    return isinstance(document.get("features"), dict) or (
        isinstance(instances, list) and dict in set(map(type, instances))
    )


def parse_json(raw: str | bytes) -> JSON:
    """A request body as JSON, or 400 invalid_json. An object that repeats a key remembers which: a body with
    named rows is read again with the hook that notices (a Python call per object, too slow for every body)."""
    try:
        document: JSON = json.loads(raw)
        if _has_named_rows(document):
            document = json.loads(raw, object_pairs_hook=_object)
    except (ValueError, RecursionError):
        raise BadRequest("invalid_json", "the body is not valid JSON") from None
    return document


def _listed(names: list[str], most: int = 5) -> str:
    """A few names, quoted, and how many more."""
    shown = ", ".join(json.dumps(n) for n in names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def _by_name(row: dict[str, Any], where: str, names: list[str] | None, n_features: int) -> list[Any]:
    """A row given by feature name, as a list in the model's order; a 400 naming what is wrong otherwise."""
    if names is None:
        raise BadRequest(
            "features_not_named",
            f"{where} names its features, but this model's features have no names (it was trained on an array "
            f"without column names): send a list of {n_features} numbers in training order",
        )
    repeated = getattr(row, "repeated", None)
    if repeated:
        raise BadRequest("duplicate_features", f"{where} names {_listed(repeated)} more than once")
    missing = [n for n in names if n not in row]
    known = set(names)
    unknown = [k for k in row if k not in known]
    if missing or unknown:
        parts = ([f"lacks {_listed(missing)}"] if missing else []) + (
            [f"has unknown features {_listed(unknown)}"] if unknown else []
        )
        raise BadRequest(
            "missing_features" if missing else "unknown_features",
            f"{where} {' and '.join(parts)}; the model takes {_listed(names)}",
        )
    return [row[n] for n in names]


def _fits_float(value: int) -> bool:
    try:
        float(value)
        return True
    except OverflowError:
        return False


def _fits(value: int | float, dtype: type[np.floating[Any]]) -> bool:
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
        # bool is an int subclass; true/false are not features.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequest("not_numeric", f"{at} must be a number; got {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("not_finite", f"{at} must be finite; got {value}")
        if isinstance(value, int) and not _fits_float(value):
            raise BadRequest("not_finite", f"{at} is too large to be a float")
        if not _fits(value, dtype):
            raise BadRequest("out_of_range", f"{at} is beyond the range of the model's {dtype.__name__} input")


_NUMBER_TYPES = frozenset((int, float))
_LIST_TYPE = {list}


def _all_plain_numbers(rows: list[Any], n_features: int) -> bool:
    """The common case, checked in bulk with C-level map/set: lists of n ints or
    floats (a bool's type is bool, so true/false fail here too)."""
    if set(map(type, rows)) != _LIST_TYPE or set(map(len, rows)) != {n_features}:
        return False
    return set(map(type, chain.from_iterable(rows))) <= _NUMBER_TYPES


def _bulk(rows: list[Any], n_features: int, dtype: type[np.floating[Any]]) -> npt.NDArray[Any] | None:
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
    x = _bulk(rows, n_features, dtype)
    if x is not None:
        return x
    named = [isinstance(row, dict) for row in rows]
    if any(named):
        rows = [
            _by_name(row, where(i), names, n_features) if by else row
            for i, (row, by) in enumerate(zip(rows, named, strict=True))
        ]
        x = _bulk(rows, n_features, dtype)
        if x is not None:
            return x
    for i, row in enumerate(rows):
        _check_row(row, where(i), n_features, dtype, names if named[i] else None)
    raise AssertionError("unreachable: _check_row rejects what the bulk path refused")  # pragma: no cover


def rows_from_document(
    document: JSON,
    n_features: int,
    limits: Limits,
    dtype: type[np.floating[Any]] = np.float64,
    names: list[str] | None = None,
) -> npt.NDArray[Any]:
    """The feature matrix in the model's input type: `features` gives one row, `instances` a batch. A
    row is a list in the model's order, or an object keyed by feature name when the model has `names`."""
    if not isinstance(document, dict):
        raise BadRequest("invalid_request", 'send a JSON object with "features" or "instances"')
    has_features = "features" in document
    has_instances = "instances" in document
    if has_features == has_instances:
        raise BadRequest(
            "invalid_request",
            'send exactly one of "features" (one row) or "instances" (a list of rows)',
        )
    if has_features:
        return matrix_of([document["features"]], n_features, lambda i: "features", dtype, names)
    instances = document["instances"]
    if not isinstance(instances, list) or not instances:
        raise BadRequest("invalid_shape", "instances must be a non-empty list of rows")
    if len(instances) > limits.max_batch_rows:
        raise BadRequest(
            "batch_too_large", f"instances has {len(instances)} rows; at most {limits.max_batch_rows} are allowed"
        )
    return matrix_of(instances, n_features, lambda i: f"instances[{i}]", dtype, names)
