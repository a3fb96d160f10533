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


def parse_json(raw: bytes) -> JSON:
    """A request body as JSON, or 400 invalid_json."""
    try:
        document: JSON = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("invalid_json", "the body is not valid JSON") from None
    return document


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


def _check_row(row: Any, where: str, n_features: int, dtype: type[np.floating[Any]]) -> None:
    if not isinstance(row, list):
        raise BadRequest("invalid_shape", f"{where} must be a list of {n_features} numbers")
    if len(row) != n_features:
        raise BadRequest("wrong_feature_count", f"{where} has {len(row)} values; the model takes exactly {n_features}")
    for j, value in enumerate(row):
        # bool is an int subclass; true/false are not features.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequest("not_numeric", f"{where}[{j}] must be a number; got {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("not_finite", f"{where}[{j}] must be finite; got {value}")
        if isinstance(value, int) and not _fits_float(value):
            raise BadRequest("not_finite", f"{where}[{j}] is too large to be a float")
        if not _fits(value, dtype):
            raise BadRequest("out_of_range", f"{where}[{j}] is beyond the range of the model's {dtype.__name__} input")


_NUMBER_TYPES = frozenset((int, float))
_LIST_TYPE = {list}


def _all_plain_numbers(rows: list[Any], n_features: int) -> bool:
    """The common case, checked in bulk with C-level map/set: lists of n ints or
    floats (a bool's type is bool, so true/false fail here too)."""
    if set(map(type, rows)) != _LIST_TYPE or set(map(len, rows)) != {n_features}:
        return False
    return set(map(type, chain.from_iterable(rows))) <= _NUMBER_TYPES


def _matrix(
    rows: list[Any], n_features: int, where: Callable[[int], str], dtype: type[np.floating[Any]]
) -> npt.NDArray[Any]:
    """Bulk path first (plain numbers, all finite in the model's input type); on
    any doubt, the row-by-row check finds the first offending value and names it."""
    if _all_plain_numbers(rows, n_features):
        try:
            # Straight into the model's type: a value float32 cannot hold becomes inf, caught below.
            with np.errstate(over="ignore"):
                x: npt.NDArray[Any] | None = np.asarray(rows, dtype=dtype)
        except OverflowError:  # an int beyond float range
            x = None
        if x is not None and np.isfinite(x).all():
            return x
    for i, row in enumerate(rows):
        _check_row(row, where(i), n_features, dtype)
    raise AssertionError("unreachable: _check_row rejects what the bulk path refused")  # pragma: no cover


def rows_from_document(
    document: JSON, n_features: int, limits: Limits, dtype: type[np.floating[Any]] = np.float64
) -> npt.NDArray[Any]:
    """The feature matrix in the model's input type: `features` gives one row, `instances` a batch."""
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
        return _matrix([document["features"]], n_features, lambda i: "features", dtype)
    instances = document["instances"]
    if not isinstance(instances, list) or not instances:
        raise BadRequest("invalid_shape", "instances must be a non-empty list of rows")
    if len(instances) > limits.max_batch_rows:
        raise BadRequest(
            "batch_too_large", f"instances has {len(instances)} rows; at most {limits.max_batch_rows} are allowed"
        )
    return _matrix(instances, n_features, lambda i: f"instances[{i}]", dtype)
