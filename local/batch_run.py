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
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from inference.batch import encode_lines

Item = dict[str, Any]
Scorer = Callable[[list[Item], bytes], list[dict[str, Any]]]
"""(the batch's items, the same items as JSON text) -> one line per item, in order."""

DEFAULT_ROWS_PER_BATCH = 500
DEFAULT_MAX_BYTES = 204800
PROGRESS_SECONDS = 0.5
PLAIN_PROGRESS_SECONDS = 5.0


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
    """A text file that counts the bytes read, for the progress line's ETA."""

    def __init__(self, f: TextIO):
        self.f = f
        self.read_bytes = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.f:
            self.read_bytes += len(line)
            yield line


def _error(index: int, code: str, message: str) -> Item:
    return {"index": index, "error": {"code": code, "message": message}}


def csv_items(lines: _Counting, path: str) -> Iterator[Item]:
    reader = csv.reader(iter(lines))
    header = next(reader, None)
    if not header or len(set(header)) != len(header) or not all(header):
        raise BatchInputError(f"{path}: the first line must be a header naming each column once")
    width = len(header)
    index = 0
    for cells in reader:
        if not cells:
            continue  # a blank line is not a row
        if len(cells) == width:
            yield {"index": index, "row": dict(zip(header, cells, strict=True))}
        else:
            yield _error(index, "invalid_row", f"row {index} has {len(cells)} cells; the header has {width} columns")
        index += 1


def jsonl_items(lines: _Counting) -> Iterator[Item]:
    index = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            yield {"index": index, "row": json.loads(line)}
        except ValueError:
            yield _error(index, "invalid_json", f"row {index} is not a JSON value")
        index += 1


def batches(items: Iterator[Item], rows: int, max_bytes: int | None) -> Iterator[tuple[list[Item], bytes]]:
    """ItemBatcher's grouping: at most `rows` items and `max_bytes` of JSON per batch (a single larger item
    still makes a batch of one). Without `max_bytes` (the in-process path, which sends no JSON), by rows
    alone, and no JSON is written."""
    if max_bytes is None:
        batch_only: list[Item] = []
        for item in items:
            batch_only.append(item)
            if len(batch_only) == rows:
                yield batch_only, b""
                batch_only = []
        if batch_only:
            yield batch_only, b""
        return
    batch: list[Item] = []
    parts: list[bytes] = []
    size = 0
    for item in items:
        encoded = json.dumps(item, separators=(",", ":")).encode()
        if batch and (len(batch) == rows or size + len(encoded) + 1 > max_bytes):
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


def run(
    source: str,
    out: str,
    scorer: Scorer,
    *,
    rows_per_batch: int = DEFAULT_ROWS_PER_BATCH,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> Summary:
    """Scores `source` into `out` (JSON Lines), batch by batch. Ctrl-C stops after the lines already
    written, which are whole; the exception goes on to the caller."""
    fmt = format_of(source)
    started = time.perf_counter()
    progress = progress or Progress(os.path.getsize(source))
    with open(source, newline="", encoding="utf-8") as f, open(out, "wb") as sink:
        lines = _Counting(f)
        items = csv_items(lines, source) if fmt == "csv" else jsonl_items(lines)
        for batch, encoded in batches(items, rows_per_batch, max_bytes):
            answered = scorer(batch, encoded)
            if len(answered) != len(batch):
                raise RuntimeError(f"the function answered {len(answered)} lines for a batch of {len(batch)} rows")
            sink.write(encode_lines(answered))
            progress.update(len(answered), sum(1 for line in answered if "error" in line), lines.read_bytes)
        progress.update(0, 0, lines.read_bytes, final=True)
    return Summary(progress.rows, progress.errors, time.perf_counter() - started)


def in_process(app: Any, passthrough: tuple[str, ...] = ()) -> Scorer:
    """The app in this process (the bench's path): the batch event straight into its handler."""

    class Context:
        aws_request_id = "local-batch"

    def score(batch: list[Item], _: bytes) -> list[dict[str, Any]]:
        answer = app({"Items": batch, "BatchInput": {"passthroughColumns": list(passthrough)}}, Context())
        results: list[dict[str, Any]] = answer["results"]
        return results

    return score


def through_emulator(invoke: Callable[[bytes], Any], passthrough: tuple[str, ...] = ()) -> Scorer:
    """The function under the runtime emulator: each batch is one invocation, as each child run makes."""
    batch_input = json.dumps({"passthroughColumns": list(passthrough)}).encode()

    def score(batch: list[Item], encoded: bytes) -> list[dict[str, Any]]:
        answer = invoke(b'{"Items":' + encoded + b',"BatchInput":' + batch_input + b"}")
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise RuntimeError(f"the function failed a batch: {json.dumps(answer)[:500]}")
        results: list[dict[str, Any]] = answer["results"]
        return results

    return score
