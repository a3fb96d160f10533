"""Tensors as the Open Inference Protocol carries them: the datatypes, a request's inputs read from JSON
or from the binary tensor data extension and checked against what the model declares, and the outputs
written back either way.

Binary data is little-endian, row-major, without padding; a BOOL is one byte (0 or 1); a BYTES element
is a 4-byte little-endian length and its bytes. Every malformed input is a 400 naming the input and
what the model declares; nothing of the data goes into a message.
"""

import struct
from dataclasses import dataclass
from math import prod
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from ...errors import BadRequest
from ...numbers import FLOAT_MAX, SMALL, within
from ...runtimes.spec import DATATYPES, TensorSpec, castable
from ...types import JSON

# The JSON scalars each kind of datatype takes: booleans for BOOL, integers for the integer types, any
# number for the floating types, strings for BYTES. numpy's kind of the parsed data tells them apart.
_JSON_KINDS = {"b": "b", "i": "iu", "u": "iu", "f": "iuf", "O": "U"}


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Tensor:
    """An input as the request gives it: checked for its own consistency, not yet against the model."""

    name: str
    datatype: str
    shape: tuple[int, ...]
    array: npt.NDArray[Any]


_INTEGER = {int}
_TEXT = {str}


MAX_RANK = 32
"""The most dimensions a tensor may have (numpy holds 64; no model takes more than a few)."""


class Bounds(NamedTuple):
    """What one request's tensors may hold, checked from their headers before any data is read."""

    max_elements: int
    """Elements in one input: each takes at least one byte of the body, so the body's limit bounds them."""
    max_rows: int
    """Rows of an input whose first dimension the model leaves open (its batch)."""


def _shape(value: JSON, where: str, max_elements: int) -> tuple[tuple[int, ...], int]:
    """A shape of at most MAX_RANK dimensions, none (and their product) beyond what a request can carry; and
    that product, the count of its values."""
    # type() is exact: a bool is not a dimension.
    dims = cast("list[int]", value) if type(value) is list and set(map(type, value)) <= _INTEGER else None
    if dims is None or (dims and min(dims) < 0):
        raise BadRequest("invalid_tensor", f"{where}.shape must be a list of non-negative integers")
    if len(dims) > MAX_RANK:
        raise BadRequest("invalid_tensor", f"{where}.shape has {len(dims)} dimensions; at most {MAX_RANK} are allowed")
    # Each dimension alone too: a zero beside a huge one holds nothing, yet cannot be shaped.
    count = prod(dims)
    if max(dims, default=0) > max_elements or count > max_elements:
        raise BadRequest(
            "invalid_tensor", f"{where}.shape {dims} holds more values than a request can carry ({max_elements})"
        )
    return tuple(dims), count


def _parameters(value: JSON, where: str) -> dict[str, JSON]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest("invalid_tensor", f"{where}.parameters must be an object")
    return value


def binary_size_of(parameters: dict[str, JSON], where: str) -> int | None:
    """The `binary_data_size` parameter of an input: its data follows the JSON header, this many bytes."""
    size = parameters.get("binary_data_size")
    if size is None:
        return None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BadRequest("invalid_binary", f"{where}.parameters.binary_data_size must be a non-negative integer")
    return size


_NUMBERS = {int, float}


