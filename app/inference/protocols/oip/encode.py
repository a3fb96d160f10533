"""The protocol's answers as text: an inference response written field by field (its shape is our own,
and this runs on every answer), and the binary tensor data extension's framing of a reply."""

import json
from functools import cache
from typing import Any

from ...jsontext import quoted
from ...reply import Reply

# Strict JSON (no NaN: outputs were checked finite), compact; built once rather than per answer.
ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"))
_FLOAT, _INT, _STR = {float}, {int}, {str}
BINARY_CONTENT_TYPE = "application/octet-stream"
JSON_CONTENT_TYPE = "application/json"
HEADER_LENGTH = "inference-header-content-length"


# Nine significant digits write any float32 (and float16) exactly: read back as that type, each is the very
# value the model gave; and writing them costs half of a double's shortest repr.
_SINGLE = {"FP32", "FP16"}


def _values(values: list[Any], datatype: str) -> str:
    """A tensor's flat data as JSON: numpy's tolist gives one Python type throughout, written directly
    (a finite float's repr is its JSON); anything else through the encoder."""
    kinds = set(map(type, values))
    if kinds == _FLOAT:
        return "[" + ",".join(map("%.9g".__mod__ if datatype in _SINGLE else float.__repr__, values)) + "]"
    if kinds == _INT:
        return "[" + ",".join(map(int.__repr__, values)) + "]"
    if kinds == _STR:
        return "[" + ",".join(map(quoted, values)) + "]"
    return ENCODER.encode(values)


@cache
def _head(name: str, version: str, sha256: str) -> tuple[str, str]:
    """The fixed parts of a model's answers, around the request's id."""
    return (
        f'{{"model_name":{quoted(name)},"model_version":{quoted(version)},',
        f'"parameters":{{"model_sha256":{quoted(sha256)}}},"outputs":[',
    )


@cache
def _output_head(name: str, datatype: str) -> str:
    return f'{{"name":{quoted(name)},"datatype":"{datatype}","shape":['


def _answer_text(body: dict[str, Any]) -> str:
    """An inference response as JSON, written field by field: its shape is our own, and this runs on every
    answer (the general encoder walks it at about twice the cost)."""
    outputs = []
    for output in body["outputs"]:
        tail = (
            f',"data":{_values(output["data"], output["datatype"])}}}'
            if "data" in output
            else f',"parameters":{{"binary_data_size":{int(output["parameters"]["binary_data_size"])}}}}}'
        )
        outputs.append(
            f"{_output_head(output['name'], output['datatype'])}{','.join(map(str, output['shape']))}]{tail}"
        )
    start, middle = _head(body["model_name"], body["model_version"], body["parameters"]["model_sha256"])
    request_id = f'"id":{quoted(body["id"])},' if "id" in body else ""
    return f"{start}{request_id}{middle}{','.join(outputs)}]}}"


REPOSITORY_INDEX = "repository_index"
"""The route of POST /v2/repository/index (a function with many models)."""


def encode(reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
    """The body of a protocol reply and its content type: JSON text alone, or the JSON header followed by
    the binary outputs (the header's length then goes in Inference-Header-Content-Length)."""
    if reply.status == 200 and reply.route == "infer":
        text = _answer_text(reply.body)
    elif reply.route == REPOSITORY_INDEX:
        # The repository extension answers a JSON array of the models (the reply holds it under "models").
        text = ENCODER.encode(reply.body["models"])
    else:
        text = ENCODER.encode(reply.body)
    if not reply.binary:
        return text, JSON_CONTENT_TYPE, reply.headers
    header = text.encode()
    headers = {**(reply.headers or {}), "Inference-Header-Content-Length": str(len(header))}
    return header + reply.binary, BINARY_CONTENT_TYPE, headers
