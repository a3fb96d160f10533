"""JSON written by hand on the request path (the log line, the protocol's answers)."""

import json

import orjson


def quoted(text: str) -> str:
    """`text` as a JSON string; ids, codes and names are plain ASCII, so the escaper runs only when it must."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def compact(value: object) -> str:
    """`value` as compact JSON text in UTF-8 (non-ASCII characters as they are, escapes as json writes them),
    at C speed (orjson), for output lines written by the hundred thousand. Floats get the same shortest
    round-trip digits as json's; NaN and infinity become null, so callers check finiteness where it matters.
    An integer beyond 64 bits, which orjson refuses, goes through json."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
