"""Data capture: a sampled record of what the model was asked and what it answered, as JSON Lines
partitioned by date (`dt=YYYY-MM-DD/`), for drift checks and retraining.

The request path only decides whether to keep a request (one random draw) and hands the objects it
already holds to a queue: no encoding, no I/O, no request to AWS. A writer thread turns them into
lines and appends them to spool files once the invocation's answer is on its way. In Lambda the
capture extension (capture/extension.py, a separate process in the image) holds each invocation open
until the writer says the invocation's records are on disk, uploads the spool to S3 in batches, and
uploads what is left when the environment shuts down: a frozen environment keeps its spool, a
shutdown flushes it. Locally (`npm start -- --serve --capture DIR`) the spool is the destination.

Only answers the model gave (status 200) are captured, from synchronous requests and queued
messages; a batch transform's rows and lines are in S3 already. Nothing captured is logged.
"""

import contextlib
import fcntl
import json
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from queue import SimpleQueue
from typing import Any

from ..contract import LOG
from ..ids import random_id
from ..logs import log
from ..protocols.oip.tensors import Bounds, json_data, read_inputs
from ..reply import Reply
from ..types import JSON
from .spool import (
    HELLO,
    MAX_SPOOL_BYTES,
    PARTITION,
    RESTORED,
    SOCKET_NAME,
    SPOOL_SUFFIX,
    CaptureSettings,
    spool_bytes,
    spool_lock,
)


def iso_time(seconds: float) -> str:
    """UTC to the millisecond, as Athena's timestamp reads it with from_iso8601_timestamp; its first ten
    characters are the record's partition, the day."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _decoded(document: JSON, binary: bytes, key: str) -> JSON:
    """A protocol document with its binary tensors turned into JSON `data`, as a reader of the capture wants."""
    if not binary or not isinstance(document, dict) or not isinstance(document.get(key), list):
        return document
    # Already read once, within the request's bounds, when the request was answered.
    unbounded = Bounds(max_elements=len(binary) + len(json.dumps(document[key])), max_rows=2**31)
    tensors = read_inputs({"inputs": document[key]}, binary, unbounded)
    items: list[JSON] = [
        {"name": t.name, "datatype": t.datatype, "shape": list(t.shape), "data": json_data(t.array)} for t in tensors
    ]
    return {**{k: v for k, v in document.items() if k != key}, key: items}


class Capture:
    """Keeps sampled requests on the request path; a daemon thread writes them after the answer."""

    def __init__(
        self,
        settings: CaptureSettings,
        model: dict[str, JSON],
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.settings = settings
        self._model = model
        self._threshold = settings.percentage / 100
        # Sampling, not secrecy: the fastest draw (a seeded Random makes a test's sample reproducible).
        self._draw = (rng or random.Random()).random  # noqa: S311
        self._clock = clock
        self._queue: SimpleQueue[Any] = SimpleQueue()
        self._stem = f"{os.getpid()}-{random_id()[:8]}"
        self._lock = spool_lock(settings.spool)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # Never wait on the extension: on managed instances it reads no signals, and a full socket buffer
        # must drop them rather than stop the writer.
        self._socket.setblocking(False)
        self._socket_path = os.path.join(settings.spool, SOCKET_NAME)
        self._kept: list[tuple[str, str, float, Reply]] = []
        self._ended = 0
        self._written = 0
        self._idle = threading.Condition()
        self.dropped = 0
        """Records not written because the spool was full (S3 unreachable for long)."""
        self._reported = 0
        self._signal(HELLO)
        threading.Thread(target=self._run, name="capture-writer", daemon=True).start()

    def keep(self, request_id: str, route: str, reply: Reply) -> None:
        """On the request path: a draw, and a reference to what the request already holds."""
        if reply.status == 200 and reply.request is not None and self._draw() < self._threshold:
            self._kept.append((request_id, route, self._clock(), reply))

    def end(self, request_id: str) -> None:
        """The invocation is answered: its records go to the writer in one hand-over (one thread wake-up),
        and once they are written the extension may let the invocation finish."""
        kept, self._kept = self._kept, []
        self._ended += 1
        self._queue.put((request_id, kept))

    def restored(self) -> None:
        """After a SnapStart restore: a sampler seeded anew (every copy of the snapshot would draw the same
        sequence), spool files of a name of their own, and the extension told to make its S3 client anew."""
        self._draw = random.Random(os.urandom(32)).random  # noqa: S311 - sampling, not secrecy
        self._stem = f"{os.getpid()}-{random_id()[:8]}"
        self._signal(RESTORED)

    def drain(self, timeout: float = 10.0) -> bool:
        """Waits until every ended invocation's records are written (tests, local runs, the bench)."""
        ended = self._ended
        with self._idle:
            return self._idle.wait_for(lambda: self._written >= ended, timeout)

    # The writer thread.

    def record(self, request_id: str, route: str, when: str, reply: Reply) -> str:
        """One JSON line: the request's identity, the model's, and what was asked and answered."""
        record: dict[str, JSON] = {
            "eventId": random_id(),
            "requestId": request_id,
            "time": when,
            "route": route,
            # A function with many models: the model the reply names (its sha256 is in the answer's `model`).
            "model": self._model if reply.model is None else {**self._model, "name": reply.model},
        }
        if self.settings.inputs:
            record["input"] = _decoded(reply.request, reply.request_binary, "inputs")
        if self.settings.outputs:
            record["output"] = _decoded(reply.body, reply.binary, "outputs")
        return json.dumps(record, separators=(",", ":"), allow_nan=False, default=_plain)

    def _run(self) -> None:
        while True:
            request_id, kept = self._queue.get()
            lines: dict[str, list[str]] = {}
            for kept_id, route, at, reply in kept:
                when = iso_time(at)
                try:
                    line = self.record(kept_id, route, when, reply)
                except Exception as e:  # noqa: BLE001 - a record that cannot be encoded must not stop the writer
                    log("WARN", LOG.capture_failed, requestId=kept_id, reason="encode", errorType=type(e).__name__)
                    continue
                lines.setdefault(when[:10], []).append(line)
            try:
                self._write(lines)
            except OSError as e:
                log("WARN", LOG.capture_failed, requestId=request_id, reason="spool", errorType=type(e).__name__)
            self._signal(request_id)
            with self._idle:
                self._written += 1
                self._idle.notify_all()

    def take_dropped(self) -> int:
        """Records dropped since the last call (the observer publishes them as a metric)."""
        dropped, self._reported = self.dropped - self._reported, self.dropped
        return dropped

    def _write(self, lines: dict[str, list[str]]) -> None:
        if not lines:
            return
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            # The whole spool's size, files taken for upload included: its cap holds however often they are.
            size = spool_bytes(self.settings.spool)
            for day, day_lines in lines.items():
                text = ("\n".join(day_lines) + "\n").encode()
                if size + len(text) > MAX_SPOOL_BYTES:
                    self.dropped += len(day_lines)
                    continue
                size += len(text)
                folder = os.path.join(self.settings.spool, f"{PARTITION}={day}")
                os.makedirs(folder, exist_ok=True)
                path = os.path.join(folder, self._stem + SPOOL_SUFFIX)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, text)
                finally:
                    os.close(fd)
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    def _signal(self, message: str) -> None:
        # No extension listening (a local run) is not an error: the spool is the destination then.
        with contextlib.suppress(OSError):
            self._socket.sendto(message.encode(), self._socket_path)


def _plain(value: object) -> JSON:
    """numpy scalars and arrays that reached a body (the sklearn runtime's labels, say) as JSON."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        result: JSON = tolist()
        return result
    return str(value)
