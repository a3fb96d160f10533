"""Checks of numbers on the request path, sized for it: up to SMALL values a Python pass is faster than
numpy's (one ufunc call costs about 1 us), above it numpy is."""

import math
import re
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


# A number as a CSV cell may write it: ASCII digits, an optional sign, point and exponent; not "1_000",
# padded, other scripts' digits, "nan" or "inf", all of which float() reads.
_NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
NUMBER_TEXT = re.compile(_NUMBER)
_NUMBER_LINES = re.compile(f"(?:{_NUMBER}\n)*")


def number_text(cell: str) -> float | None:
    """The number a text cell writes, or None when it writes none (strictly: see _NUMBER)."""
    return float(cell) if NUMBER_TEXT.fullmatch(cell) else None


def all_number_texts(cells: Iterable[str]) -> bool:
    """True when every cell writes a number, checked in one pass of a compiled pattern (a column at C speed)."""
    return _NUMBER_LINES.fullmatch("\n".join(cells) + "\n") is not None
