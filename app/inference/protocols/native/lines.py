"""Many rows at once, as output lines: the rows of a Step Functions Distributed Map batch (the item
batch source) and of the local `npm start -- --batch` run, which sends the same events.

Each item is one input row: a CSV line as Step Functions reads it (an object of strings keyed by the
header), or a JSON Lines line (an object keyed by feature name, `{"features": [...]}`, or a list). The
state machine wraps each in `{"index": N, "row": ...}` so every output line says which input row it
answers. Rows go through the validation of a synchronous request (the same checks, the same error
codes and messages, named `row N`), and a bad row costs that row alone: the others are scored, and
every input row has exactly one output line, its prediction or its error. The columns named in
`passthroughColumns` (ids, keys) are copied to the row's line and never reach the model.
"""

from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from ...contract import BATCH_ITEM, BATCH_LINE
from ...errors import RequestError
from ...jsontext import compact
from ...numbers import FLOAT_MAX, all_number_texts, number_text, within
from ...runtimes import Prediction
from ...runtimes.features import BOOLEAN, INTEGER, NUMBER, Feature, Table
from ...types import JSON
from . import cells
from .core import Core, non_finite_rows
from .format import ONE_ROW
from .rows import listed
from .typed import columns_of

# An output line: compact JSON in UTF-8, one per input row (finite: a row whose answer is not is its error).
_encode = compact
_INDEX, _ROW = BATCH_ITEM.index, BATCH_ITEM.row
_ERROR, _MESSAGE = BATCH_LINE.error, BATCH_LINE.message
_NUMBERS = {int, float}
# JSON numbers: finite, and (an integer) within a double's range.
_DOUBLE_MAX = FLOAT_MAX[np.float64]
_STRINGS = {str}


@dataclass(frozen=True, slots=True)
class Scored:
    """A batch's output: JSON Lines text, one line per input row in the input's order."""

    text: str
    rows: int
    errors: int
    first_row: int
    """The index of the batch's first row: the name of its part of the output."""


def _number(cell: Any) -> Any:
    """A CSV cell as a number when it writes one; anything else is left for validation to refuse."""
    if type(cell) is str:
        number = number_text(cell)
        return cell if number is None else number
    return cell


def cell_value(feature: Feature | None, cell: Any) -> Any:
    """A CSV cell as its feature's value, as pandas.read_csv reads it: an empty cell is missing, a number
    or a boolean is read from its text; a string feature keeps its text. Anything else is left as it is
    for validation to refuse, naming it."""
    if type(cell) is not str:
        return cell
    if cell == "":
        return None
    if feature is None or feature.type in (NUMBER, INTEGER):
        return _number(cell)
    if feature.type == BOOLEAN:
        return cells.BOOLEAN_TEXTS.get(cell, cell)
    return cell


def _split(item: JSON, passthrough: tuple[str, ...], table: Table | None) -> tuple[Any, dict[str, JSON]]:
    """(the row the model sees, the passthrough columns of its line) of one item."""
    if not isinstance(item, dict):
        return item, {}
    kept = {c: item.get(c) for c in passthrough}
    if ONE_ROW in item:
        row: Any = item[ONE_ROW]
    else:
        row = {k: v for k, v in item.items() if k not in kept} if passthrough else item
    by_name = {f.name: f for f in table.features} if table is not None and table.named else {}
    if isinstance(row, dict) and table is not None and not table.named and not table.plain:
        row = list(row.values())  # a model that knows only positions takes the columns in the file's order
    if isinstance(row, dict):
        return {k: cell_value(by_name.get(k), v) for k, v in row.items()}, kept
    if isinstance(row, list):
        features: list[Any] = list(table.features) if table is not None else []
        if len(features) != len(row):
            features = [None] * len(row)
        return [cell_value(f, v) for f, v in zip(features, row, strict=True)], kept
    return row, kept


def _unwrap(item: JSON, position: int) -> tuple[int, JSON, dict[str, JSON] | None]:
    """(row index, the row, a reader's error for it) of the ItemSelector's `{"index", "row"}` wrapper, or of
    a bare item (its position in the batch)."""
    index = item.get(_INDEX) if isinstance(item, dict) else None
    if isinstance(item, dict) and isinstance(index, int) and len(item) == 2:
        if _ROW in item:
            return index, item[_ROW], None
        error = item.get(BATCH_ITEM.error)
        if isinstance(error, dict):
            return index, None, error
    return position, item, None


