"""What a model declares it takes and gives: tensors with a name, a datatype and a shape, in the
datatypes the Open Inference Protocol names (which every runtime's types map onto). Below both the
runtimes, which declare them, and the protocol's codec, which checks requests against them."""

from functools import cache
from typing import Any, NamedTuple

import numpy as np

from ..types import JSON

DATATYPES: dict[str, np.dtype[Any]] = {
    "BOOL": np.dtype(np.bool_),
    "INT8": np.dtype(np.int8),
    "INT16": np.dtype(np.int16),
    "INT32": np.dtype(np.int32),
    "INT64": np.dtype(np.int64),
    "UINT8": np.dtype(np.uint8),
    "UINT16": np.dtype(np.uint16),
    "UINT32": np.dtype(np.uint32),
    "UINT64": np.dtype(np.uint64),
    "FP16": np.dtype(np.float16),
    "FP32": np.dtype(np.float32),
    "FP64": np.dtype(np.float64),
    "BYTES": np.dtype(np.object_),
}
"""Each protocol datatype and the numpy type that holds it (BYTES: Python str or bytes objects)."""

_BY_KIND_AND_SIZE = {(dt.kind, dt.itemsize): name for name, dt in DATATYPES.items() if name != "BYTES"}


def datatype_of(dtype: np.dtype[Any]) -> str:
    """The protocol datatype of a numpy array's type (strings and objects are BYTES)."""
    if dtype.kind in "OUS":
        return "BYTES"
    name = _BY_KIND_AND_SIZE.get((dtype.kind, dtype.itemsize))
    if name is None:
        raise TypeError(f"no protocol datatype holds {dtype}")
    return name


@cache
def castable(given: str, declared: str) -> bool:
    """True when data of `given` becomes `declared` without loss (INT32 to INT64, FP32 to FP64, ...)."""
    if given == declared:
        return True
    if "BYTES" in (given, declared):
        return False
    return bool(np.can_cast(DATATYPES[given], DATATYPES[declared], casting="safe"))


class TensorSpec(NamedTuple):
    """A tensor the model takes or gives: its name, datatype and shape, -1 for a dimension of any size."""

    name: str
    datatype: str
    shape: tuple[int, ...]

    def metadata(self) -> dict[str, JSON]:
        return {"name": self.name, "datatype": self.datatype, "shape": list(self.shape)}

    def describe(self) -> str:
        return f"{self.datatype} {list(self.shape)}"
