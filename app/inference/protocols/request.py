"""A request as every protocol sees it, whatever carried it: a method, a path, headers and a body
that is read (base64-decoded when its carrier says so, refused above the limit) only when the
protocol asks for it. The HTTP source builds one from its event; nothing here knows an event's shape.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from ..contract import NATIVE_MANY_ROWS, NATIVE_ONE_ROW
from ..errors import BadRequest, MethodNotAllowed
from ..types import JSON


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
    # Only the native format's named rows can repeat a key that matters.
    instances = document.get(NATIVE_MANY_ROWS)
    return isinstance(document.get(NATIVE_ONE_ROW), dict) or (
        isinstance(instances, list) and dict in set(map(type, instances))
    )


# Nineteen digits in a row may be an integer beyond 64 bits, which orjson reads as a float: json reads it whole.
_LONG_DIGITS_TEXT, _LONG_DIGITS = re.compile(r"[0-9]{19}"), re.compile(rb"[0-9]{19}")


def _loads(raw: str | bytes) -> JSON:
    """json.loads's very result, at C speed where that is certain: orjson reads a body five times as fast, and
    agrees with json wherever it accepts one, but for integers beyond 64 bits (read as floats; such a body is
    read by json). What orjson refuses (NaN and infinities, lone surrogates, a byte-order mark, deep nesting,
    text that is not JSON) json reads or refuses in its own way, so every body gets json's answer."""
    long_digits = _LONG_DIGITS_TEXT.search(raw) if isinstance(raw, str) else _LONG_DIGITS.search(raw)
    if long_digits is None:
        try:
            document: JSON = orjson.loads(raw)
            return document
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)  # type: ignore[no-any-return]


def parse_json(raw: str | bytes) -> JSON:
    """A request body as JSON, or 400 invalid_json. An object that repeats a key remembers which: a body with
    named rows is read again with the hook that notices (a Python call per object, too slow for every body)."""
    try:
        document = _loads(raw)
        if _has_named_rows(document):
            document = json.loads(raw, object_pairs_hook=_object)
    except (ValueError, RecursionError):
        raise BadRequest("invalid_json", "the body is not valid JSON") from None
    return document


def repeated_keys(row: object) -> list[str]:
    """The keys a JSON object named more than once (parse_json remembers them), else none."""
    return list(getattr(row, "repeated", None) or [])


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Request:
    """An HTTP request, whatever event sent it."""

    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names; the last value of a repeated header."""
    body: JSON
    """As the event carries it: a string when well-formed, checked when read."""
    base64: bool

    def raw(self, max_bytes: int) -> bytes:
        """The body, decoded from base64 when the event says so, refused when missing or above `max_bytes`."""
        body = self.body
        if body is None or body == "":
            raise BadRequest("missing_body", "the request has no body; send a JSON document")
        if not isinstance(body, str):
            raise BadRequest("invalid_body", "the request body must be a string")
        # Checked before decoding, so an oversized body costs nothing more.
        if len(body) > max_bytes * 4 // 3 + 4:
            raise BadRequest("body_too_large", f"the body exceeds {max_bytes} bytes")
        if self.base64:
            try:
                raw = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise BadRequest("invalid_body", "the body is marked base64 but is not valid base64") from None
        else:
            raw = body.encode("utf-8", "surrogatepass")
        if len(raw) > max_bytes:
            raise BadRequest("body_too_large", f"the body exceeds {max_bytes} bytes")
        return raw

    def json(self, max_bytes: int) -> JSON:
        """The body as JSON, within `max_bytes`. A text body short enough that even four bytes a character
        stay within the limit is parsed as it is, without a round trip through bytes."""
        body = self.body
        if not self.base64 and type(body) is str and body and len(body) * 4 <= max_bytes:
            return parse_json(body)
        return parse_json(self.raw(max_bytes))

    def document(self, max_bytes: int) -> JSON:
        """The JSON document a POST carries, within the limit."""
        if self.method != "POST":
            raise MethodNotAllowed("method_not_allowed", f"use POST with a JSON body; got {self.method or 'no method'}")
        return self.json(max_bytes)