def _non_finite(line: dict[str, JSON]) -> None:
    line[_ERROR] = "non_finite_output"
    line[_MESSAGE] = (
        f"the model's answer for row {line[BATCH_LINE.row]} is not a finite number: "
        "the input is outside what the model can answer"
    )


def column_problem(core: Core, items: list[JSON], passthrough: tuple[str, ...] = ()) -> str | None:
    """What is wrong with the columns every row of the batch has alike (a CSV's header): features it lacks
    or columns the model does not know. Such a batch is refused whole, before anything is scored; None when
    the rows' columns fit, differ from row to row (JSON Lines: each row's own error), or the model knows no
    names. The first row decides whether to look further, so a batch that fits costs one row's check."""
    table = core.model.table
    if table is None or not table.named or not items:
        return None
    first = _unwrap(items[0], 0)[1]
    if not isinstance(first, dict) or ONE_ROW in first:
        return None
    given = set(first) - set(passthrough)
    names = table.names
    missing = [n for n in names if n not in given]
    unknown = sorted(given - set(names))
    if not (missing or unknown):
        return None
    rows = [_unwrap(item, i)[1] for i, item in enumerate(items)]
    if any(not isinstance(row, dict) or row.keys() != first.keys() for row in rows):
        return None
    parts = ([f"lack {listed(missing)}"] if missing else []) + (
        [f"have unknown columns {listed(unknown)}"] if unknown else []
    )
    return f"the rows' columns {' and '.join(parts)}; the model takes {listed(names)}"


def score(core: Core, items: list[JSON], passthrough: tuple[str, ...] = ()) -> Scored:
    """One output line per item, in the items' order: the columnar path when every row is a well-formed
    object of the same columns (a CSV's rows) or a list, else row by row."""
    first = _unwrap(items[0], 0)[0] if items else 0
    fast = _columnar(core, items, passthrough)
    if fast is not None:
        return Scored("".join(fast), len(fast), 0, first)
    lines = score_rows(core, items, passthrough)
    errors = sum(1 for line in lines if _ERROR in line)
    return Scored("".join([_encode(line) + "\n" for line in lines]), len(lines), errors, first)


def score_rows(core: Core, items: list[JSON], passthrough: tuple[str, ...] = ()) -> list[dict[str, JSON]]:
    """Row by row: each item's line as a document, a bad row getting its own error."""
    model = core.model
    lines: list[dict[str, JSON]] = []
    rows: list[Any] = []
    where: list[str] = []
    slots: list[int] = []  # for each row to score, its line
    for position, item in enumerate(items):
        index, raw, error = _unwrap(item, position)
        row, kept = _split(raw, passthrough, model.table)
        line: dict[str, JSON] = {BATCH_LINE.row: index, **kept}
        lines.append(line)
        if error is not None:
            line[_ERROR], line[_MESSAGE] = error.get("code"), error.get("message")
        elif not model.tabular:
            refusal = core.not_tabular()
            line[_ERROR], line[_MESSAGE] = refusal.code, refusal.message
        else:
            rows.append(row)
            where.append(f"row {index}")
            slots.append(len(lines) - 1)
    if not rows:
        return lines
    if model.table is not None and not model.table.plain:
        prediction, valid = _typed(core, rows, where, lines, slots)
    else:
        # A model without feature names takes the columns in the file's order: the first row's names them.
        names = model.feature_names or next((list(r) for r in rows if isinstance(r, dict)), None)
        matrix, valid = _validated(core, rows, where, lines, slots, names=names)
        prediction = model.predict(matrix) if valid else None
    if prediction is not None:
        _answer(lines, valid, prediction)
    return lines


def _answer(lines: list[dict[str, JSON]], valid: list[int], prediction: Prediction) -> None:
    """Each scored row's prediction (and probabilities) on its line; a non-finite answer is its error."""
    bad = non_finite_rows(prediction)
    predictions = prediction.predictions.tolist()
    probabilities = prediction.probabilities.tolist() if prediction.probabilities is not None else None
    for k, slot in enumerate(valid):
        line = lines[slot]
        if bad is not None and bad[k]:
            _non_finite(line)
            continue
        line[BATCH_LINE.prediction] = predictions[k]
        if probabilities is not None:
            line[BATCH_LINE.probabilities] = probabilities[k]


