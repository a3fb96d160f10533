"""The native request format, declared once: `{"features": row}` (one row) or `{"instances": [row, ...]}`
(a batch), a row being a list of values in the model's order, an object keyed by feature name, or (a text
model's) the text itself. Values are typed by the model's features (number, integer, boolean, string; null
where a feature may be missing).

Everything that writes or checks a native request derives from this module or is tested against it:
the app's own parser (rows.py, hand-written for speed, held to it by tests/vectors/native-requests.json),
the component's smoke-test check (components/signature.ts, held to the same vectors), the local tools'
sample requests (local/start.py) and the OpenAPI document (app/openapi.py, from `request_schema`).
"""

from typing import Any

from ...contract import NATIVE_MANY_ROWS, NATIVE_ONE_ROW
from ...types import JSON

ONE_ROW = NATIVE_ONE_ROW
"""The key of a request that sends one row."""
MANY_ROWS = NATIVE_MANY_ROWS
"""The key of a request that sends a batch of rows."""


def json_type(value: object) -> str:
    """The JSON type of a value, as the caller wrote it: what a message names when a value is the wrong kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def one_row(row: JSON) -> dict[str, JSON]:
    return {ONE_ROW: row}


def many_rows(rows: list[JSON]) -> dict[str, JSON]:
    return {MANY_ROWS: rows}


def rows_of(document: dict[str, Any]) -> list[Any]:
    """The rows of a well-formed request, one or many."""
    return [document[ONE_ROW]] if ONE_ROW in document else list(document[MANY_ROWS])


_JSON_TYPES = {"number": "number", "integer": "integer", "boolean": "boolean", "string": "string"}


def _value_schema(feature: dict[str, Any]) -> dict[str, Any]:
    """One feature's values: its type (null too when it may be missing), its categories when nothing else is taken."""
    kind = _JSON_TYPES[feature["type"]]
    schema: dict[str, Any] = {"type": [kind, "null"] if feature.get("missing") else kind}
    if feature.get("categories_only") and feature.get("categories") is not None:
        schema["enum"] = list(feature["categories"]) + ([None] if feature.get("missing") else [])
    return schema


def _features_of(signature: dict[str, Any]) -> list[dict[str, Any]]:
    """A signature's features (one written before typed features: numbers, never missing)."""
    features = signature.get("features")
    if features is not None:
        return list(features)
    return [{"name": n, "type": "number", "missing": False} for n in signature.get("feature_names") or []]


def _typed_row_schema(signature: dict[str, Any]) -> dict[str, Any]:
    features = _features_of(signature)
    values = [_value_schema(f) for f in features]
    n = len(features)
    listed = {"type": "array", "prefixItems": values, "items": False, "minItems": n, "maxItems": n}
    forms: list[dict[str, Any]] = [listed]
    if not signature.get("feature_names_generated", True):
        forms.append(
            {
                "type": "object",
                "properties": {f["name"]: v for f, v in zip(features, values, strict=True)},
                "required": [f["name"] for f in features],
                "additionalProperties": False,
            }
        )
    if signature.get("layout") == "text":
        forms.insert(0, {"type": "string", "description": "the text itself"})
    return {"oneOf": forms} if len(forms) > 1 else listed


def _row_schema(signature: dict[str, Any] | None) -> dict[str, Any]:
    """A row as a model takes it: any row without a signature; its features, typed, when it has one."""
    number = {"type": "number"}
    if signature is None or signature.get("n_features") is None:
        value = {"type": ["number", "boolean", "string", "null"]}
        return {
            "oneOf": [
                {"type": "array", "items": value, "description": "values in the model's feature order"},
                {
                    "type": "object",
                    "additionalProperties": value,
                    "description": "values by feature name (models fitted on named columns)",
                },
                {"type": "string", "description": "a text (text models)"},
            ]
        }
    if signature.get("features") is not None:
        return _typed_row_schema(signature)
    n = int(signature["n_features"])
    listed = {"type": "array", "items": number, "minItems": n, "maxItems": n}
    if signature.get("feature_names_generated", True):
        return listed
    names = list(signature["feature_names"])
    named = {
        "type": "object",
        "properties": {name: number for name in names},
        "required": names,
        "additionalProperties": False,
    }
    return {"oneOf": [listed, named]}


def request_schema(signature: dict[str, Any] | None = None, max_rows: int | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a native request: of any model without a signature, or of the model its
    signature describes (its feature count and names), with at most `max_rows` instances when given."""
    row = _row_schema(signature)
    instances: dict[str, Any] = {"type": "array", "minItems": 1, "items": row}
    if max_rows is not None:
        instances["maxItems"] = max_rows
    return {
        "description": f'One row ("{ONE_ROW}") or a batch ("{MANY_ROWS}"); exactly one of the two.',
        "oneOf": [
            {"type": "object", "required": [ONE_ROW], "properties": {ONE_ROW: row}},
            {"type": "object", "required": [MANY_ROWS], "properties": {MANY_ROWS: instances}},
        ],
    }
