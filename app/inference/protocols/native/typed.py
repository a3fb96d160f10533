"""Rows of a model whose features are typed (runtimes/features.py): strings, integers, booleans and numbers,
values that may be missing (null), and a text model's rows that are the text itself. Each row is checked
against the features and the values are gathered column by column, as the model's runtime takes them; a
value that does not fit is a 400 naming it (`instances[2].plan`), its type and what the model expects."""

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from ...errors import BadRequest
from ...runtimes.features import BOOLEAN, INTEGER, NUMBER, Feature, Table
from ...types import JSON
from .format import json_type
from .rows import by_name, fits, listed, missing_value, number

_INT64 = (-(2**63), 2**63 - 1)


def _integer(value: Any, at: str, dtype: type[np.floating[Any]]) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        got = value if isinstance(value, float) else json_type(value)
        raise BadRequest("wrong_type", f"{at} must be an integer; got {got}")
    if not _INT64[0] <= value <= _INT64[1] or not fits(value, dtype):
        raise BadRequest("out_of_range", f"{at} is beyond the range of the model's input")
    return value


def _string(value: Any, at: str, feature: Feature) -> str:
    if not isinstance(value, str):
        raise BadRequest("wrong_type", f"{at} must be a string; got {json_type(value)}")
    if feature.categories_only and feature.categories is not None and value not in feature.categories:
        known = listed(list(feature.categories))
        raise BadRequest(
            "unknown_category", f"{at} is {json.dumps(value)}, which the model was not trained on; it knows {known}"
        )
    return value


def value_of(feature: Feature, value: Any, at: str, dtype: type[np.floating[Any]]) -> Any:
    """The value as the model takes it (None when missing), or a 400 naming `at`."""
    if value is None:
        if feature.missing:
            return None
        raise missing_value(at, feature.type)
    if feature.type == NUMBER:
        return number(value, at, dtype)
    if feature.type == INTEGER:
        return _integer(value, at, dtype)
    if feature.type == BOOLEAN:
        if not isinstance(value, bool):
            raise BadRequest("wrong_type", f"{at} must be true or false; got {json_type(value)}")
        return value
    return _string(value, at, feature)


def _shape_hint(table: Table) -> str:
    n = len(table.features)
    if table.text is not None:
        return "a text"
    return f"a list of {n} values" + (" or an object of them by name" if table.named else "")


def row_values(row: JSON, where: str, table: Table) -> tuple[list[Any], list[str]]:
    """(the row's values in the features' order, where each is) of a row given by name, as a list, or (a
    text model's) as the text itself."""
    if isinstance(row, dict):
        values = by_name(row, where, table.names if table.named else None, len(table.features))
        return values, [f"{where}.{f.name}" for f in table.features]
    if isinstance(row, str) and table.text is not None:
        return [row], [where]
    if not isinstance(row, list):
        raise BadRequest("invalid_shape", f"{where} must be {_shape_hint(table)}")
    if len(row) != len(table.features):
        raise BadRequest(
            "wrong_feature_count", f"{where} has {len(row)} values; the model takes exactly {len(table.features)}"
        )
    return row, [f"{where}[{j}]" for j in range(len(row))]


def _text(value: Any, at: str, max_chars: int) -> None:
    """A text model's text: not empty, and within MAX_TEXT_CHARS."""
    if value == "":
        raise BadRequest("empty_text", f"{at} is an empty text: send the text to answer")
    if isinstance(value, str) and len(value) > max_chars:
        raise BadRequest(
            "text_too_long", f"{at} has {len(value)} characters; at most MAX_TEXT_CHARS ({max_chars}) are allowed"
        )


def columns_of(
    rows: list[JSON],
    where: Callable[[int], str],
    table: Table,
    dtype: type[np.floating[Any]],
    max_chars: int | None = None,
) -> list[list[Any]]:
    """Every row checked, its values gathered one list per feature (None: missing); a text model's texts also
    against `max_chars`."""
    columns: list[list[Any]] = [[] for _ in table.features]
    features = table.features
    text = max_chars is not None and table.text is not None
    for i, row in enumerate(rows):
        values, places = row_values(row, where(i), table)
        for column, feature, value, at in zip(columns, features, values, places, strict=True):
            column.append(value_of(feature, value, at, dtype))
            if text:
                _text(value, at, max_chars)  # type: ignore[arg-type]
    return columns