def _validated(
    core: Core,
    rows: list[Any],
    where: list[str],
    lines: list[dict[str, JSON]],
    slots: list[int],
    *,
    names: list[str] | None,
) -> tuple[Any, list[int]]:
    """The matrix of the rows that pass validation and the lines they answer; the others get their error.
    The whole batch is checked at once first; only a batch with a bad row is checked row by row."""
    model = core.model
    try:
        return core.matrix(rows, where.__getitem__, names), slots
    except RequestError:
        pass
    parts, valid = [], []
    for row, label, slot in zip(rows, where, slots, strict=True):
        try:
            parts.append(core.matrix([row], [label].__getitem__, names))
            valid.append(slot)
        except RequestError as e:
            lines[slot][_ERROR], lines[slot][_MESSAGE] = e.code, e.message
    matrix = np.concatenate(parts) if parts else np.empty((0, model.n_features), dtype=model.input_dtype)
    return matrix, valid


def _typed(
    core: Core, rows: list[Any], where: list[str], lines: list[dict[str, JSON]], slots: list[int]
) -> tuple[Prediction | None, list[int]]:
    """The answer to the rows of a typed model that pass, and the lines they answer; the others get their
    error. The whole batch is checked at once first; only a batch with a bad row is checked row by row."""
    model = core.model
    table = model.table
    assert table is not None
    try:
        columns = columns_of(rows, where.__getitem__, table, model.input_dtype, core.limits.max_text_chars)
        return model.predict_columns(columns), slots
    except RequestError:
        pass
    columns = [[] for _ in table.features]
    valid = []
    for row, label, slot in zip(rows, where, slots, strict=True):
        try:
            one = columns_of([row], [label].__getitem__, table, model.input_dtype, core.limits.max_text_chars)
        except RequestError as e:
            lines[slot][_ERROR], lines[slot][_MESSAGE] = e.code, e.message
            continue
        for column, values in zip(columns, one, strict=True):
            column.extend(values)
        valid.append(slot)
    return (model.predict_columns(columns) if valid else None), valid


def _unwrapped(items: list[Any]) -> tuple[list[int], list[JSON]] | None:
    """(indexes, rows) when every item is the ItemSelector's `{"index": int, "row": ...}`."""
    if not items or set(map(type, items)) != {dict} or set(map(len, items)) != {2}:
        return None
    try:
        indexes = list(map(itemgetter(_INDEX), items))
        rows = list(map(itemgetter(_ROW), items))
    except KeyError:
        return None
    return (indexes, rows) if set(map(type, indexes)) == {int} else None


def _vectors(values: list[list[Any]]) -> list[str] | None:
    """Each row's vector as JSON text: flat vectors of numbers (embeddings) from one call, split; None (the row
    path) when one holds NaN or infinity."""
    cells = list(chain.from_iterable(values))
    if not set(map(type, cells)) <= _NUMBERS:
        return list(map(_encode, values))  # nested or mixed values, each encoded as it is
    if not within(cells, _DOUBLE_MAX):
        return None
    text = _encode(values)[2:-2]
    return [f"[{vector}]" for vector in text.split("],[")] if values else []


def _json_column(values: list[Any]) -> list[str] | None:
    """Each value as JSON text: strings and numbers at C speed, anything else (or NaN) left to the row path."""
    kinds = set(map(type, values))
    if kinds <= _STRINGS:
        return list(map(encode_basestring, values))  # escaped as orjson escapes them, one C call each
    if kinds <= _NUMBERS:
        if not values:
            return []
        return _encode(values)[1:-1].split(",") if within(values, _DOUBLE_MAX) else None
    if kinds == {list}:  # a vector per row (an embedding)
        return _vectors(values)
    return _labels(values) if len(kinds) == 1 else None


def _labels(values: list[Any]) -> list[str] | None:
    """A few distinct labels (of any JSON type), each encoded once; None for many, or for unhashable ones."""
    try:
        distinct = set(values)
        if len(distinct) > 64:
            return None
        memo = {v: _encode(v) for v in distinct}
    except (TypeError, ValueError):
        return None
    return list(map(memo.__getitem__, values))


def _cells(model: Any, rows: list[Any], passthrough: tuple[str, ...]) -> tuple[list[Any], list[list[Any]]] | None:
    """(the feature values of each row in the model's order, the passthrough columns) of rows that are all
    objects of exactly the same columns; None otherwise."""
    if set(map(type, rows)) != {dict} or len(set(map(len, rows))) != 1:
        return None
    first = rows[0]
    assert isinstance(first, dict)
    columns = model.feature_names or [k for k in first if k not in passthrough]
    if ONE_ROW in first or len(columns) != model.n_features or len(columns) + len(passthrough) != len(first):
        return None
    try:
        values = list(map(itemgetter(*columns), rows))
        kept = [list(map(itemgetter(c), rows)) for c in passthrough]
    except KeyError:
        return None
    return ([(v,) for v in values] if len(columns) == 1 else values), kept