def _from_json(data: JSON, datatype: str, count: int, where: str) -> npt.NDArray[Any]:
    """The data of a JSON input, flat or nested in row-major order, as `datatype`."""
    limit = FLOAT_MAX.get(DATATYPES[datatype].type)
    if limit is not None and type(data) is list and len(data) == count <= SMALL and set(map(type, data)) <= _NUMBERS:
        numbers = cast("list[float]", data)
        if within(numbers, limit):
            # The common case, a few plain numbers in a flat list, each finite in the datatype: no numpy passes.
            return np.asarray(numbers, dtype=DATATYPES[datatype])
    if not isinstance(data, list):
        raise BadRequest("invalid_tensor", f"{where}.data must be a list (flat or nested) of {datatype} values")
    try:
        parsed = np.asarray(data)
    except ValueError:
        raise BadRequest("wrong_data", f"{where}.data is nested unevenly; send it flat in row-major order") from None
    flat = parsed.reshape(-1)
    if flat.size != count:
        raise BadRequest("wrong_data", f"{where}.data has {flat.size} values; its shape holds {count}")
    if count == 0:
        return np.empty(0, dtype=DATATYPES[datatype])
    kinds = _JSON_KINDS[DATATYPES[datatype].kind]
    if flat.dtype.kind not in kinds:
        wanted = {"b": "booleans", "iu": "integers", "iuf": "numbers", "U": "strings"}[kinds]
        raise BadRequest("wrong_data", f"{where}.data must hold {wanted} for datatype {datatype}")
    if datatype == "BYTES":
        return flat.astype(np.object_)
    target = DATATYPES[datatype]
    if target.kind in "iu" and (flat.min() < np.iinfo(target).min or flat.max() > np.iinfo(target).max):
        raise BadRequest("wrong_data", f"{where}.data holds integers outside {datatype}'s range")
    with np.errstate(over="ignore", invalid="ignore"):
        typed = flat.astype(target)
    if target.kind == "f" and not np.isfinite(typed).all():
        raise BadRequest("wrong_data", f"{where}.data holds values {datatype} cannot hold finitely")
    return typed


def _bytes_elements(raw: bytes, count: int, where: str) -> npt.NDArray[Any]:
    """BYTES in binary: each element a 4-byte little-endian length, then that many bytes. The count is checked
    against the bytes sent before anything is allocated for it."""
    if count * 4 > len(raw):
        raise BadRequest(
            "invalid_binary",
            f"{where} declares {count} BYTES elements; its {len(raw)} bytes of data hold at most {len(raw) // 4}",
        )
    out = np.empty(count, dtype=np.object_)
    offset = 0
    for i in range(count):
        if offset + 4 > len(raw):
            raise BadRequest("invalid_binary", f"{where}: binary BYTES data ends before element {i} of {count}")
        (length,) = struct.unpack_from("<I", raw, offset)
        offset += 4
        if offset + length > len(raw):
            raise BadRequest("invalid_binary", f"{where}: binary BYTES element {i} runs past its data")
        out[i] = raw[offset : offset + length]
        offset += length
    if offset != len(raw):
        raise BadRequest("invalid_binary", f"{where}: {len(raw) - offset} bytes follow the last BYTES element")
    return out


def _from_binary(raw: bytes, datatype: str, count: int, where: str) -> npt.NDArray[Any]:
    if datatype == "BYTES":
        return _bytes_elements(raw, count, where)
    dtype = DATATYPES[datatype].newbyteorder("<")
    if len(raw) != count * dtype.itemsize:
        raise BadRequest(
            "invalid_binary",
            f"{where} has {len(raw)} bytes of binary data; {count} {datatype} values take {count * dtype.itemsize}",
        )
    if datatype == "BOOL":
        octets = np.frombuffer(raw, dtype=np.uint8)
        if octets.size and octets.max() > 1:
            raise BadRequest("invalid_binary", f"{where}: a binary BOOL is one byte, 0 or 1")
        return octets.view(np.bool_)
    return np.frombuffer(raw, dtype=dtype)


# Not frozen: one is built per input of every request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Header:
    """An input's JSON header, each field well-formed; its data not read yet."""

    name: str
    datatype: str
    shape: tuple[int, ...]
    count: int
    """The values its shape holds."""
    fields: dict[str, JSON]

    @property
    def where(self) -> str:
        return f"input {self.name!r}"


