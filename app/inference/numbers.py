"""Checks of numbers on the request path, sized for it: up to SMALL values a Python pass is faster than
numpy's (one ufunc call costs about 1 us), above it numpy is."""

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

SMALL = 64
FLOAT_MAX: dict[type, float] = {
    np.float32: float(np.finfo(np.float32).max),
    np.float64: float(np.finfo(np.float64).max),
}
"""The largest finite value of float32 and float64: what an input of either type can hold."""


def within(values: Iterable[Any], limit: float) -> bool:
    """True when every value is finite and at most `limit` in size (NaN compares false, so it fails);
    a cast of such values to the type `limit` belongs to cannot overflow."""
    return all(map(limit.__ge__, map(abs, values)))


def all_finite(values: npt.NDArray[Any]) -> bool:
    """True when a float array holds no NaN or infinity (any other kind always does)."""
    if values.dtype.kind != "f":
        return True
    if values.size <= SMALL:
        return all(map(math.isfinite, values.ravel().tolist()))
    return bool(np.isfinite(values).all())
