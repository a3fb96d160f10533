"""`npm start -- --batch FILE --out FILE`: a data set scored as the batch transform scores it.

The file (CSV with a header line, or JSON Lines) is read as Step Functions' ItemReader reads it (a
CSV row becomes an object of strings keyed by the header), each row wrapped with its index as the
state machine's ItemSelector does, and grouped into ItemBatcher events of `rows_per_batch` rows and at
most `max_bytes` bytes. Each event goes to a scorer: the function under the Lambda runtime emulator
(what `npm start` runs) or, for the bench, the app in this process. The lines come back in the input's
order and are written to the output as they arrive: the file is streamed, so memory stays flat
whatever its length. A row that cannot be read (a wrong number of cells, a line that is not JSON) gets
its error line like a row the model refuses: every input row has exactly one output line.
"""

import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, count, islice, repeat
from typing import Any, BinaryIO, TextIO

from inference.contract import BATCH_INPUT, BATCH_ITEM

Item = dict[str, Any]
Scorer = Callable[[list[Item], bytes], tuple[str, int]]
"""(the batch's items, the same items as JSON text) -> (its JSON Lines, one per item in order; how many
are errors)."""

DEFAULT_ROWS_PER_BATCH = 500
DEFAULT_MAX_BYTES = 204800
PROGRESS_SECONDS = 0.5
PLAIN_PROGRESS_SECONDS = 5.0
# The state machine's item wrapper and batch input, as the contract names their keys.
INDEX, ROW, ERROR = BATCH_ITEM.index, BATCH_ITEM.row, BATCH_ITEM.error
PASSTHROUGH = BATCH_INPUT.passthrough_columns


class BatchInputError(ValueError):
    """The file as a whole cannot be read (no header, unknown format): one line saying what to fix."""


def format_of(path: str) -> str:
    lowered = path.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise BatchInputError(f"{path}: name it .csv (a header line, then rows) or .jsonl (one JSON row per line)")


class _Counting:
    """A text file whose lines are read at C speed, and how far into its bytes the reading is (the underlying
    file's position: its read-ahead buffer ahead of the lines, near enough for the progress line's ETA)."""

    def __init__(self, f: TextIO, raw: BinaryIO):
        self.f = f
        self.raw = raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.f)

    @property
    def read_bytes(self) -> int:
        return self.raw.tell()


def _error(index: int, code: str, message: str) -> Item:
    return {INDEX: index, ERROR: {"code": code, "message": message}}


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(json.dumps(n) for n in names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def header_problem(header: list[str], columns: list[str], passthrough: tuple[str, ...]) -> str | None:
    """What the header lacks of the model's columns, and what it has that is neither theirs nor passed through."""
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns and h not in passthrough]
    if not (missing or unknown):
        return None
    parts = ([f"lacks {_listed(missing)}"] if missing else []) + (
        [f"has unknown columns {_listed(unknown)} (pass ids and keys with --passthrough)"] if unknown else []
    )
    return f"the header {' and '.join(parts)}; the model takes {_listed(columns)}"


def csv_chunks(
    lines: Iterable[str], path: str, rows: int, columns: list[str] | None = None, passthrough: tuple[str, ...] = ()
) -> Iterator[list[Item]]:
    """The CSV's rows in chunks of `rows` items, each `{"index", "row": {column: cell}}` as the state machine
    wraps them. A chunk whose lines all have the header's width is built at C speed. With the model's
    `columns`, a header that lacks one or has another is refused before any row is read."""
    reader = csv.reader(iter(lines))
    header = next(reader, None)
    if not header or len(set(header)) != len(header) or not all(header):
        raise BatchInputError(f"{path}: the first line must be a header naming each column once")
    problem = header_problem(header, columns, passthrough) if columns is not None else None
    if problem:
        raise BatchInputError(f"{path}: {problem}")
    width = len(header)
    index = 0
    while True:
        # A blank line is not a row.
        chunk = [cells for cells in islice(reader, rows) if cells]
        if not chunk:
            return
        if set(map(len, chunk)) == {width}:
            cells_by_name = map(dict, map(zip, repeat(header), chunk))
            items = [{INDEX: i, ROW: row} for i, row in zip(count(index), cells_by_name)]
        else:
            items = [
                {INDEX: i, ROW: dict(zip(header, cells, strict=True))}
                if len(cells) == width
                else _error(i, "invalid_row", f"row {i} has {len(cells)} cells; the header has {width} columns")
                for i, cells in zip(count(index), chunk)
            ]
        index += len(chunk)
        yield items


def jsonl_chunks(lines: Iterable[str], rows: int) -> Iterator[list[Item]]:
    """The JSON Lines file's rows in chunks of `rows` items; a line that is not JSON gets its error."""
    index = 0
    while True:
        chunk = [line for line in islice(lines, rows) if line.strip()]
        if not chunk:
            return
        items: list[Item] = []
        for line in chunk:
            try:
                items.append({INDEX: index, ROW: json.loads(line)})
            except ValueError:
                items.append(_error(index, "invalid_json", f"row {index} is not a JSON value"))
            index += 1
        yield items