def _header(item: JSON, i: int, seen: set[str], bounds: Bounds) -> Header:
    # Where the input is, written only for an error: this runs for every input of every request.
    if not isinstance(item, dict):
        raise BadRequest("invalid_tensor", f"inputs[{i}] must be an object with name, shape, datatype and data")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest("invalid_tensor", f"inputs[{i}].name must be a non-empty string")
    where = f"input {name!r}"
    if name in seen:
        raise BadRequest("invalid_tensor", f"{where} is given twice")
    seen.add(name)
    datatype = item.get("datatype")
    if not isinstance(datatype, str) or datatype not in DATATYPES:
        raise BadRequest("invalid_tensor", f"{where}.datatype must be one of {', '.join(DATATYPES)}")
    shape, count = _shape(item.get("shape"), where, bounds.max_elements)
    return Header(name, datatype, shape, count, item)


def _declared(header: Header, declared: dict[str, TensorSpec], bounds: Bounds) -> None:
    """An input the model declares, of a datatype and shape it can take: refused from its header alone,
    before its data is read."""
    spec = declared.get(header.name)
    if spec is None:
        return  # unknown inputs are named with everything the model takes, once all are read
    if header.datatype != spec.datatype and not castable(header.datatype, spec.datatype):
        raise BadRequest("wrong_datatype", f"{header.where} is {header.datatype}; the model declares {spec.describe()}")
    shape = header.shape
    if len(shape) != len(spec.shape) or not all(map(_fits_dimension, shape, spec.shape)):
        raise BadRequest("wrong_shape", f"{header.where} has shape {list(shape)}; the model declares {spec.describe()}")
    if shape and spec.shape[0] == -1 and shape[0] > bounds.max_rows:
        raise BadRequest(
            "batch_too_large", f"{header.where} has {shape[0]} rows; at most {bounds.max_rows} are allowed"
        )
    if header.count == 0:
        raise BadRequest("invalid_tensor", f"{header.where} has shape {list(shape)}, which holds no values")


def _read_input(header: Header, binary: bytes, offset: int) -> tuple[Tensor, int]:
    """One input's data, in JSON or at `offset` of the binary data; the offset past its binary data."""
    datatype, shape, fields, count = header.datatype, header.shape, header.fields, header.count
    where = header.where
    parameters = fields.get("parameters")
    size = None if parameters is None else binary_size_of(_parameters(parameters, where), where)
    if size is None:
        if "data" not in fields:
            raise BadRequest("invalid_tensor", f"{where} has neither data nor parameters.binary_data_size")
        array = _from_json(fields["data"], datatype, count, where)
    else:
        if "data" in fields:
            raise BadRequest("invalid_binary", f"{where} has both data and parameters.binary_data_size")
        if offset + size > len(binary):
            left = len(binary) - offset
            raise BadRequest("invalid_binary", f"{where} declares {size} bytes of binary data; {left} follow the JSON")
        array = _from_binary(binary[offset : offset + size], datatype, count, where)
        offset += size
    return Tensor(header.name, datatype, shape, array.reshape(shape)), offset


def read_inputs(
    document: dict[str, JSON], binary: bytes, bounds: Bounds, declared: dict[str, TensorSpec] | None = None
) -> list[Tensor]:
    """The inputs of an inference request: every header well-formed and within `bounds` (and, given what the
    model declares, of a datatype and shape it takes) before any data is read; each input's data in JSON or in
    `binary` (what follows the JSON header), the binary sizes adding up to exactly what follows."""
    inputs = document.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise BadRequest("invalid_tensor", "inputs must be a non-empty list of tensors")
    seen: set[str] = set()
    headers = [_header(item, i, seen, bounds) for i, item in enumerate(inputs)]
    for header in headers if declared is not None else ():
        _declared(header, declared, bounds)  # type: ignore[arg-type]
    tensors: list[Tensor] = []
    offset = 0
    for header in headers:
        tensor, offset = _read_input(header, binary, offset)
        tensors.append(tensor)
    if offset != len(binary):
        raise BadRequest(
            "invalid_binary",
            f"{len(binary) - offset} bytes follow the JSON header beyond what the inputs' binary_data_size declare",
        )
    return tensors


