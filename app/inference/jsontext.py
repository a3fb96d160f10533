"""JSON written by hand on the request path (the log line, the protocol's answers)."""

import json


def quoted(text: str) -> str:
    """`text` as a JSON string; ids, codes and names are plain ASCII, so the escaper runs only when it must."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)