def batches(chunks: Iterator[list[Item]], max_bytes: int | None) -> Iterator[tuple[list[Item], bytes]]:
    """ItemBatcher's grouping of chunks already cut at the rows per batch: each also at most `max_bytes` of
    JSON (a single larger item still makes a batch of one). Without `max_bytes` (the in-process path,
    which sends no JSON), the chunks as they are, and no JSON is written."""
    for chunk in chunks:
        if max_bytes is None:
            yield chunk, b""
            continue
        batch: list[Item] = []
        parts: list[bytes] = []
        size = 0
        for item in chunk:
            encoded = json.dumps(item, separators=(",", ":")).encode()
            if batch and size + len(encoded) + 1 > max_bytes:
                yield batch, b"[" + b",".join(parts) + b"]"
                batch, parts, size = [], [], 0
            batch.append(item)
            parts.append(encoded)
            size += len(encoded) + 1
        if batch:
            yield batch, b"[" + b",".join(parts) + b"]"


@dataclass
class Progress:
    """Rows, rows/s and an ETA: redrawn in place on a terminal, a plain line every few seconds otherwise."""

    total_bytes: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    started: float = field(default_factory=time.perf_counter)
    rows: int = 0
    errors: int = 0
    _last: float = 0.0

    def update(self, rows: int, errors: int, read_bytes: int, *, final: bool = False) -> None:
        self.rows += rows
        self.errors += errors
        now = time.perf_counter()
        tty = self.stream.isatty()
        if not final and now - self._last < (PROGRESS_SECONDS if tty else PLAIN_PROGRESS_SECONDS):
            return
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.rows / elapsed
        done = min(read_bytes / self.total_bytes, 1.0) if self.total_bytes else 1.0
        eta = elapsed * (1 - done) / done if done > 0 else 0.0
        text = f"[batch] {self.rows:,} rows ({self.errors:,} errors)  {rate:,.0f} rows/s  {done:6.1%}  ETA {eta:5.0f} s"
        if tty:
            width = 40
            filled = int(width * done)
            text = f"\r[{'#' * filled}{'.' * (width - filled)}] " + text[len("[batch] ") :]
            self.stream.write(text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


@dataclass
class Summary:
    rows: int
    errors: int
    seconds: float
    first_error: str | None = None
    """The first error line's code and message, when a row failed."""


def first_error(text: str) -> str | None:
    """The code and message of the first error line among a batch's lines."""
    for line in text.splitlines():
        if '"error"' in line:
            found = json.loads(line)
            if "error" in found:
                return f"row {found.get('row')}: {found['error']}: {found.get('message')}"
    return None


def run(
    source: str,
    out: str,
    scorer: Scorer,
    *,
    rows_per_batch: int = DEFAULT_ROWS_PER_BATCH,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    columns: list[str] | None = None,
    passthrough: tuple[str, ...] = (),
) -> Summary:
    """Scores `source` into `out` (JSON Lines), batch by batch. Ctrl-C stops after the lines already
    written, which are whole; the exception goes on to the caller. With the model's `columns` (its feature
    names), a CSV header that does not fit them stops the run before anything is scored."""
    fmt = format_of(source)
    started = time.perf_counter()
    progress = progress or Progress(os.path.getsize(source))
    first: str | None = None
    with open(source, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as f:
        lines = _Counting(f, raw)
        if fmt == "csv":
            chunks = csv_chunks(lines, source, rows_per_batch, columns, passthrough)
        else:
            chunks = jsonl_chunks(lines, rows_per_batch)
        pending = iter(batches(chunks, max_bytes))
        head = next(pending, None)  # the header is checked before the output is opened
        with open(out, "wb") as sink:
            for batch, encoded in chain([head] if head else [], pending):
                text, errors = scorer(batch, encoded)
                answered = text.count("\n")
                if answered != len(batch):
                    raise RuntimeError(f"the function answered {answered} lines for a batch of {len(batch)} rows")
                sink.write(text.encode())
                first = first or (first_error(text) if errors else None)
                progress.update(answered, errors, lines.read_bytes)
        progress.update(0, 0, lines.read_bytes, final=True)
    return Summary(progress.rows, progress.errors, time.perf_counter() - started, first)


def in_process(app: Any, passthrough: tuple[str, ...] = ()) -> Scorer:
    """The app in this process (the bench's path): the batch event straight into its handler."""

    class Context:
        aws_request_id = "local-batch"

    def score(batch: list[Item], _: bytes) -> tuple[str, int]:
        answer = app({"Items": batch, "BatchInput": {PASSTHROUGH: list(passthrough)}}, Context())
        return answer["lines"], answer["errors"]

    return score


def through_emulator(invoke: Callable[[bytes], Any], passthrough: tuple[str, ...] = ()) -> Scorer:
    """The function under the runtime emulator: each batch is one invocation, as each child run makes."""
    batch_input = json.dumps({PASSTHROUGH: list(passthrough)}).encode()

    def score(batch: list[Item], encoded: bytes) -> tuple[str, int]:
        answer = invoke(b'{"Items":' + encoded + b',"BatchInput":' + batch_input + b"}")
        if not isinstance(answer, dict) or not isinstance(answer.get("lines"), str):
            raise RuntimeError(f"the function failed a batch: {json.dumps(answer)[:500]}")
        return answer["lines"], int(answer["errors"])

    return score
