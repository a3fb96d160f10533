"""Many rows at once: a Step Functions Distributed Map batch (the event ItemBatcher sends) and the
local `npm start -- --batch` run, which sends the same events.

Each item is one input row: a CSV line as Step Functions reads it (an object of strings keyed by the
header), or a JSON Lines line (an object keyed by feature name, `{"features": [...]}`, or a list). The
state machine wraps each in `{"index": N, "row": ...}` so every output line says which input row it
answers. Rows go through the validation of a synchronous request (the same checks, the same error
codes and messages, named `row N`), and a bad row costs that row alone: the others are scored, and
every input row has exactly one output line, its prediction or its error. The columns named in
`passthroughColumns` (ids, keys) are copied to the row's line and never reach the model.
"""

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .core import Core
from .errors import BadRequest, RequestError
from .lambda_types import JSON
from .s3uri import S3Uri, parse, require_under

# An output line: compact JSON, strict (no NaN), one per input row.
_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
MAX_PASSTHROUGH = 32


@dataclass(frozen=True, slots=True)
class BatchInput:
    """What the state machine tells every batch: where its part of the output goes, which columns pass."""

    output: S3Uri | None
    passthrough: tuple[str, ...]

    @staticmethod
    def of(value: JSON, allowed: S3Uri | None) -> "BatchInput":
        """ItemBatcher's `BatchInput`; `outputUri` must lie under the function's batch output location."""
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise BadRequest("invalid_request", "BatchInput must be an object")
        columns = value.get("passthroughColumns") or []
        if (
            not isinstance(columns, list)
            or len(columns) > MAX_PASSTHROUGH
            or not all(isinstance(c, str) and c for c in columns)
        ):
            raise BadRequest(
                "invalid_request", f"BatchInput.passthroughColumns must be a list of at most {MAX_PASSTHROUGH} names"
            )
        output = None
        if value.get("outputUri") is not None:
            try:
                output = parse(value["outputUri"], "BatchInput.outputUri")
            except ValueError as e:
                raise BadRequest("invalid_request", str(e)) from None
            require_under(output, (allowed,) if allowed else (), "BatchInput.outputUri")
        return BatchInput(output, tuple(str(c) for c in columns))


def _number(cell: Any) -> Any:
    """A CSV cell as a number when it reads as one; anything else is left for validation to refuse."""
    if type(cell) is str:
        try:
            return float(cell)
        except ValueError:
            return cell
    return cell


def _split(item: JSON, passthrough: tuple[str, ...]) -> tuple[Any, dict[str, JSON]]:
    """(the row the model sees, the passthrough columns of its line) of one item."""
    if not isinstance(item, dict):
        return item, {}
    kept = {c: item.get(c) for c in passthrough}
    if "features" in item:
        row: Any = item["features"]
    else:
        row = {k: v for k, v in item.items() if k not in kept} if passthrough else item
    if isinstance(row, dict):
        return {k: _number(v) for k, v in row.items()}, kept
    if isinstance(row, list):
        return [_number(v) for v in row], kept
    return row, kept


def _unwrap(item: JSON, position: int) -> tuple[int, JSON, dict[str, JSON] | None]:
    """(row index, the row, a reader's error for it) of the ItemSelector's `{"index", "row"}` wrapper, or of
    a bare item (its position in the batch)."""
    index = item.get("index") if isinstance(item, dict) else None
    if isinstance(item, dict) and isinstance(index, int) and len(item) == 2:
        if "row" in item:
            return index, item["row"], None
        error = item.get("error")
        if isinstance(error, dict):
            return index, None, error
    return position, item, None


def _bad_outputs(values: Any) -> Any:
    """A mask of the rows whose answer is not finite (JSON has no NaN)."""
    if values is None or values.dtype.kind not in "fc":
        return None
    return ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)


def score(core: Core, items: list[JSON], passthrough: tuple[str, ...] = ()) -> list[dict[str, JSON]]:
    """One output line (as a document) per item, in the items' order."""
    model = core.model
    lines: list[dict[str, JSON]] = []
    rows: list[Any] = []
    where: list[str] = []
    slots: list[int] = []  # for each row to score, its line
    for position, item in enumerate(items):
        index, raw, error = _unwrap(item, position)
        row, kept = _split(raw, passthrough)
        line: dict[str, JSON] = {"row": index, **kept}
        lines.append(line)
        if error is not None:
            line["error"], line["message"] = error.get("code"), error.get("message")
        elif not model.tabular:
            refusal = core.not_tabular()
            line["error"], line["message"] = refusal.code, refusal.message
        else:
            rows.append(row)
            where.append(f"row {index}")
            slots.append(len(lines) - 1)
    if not rows:
        return lines
    # A model without feature names takes the columns in the file's order: the first row's names them.
    names = model.feature_names or next((list(r) for r in rows if isinstance(r, dict)), None)
    matrix, valid = _validated(core, rows, where, lines, slots, names=names)
    if len(valid):
        prediction = model.predict(matrix)
        bad = _bad_outputs(prediction.probabilities)
        bad_values = _bad_outputs(prediction.predictions)
        if bad_values is not None:
            bad = bad_values if bad is None else bad | bad_values
        predictions = prediction.predictions.tolist()
        probabilities = prediction.probabilities.tolist() if prediction.probabilities is not None else None
        for k, slot in enumerate(valid):
            line = lines[slot]
            if bad is not None and bad[k]:
                line["error"] = "non_finite_output"
                line["message"] = (
                    f"the model's answer for row {line['row']} is not a finite number: "
                    "the input is outside what the model can answer"
                )
                continue
            line["prediction"] = predictions[k]
            if probabilities is not None:
                line["probabilities"] = probabilities[k]
    return lines


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
            lines[slot]["error"], lines[slot]["message"] = e.code, e.message
    matrix = np.concatenate(parts) if parts else np.empty((0, model.n_features), dtype=model.input_dtype)
    return matrix, valid


def encode_lines(lines: list[dict[str, JSON]]) -> bytes:
    """JSON Lines: one compact line per row."""
    return "".join([_encode(line) + "\n" for line in lines]).encode()
