"""What data capture's extension does once registered (capture/extension.py registers it): it hears
which invocations' records are written, holds each invocation open until they are, and delivers the
spool to S3.

Registered for INVOKE, the extension asks for the next event only after the function's writer said
"this invocation's records are on disk" (a datagram on the spool's socket), so the answer goes out first
and nothing accepted is left in memory at a freeze. Registered for SHUTDOWN, it uploads what the spool
still holds when the environment ends (Lambda gives extensions up to 2 s). In between it uploads in
batches: once the spool holds `MAX_OBJECT_BYTES`, or records have waited `CAPTURE_MAX_SECONDS`, one S3
PUT per file.

On Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set) environments are never frozen and take many
requests at once: the extension is registered for SHUTDOWN only and uploads on a timer.
"""

import fcntl
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..contract import LAMBDA_ENV, LOG
from ..errors import ConfigError
from ..ids import random_id
from ..logs import log
from ..storage.s3 import S3Client, S3Failure
from ..storage.s3uri import S3Uri
from ..types import Env
from .spool import HELLO, PARTITION, RESTORED, SPOOL_SUFFIX, CaptureSettings, spool_lock

if TYPE_CHECKING:
    from .extension import ExtensionsApi

UPLOADING = ".upload"
"""A spool file taken for upload: the writer never appends to it again; it is deleted once S3 has it."""
MAX_OBJECT_BYTES = 8 * 1024 * 1024
UPLOAD_SECONDS = 1.0
"""How long an invocation's uploads may take (the extension holds the invocation open while it uploads)."""
MAX_BACKOFF_SECONDS = 300.0
"""The longest the extension waits before trying S3 again after it refused a round of uploads."""
SHUTDOWN_MARGIN_SECONDS = 0.2
JSON_LINES = "application/jsonlines"
FUNCTION_VERSION, MAX_CONCURRENCY = LAMBDA_ENV.function_version, LAMBDA_ENV.max_concurrency


class Signals:
    """The spool's socket: which invocations' records are written, and whether a writer is alive. The
    writer may say so before the extension hears of the invocation (a quick answer): what arrived early
    is kept, the newest `KEPT_SIGNALS` of it."""

    KEPT_SIGNALS = 64

    def __init__(self, listener: socket.socket):
        self.socket = listener
        self.writer_alive = False
        self.restored = False
        """The writer said its environment was restored from a SnapStart snapshot (not yet acted on)."""
        self._written: dict[str, None] = {}

    def _receive(self, timeout: float | None) -> bool:
        self.socket.settimeout(timeout)
        try:
            message = self.socket.recv(512).decode()
        except (TimeoutError, BlockingIOError):
            return False
        if message == HELLO:
            self.writer_alive = True
        elif message == RESTORED:
            self.writer_alive = self.restored = True
        else:
            self._written[message] = None
            while len(self._written) > self.KEPT_SIGNALS:
                del self._written[next(iter(self._written))]
        return True

    def drain(self) -> None:
        """Reads what is waiting: a writer's hello, invocations whose records are written."""
        while self._receive(0):
            pass

    def wait_for(self, request_id: str, deadline: float) -> bool:
        """Until the writer says the invocation's records are written, or the invocation's deadline (a
        function that timed out is reset, and the shutdown uploads what it wrote). Without a writer (the
        function failed its init) there is nothing to wait for."""
        self.drain()
        while self.writer_alive:
            if request_id in self._written:
                del self._written[request_id]
                return True
            remaining = deadline - time.time()
            if remaining <= 0:
                return False
            self._receive(remaining)
        return False