def _plain_cells(values: list[Any]) -> bool:
    """All numbers, or all texts that write numbers strictly (numpy reads a text as float() does: "1_000",
    " 1" and other scripts' digits too)."""
    kinds = set(map(type, chain.from_iterable(values)))
    if kinds <= _NUMBERS:
        return True
    return kinds <= _STRINGS and all_number_texts(chain.from_iterable(values))


def _feature_matrix(core: Core, rows: list[Any], passthrough: tuple[str, ...]) -> tuple[Any, list[list[Any]]] | None:
    """The matrix of rows that are all objects of the same columns (or all lists), every value a number
    (or, from a CSV, a string that reads as one) finite in the model's input type; None on any doubt."""
    model = core.model
    if set(map(type, rows)) == {list} and not passthrough:
        try:
            return core.matrix(rows, str), []
        except RequestError:
            return None
    cells = _cells(model, rows, passthrough)
    if cells is None:
        return None
    values, kept = cells
    if not _plain_cells(values):
        return None
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            matrix: npt.NDArray[Any] = np.array(values, dtype=model.input_dtype)
    except (ValueError, OverflowError):
        return None
    return (matrix, kept) if np.isfinite(matrix).all() else None


def _columnar(core: Core, items: list[Any], passthrough: tuple[str, ...]) -> list[str] | None:
    """The lines of a batch whose rows all pass, built column by column; None to go row by row."""
    model = core.model
    unwrapped = _unwrapped(items)
    if unwrapped is None or model.table is None:
        return None
    indexes, rows = unwrapped
    if not model.table.plain:
        return _typed_columnar(core, indexes, rows, passthrough)
    found = _feature_matrix(core, rows, passthrough)
    if found is None:
        return None
    matrix, kept = found
    return _lines(indexes, kept, passthrough, model.predict(matrix))


def _typed_columnar(core: Core, indexes: list[int], rows: list[Any], passthrough: tuple[str, ...]) -> list[str] | None:
    """A typed model's batch of rows that are objects of the same columns (a CSV's): each feature's column
    read at C speed (protocols/native/cells.py), the model asked once."""
    model = core.model
    table = model.table
    assert table is not None
    if not table.named or set(map(type, rows)) != {dict} or len(set(map(len, rows))) != 1:
        return None
    if len(rows[0]) != len(table.features) + len(passthrough):
        return None
    try:
        values = [list(map(itemgetter(f.name), rows)) for f in table.features]
        kept = [list(map(itemgetter(c), rows)) for c in passthrough]
    except KeyError:
        return None
    columns = [cells.column(f, v, model.input_dtype) for f, v in zip(table.features, values, strict=True)]
    if any(c is None for c in columns):
        return None
    return _lines(indexes, kept, passthrough, model.predict_columns(columns))


def _lines(
    indexes: list[int], kept: list[list[Any]], passthrough: tuple[str, ...], prediction: Prediction
) -> list[str] | None:
    """Each row's line, its columns encoded at C speed; None when a value needs the row path's care."""
    bad = non_finite_rows(prediction)
    if bad is not None and bad.any():
        return None  # the row path names each row the model cannot answer
    columns = [list(map(str, indexes))]
    for values in kept:
        encoded = _json_column(values)
        if encoded is None:
            return None
        columns.append(encoded)
    predictions = _json_column(prediction.predictions.tolist())
    if predictions is None:
        return None
    columns.append(predictions)
    keys = [BATCH_LINE.row, *passthrough, BATCH_LINE.prediction]
    if prediction.probabilities is not None:
        text = _encode(prediction.probabilities.tolist())[2:-2]  # finite: checked above
        columns.append(text.split("],[") if text else [])
        keys.append(BATCH_LINE.probabilities)
    # {"row":{},"id":{},"prediction":{},"probabilities":[{}]}: each key encoded once, braces escaped for format().
    parts = [_encode(k).replace("{", "{{").replace("}", "}}") + ":" for k in keys]
    template = "{{" + ",".join(
        p + ("[{}]" if k == BATCH_LINE.probabilities else "{}") for p, k in zip(parts, keys, strict=True)
    )
    return list(map((template + "}}\n").format, *columns))