def plain_feed(document: dict[str, JSON], spec: TensorSpec, bounds: Bounds) -> npt.NDArray[Any] | None:
    """The feed of the commonest request, read in one pass: the only input of a model that takes one, given by
    its name, its declared floating datatype and a shape it takes, and no other field; its data a flat list of at
    most SMALL plain numbers, each finite in that datatype. None for any other request, which read_inputs then
    reads in full (and refuses where it must): this path refuses nothing, so every error comes from one place,
    and a test holds both paths to the same feed."""
    found = _only_input(document.get("inputs"), spec)
    dtype = DATATYPES[spec.datatype]
    limit = FLOAT_MAX.get(dtype.type)
    if found is None or limit is None:
        return None
    shape, data = found
    # Each test only once the ones before it hold: min() needs integers, the product a shape.
    plain = (
        len(shape) == len(spec.shape)
        and set(map(type, shape)) <= _INTEGER
        and (not shape or min(shape) > 0)
        and 0 < len(data) <= SMALL
        and prod(shape) == len(data)
        and all(map(_fits_dimension, shape, spec.shape))
        and not (shape and spec.shape[0] == -1 and shape[0] > bounds.max_rows)
        and set(map(type, data)) <= _NUMBERS
        and within(data, limit)
    )
    return np.asarray(data, dtype=dtype).reshape(shape) if plain else None


def _only_input(inputs: JSON, spec: TensorSpec) -> tuple[list[Any], list[Any]] | None:
    """(shape, data) of a request's only input when it is `spec`'s, in its very datatype, with no other field,
    and both are lists."""
    if type(inputs) is not list or len(inputs) != 1:
        return None
    item = inputs[0]
    if type(item) is not dict or len(item) != 4 or item.get("name") != spec.name:
        return None
    shape, data = item.get("shape"), item.get("data")
    if item.get("datatype") != spec.datatype or type(shape) is not list or type(data) is not list:
        return None
    return shape, data


def feed_for(tensor: Tensor, spec: TensorSpec) -> npt.NDArray[Any]:
    """The input as the model takes it, in the datatype it declares. read_inputs has already checked the
    input's header against the declaration (a datatype that casts to it without loss, its rank and fixed
    dimensions), before its data was read."""
    if spec.datatype == "BYTES":
        # ONNX Runtime's string tensors take str; binary BYTES arrive as bytes.
        try:
            return np.vectorize(_text, otypes=[np.object_])(tensor.array) if tensor.array.size else tensor.array
        except UnicodeDecodeError:
            where = f"input {tensor.name!r}"
            raise BadRequest("wrong_data", f"{where}: BYTES elements must be UTF-8 text for this model") from None
    return tensor.array.astype(DATATYPES[spec.datatype], copy=False)


def _fits_dimension(given: int, declared: int) -> bool:
    return declared in (-1, given)


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def json_data(array: npt.NDArray[Any]) -> list[JSON]:
    """A tensor's values, flat in row-major order, as JSON (BYTES as text)."""
    values: list[JSON] = array.reshape(-1).tolist()
    if array.dtype.kind in "OSU" and not set(map(type, values)) <= _TEXT:
        return [_text(v) if isinstance(v, bytes) else str(v) for v in values]
    return values


class _Framed(dict[Any, bytes]):
    """A BYTES element as the binary extension frames it (4-byte little-endian length, then the bytes),
    computed on first sight."""

    def __missing__(self, value: str | bytes) -> bytes:
        encoded = value if isinstance(value, bytes) else str(value).encode("utf-8")
        framed = struct.pack("<I", len(encoded)) + encoded
        self[value] = framed
        return framed


def binary_data(array: npt.NDArray[Any], datatype: str) -> bytes:
    """A tensor's values as the binary extension carries them."""
    if datatype == "BYTES":
        # Each distinct value framed once, then looked up at C speed: labels repeat a few classes.
        return b"".join(map(_Framed().__getitem__, array.reshape(-1).tolist()))
    return np.ascontiguousarray(array, dtype=DATATYPES[datatype].newbyteorder("<")).tobytes()