@dataclass
class Uploader:
    """Takes whole spool files under the spool's lock and puts each as one object under the destination,
    in the date partition it was written in: `<prefix>dt=YYYY-MM-DD/<version>-<writer>-<id>.jsonl`."""

    spool: str
    destination: S3Uri
    storage: S3Client
    version: str
    max_seconds: float
    clock: Callable[[], float] = time.time
    _waiting_since: float | None = None
    _retry_at: float = 0.0
    _backoff: float = 0.0

    def __post_init__(self) -> None:
        self._lock = spool_lock(self.spool)
        self._busy = threading.Lock()

    def _files(self, *suffixes: str) -> list[str]:
        found = []
        for folder in sorted(os.listdir(self.spool)):
            path = os.path.join(self.spool, folder)
            if not folder.startswith(f"{PARTITION}=") or not os.path.isdir(path):
                continue
            found += [os.path.join(folder, name) for name in sorted(os.listdir(path)) if name.endswith(suffixes)]
        return found

    def pending_bytes(self) -> int:
        files = self._files(SPOOL_SUFFIX, UPLOADING)
        return sum(os.path.getsize(os.path.join(self.spool, f)) for f in files)

    def take(self) -> list[str]:
        """Every spool file, renamed so no writer appends to it again, with an id of its own (a file a failed
        upload left keeps its id, so a retry puts the same object): `<writer>.<id>.upload`."""
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            for name in self._files(SPOOL_SUFFIX):
                taken = f"{name.removesuffix(SPOOL_SUFFIX)}.{random_id()[:8]}{UPLOADING}"
                os.rename(os.path.join(self.spool, name), os.path.join(self.spool, taken))
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
        return self._files(UPLOADING)

    def after_invoke(self) -> None:
        """Uploads when the spool is large enough for an object, or its oldest records waited long enough, and
        S3 is not being waited out after a refusal; within UPLOAD_SECONDS, since the invocation is held open."""
        size = self.pending_bytes()
        if size == 0:
            self._waiting_since = None
            return
        now = self.clock()
        if self._waiting_since is None:
            self._waiting_since = now
        due = size >= MAX_OBJECT_BYTES or now - self._waiting_since >= self.max_seconds
        if due and now >= self._retry_at:
            self.upload_all(time.perf_counter() + UPLOAD_SECONDS)

    def upload_all(self, deadline: float | None = None) -> int:
        """Puts spool files until `deadline`; returns how many are left (S3 refused, or the deadline came). A
        round S3 refused makes the next wait, twice as long each time up to MAX_BACKOFF_SECONDS: one line
        says so, not one per file."""
        with self._busy:
            taken = self.take()
            refused: list[str] = []
            for i, name in enumerate(taken):
                if deadline is not None and time.perf_counter() >= deadline:
                    return len(taken) - i + len(refused)
                code = self._put(name, deadline)
                if code is not None:
                    refused.append(code)
            self._settle(refused, len(taken))
            return len(refused)

    def _put(self, name: str, deadline: float | None) -> str | None:
        """One spool file as one object, deleted once S3 has it; S3's error code when it was refused."""
        folder, file = os.path.split(name)
        writer, _, upload_id = file.removesuffix(UPLOADING).rpartition(".")
        target = self.destination.join(f"{folder}/{self.version}-{writer}-{upload_id}{SPOOL_SUFFIX}")
        path = os.path.join(self.spool, name)
        with open(path, "rb") as f:
            data = f.read()
        try:
            self.storage.write(target.bucket, target.key, data, JSON_LINES, deadline=deadline)
        except S3Failure as e:
            return e.code
        os.unlink(path)
        return None

    def _settle(self, refused: list[str], files: int) -> None:
        if not refused:
            self._waiting_since = None
            self._backoff = 0.0
            return
        self._backoff = min(max(self._backoff * 2, 1.0), MAX_BACKOFF_SECONDS)
        self._retry_at = self.clock() + self._backoff
        log("WARN", LOG.capture_failed, reason="upload", error=refused[0], filesLeft=len(refused), files=files,
            retryInSeconds=self._backoff)  # fmt: skip


def _perf_deadline(deadline_ms: object, margin: float) -> float | None:
    """An event's deadline (epoch ms) as a time.perf_counter() value, less a margin."""
    if not isinstance(deadline_ms, int | float):
        return None
    return time.perf_counter() + deadline_ms / 1000 - time.time() - margin


def serve(env: Env, api: "ExtensionsApi", listener: socket.socket) -> int:
    """Once registered: lifecycle events until SHUTDOWN; the exit status. A setting the function would
    refuse fails init here too, named."""
    try:
        settings = CaptureSettings.from_env(env)
        if settings is None or settings.destination is None:
            raise ConfigError("the capture extension needs CAPTURE_URI (the image was built with DATA_CAPTURE=on)")
    except ConfigError as e:
        api.init_error("Extension.ConfigInvalid", str(e))
        log("ERROR", LOG.capture_failed, reason="config", error=str(e))
        return 1
    signals = Signals(listener)
    managed = bool(env.get(MAX_CONCURRENCY))
    uploader = Uploader(
        settings.spool,
        settings.destination,
        S3Client.from_env(env),
        (env.get(FUNCTION_VERSION) or "$LATEST").replace("$", ""),
        settings.max_seconds,
    )
    if managed:
        threading.Thread(target=_timer, args=(uploader, settings.max_seconds), daemon=True).start()
    while True:
        event = api.next()
        if event.get("eventType") == "SHUTDOWN":
            signals.drain()
            left = uploader.upload_all(_perf_deadline(event.get("deadlineMs"), SHUTDOWN_MARGIN_SECONDS))
            if left:
                log("ERROR", LOG.capture_failed, reason="shutdown", filesLeft=left)
            return 0
        deadline = event.get("deadlineMs")
        until = deadline / 1000 if isinstance(deadline, int | float) else time.time() + 900
        signals.wait_for(str(event.get("requestId")), until)
        if signals.restored:
            # A SnapStart restore: the snapshot's connections are gone and its credentials expire; the writer
            # says so before the first invocation's records, so before this upload.
            signals.restored = False
            uploader.storage = S3Client.from_env(env)
        uploader.after_invoke()


def _timer(uploader: Uploader, seconds: float) -> None:
    while True:
        time.sleep(seconds)
        uploader.upload_all()
