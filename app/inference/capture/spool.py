"""What data capture's writer (capture/writer.py, in the function) and its extension (capture/extension.py, a
process of its own) agree on: the settings from the environment, and the spool's layout in /tmp:
`dt=YYYY-MM-DD/<writer>.jsonl` files of whole lines, a lock file held while lines are appended or files
taken away, and a datagram socket on which the writer says "this invocation's records are written".
Standard library only: the extension must not pay for numpy.
"""

import os
from typing import NamedTuple

from ..contract import (
    CAPTURE_CONTENTS,
    CAPTURE_ENV,
    CAPTURE_MAX_SECONDS,
    CAPTURE_PARTITION,
    CAPTURE_SAMPLING,
    CAPTURE_SOCKET,
    CAPTURE_SPOOL_DIR,
)
from ..errors import ConfigError
from ..storage.s3uri import S3Uri, prefix_of
from ..types import Env

SPOOL_DIR = CAPTURE_SPOOL_DIR
PARTITION = CAPTURE_PARTITION
SOCKET_NAME = CAPTURE_SOCKET
"""Where the extension listens for "this invocation's records are written" (a datagram per invocation)."""
LOCK_NAME = ".lock"
"""Held by the writer while it appends and by the extension while it takes files away."""
HELLO = "hello"
RESTORED = "restored"
"""What the writer sends after a SnapStart restore: the extension makes its S3 client anew."""
"""What a writer sends when it starts: from then on the extension waits for each invocation's records."""
SPOOL_SUFFIX = ".jsonl"
MAX_SPOOL_BYTES = 64 * 1024 * 1024
"""The most the whole spool holds, every file of it (S3 unreachable for long): /tmp is finite, and the
model is cached there. Beyond it, records are dropped and counted."""
CONTENTS = CAPTURE_CONTENTS


class CaptureSettings(NamedTuple):
    destination: S3Uri | None
    """Where the extension uploads (CAPTURE_URI); None locally, where the spool is the destination."""
    percentage: float
    inputs: bool
    outputs: bool
    spool: str
    max_seconds: float
    """How long records may wait in the spool while traffic flows before they are uploaded."""

    @staticmethod
    def from_env(env: Env) -> "CaptureSettings | None":
        """The settings, or None when capture is off (neither CAPTURE_URI nor CAPTURE_DIR set)."""
        uri, spool = env.get(CAPTURE_ENV.uri), env.get(CAPTURE_ENV.dir)
        if not uri and not spool:
            return None
        try:
            destination = prefix_of(uri, CAPTURE_ENV.uri) if uri else None
        except ValueError as e:
            raise ConfigError(str(e)) from None
        sampling = CAPTURE_SAMPLING
        raw = env.get(CAPTURE_ENV.sampling_percentage) or str(sampling.default)
        try:
            percentage = float(raw)
        except ValueError:
            percentage = -1.0
        if not sampling.min <= percentage <= sampling.max:
            raise ConfigError(
                f"{CAPTURE_ENV.sampling_percentage} must be a number from {sampling.min} to {sampling.max}; got {raw!r}"
            )
        content = [c.strip() for c in (env.get(CAPTURE_ENV.content) or ",".join(CONTENTS)).split(",") if c.strip()]
        if not content or not set(content) <= set(CONTENTS):
            raise ConfigError(f"{CAPTURE_ENV.content} must list inputs, outputs or both; got {','.join(content)!r}")
        span = CAPTURE_MAX_SECONDS
        raw_seconds = env.get(CAPTURE_ENV.max_seconds) or str(span.default)
        try:
            max_seconds = float(raw_seconds)
        except ValueError:
            max_seconds = 0.0
        if not span.min <= max_seconds <= span.max:
            raise ConfigError(
                f"{CAPTURE_ENV.max_seconds} must be seconds from {span.min} to {span.max}; got {raw_seconds!r}"
            )
        return CaptureSettings(
            destination=destination,
            percentage=percentage,
            inputs="inputs" in content,
            outputs="outputs" in content,
            spool=spool or SPOOL_DIR,
            max_seconds=max_seconds,
        )


def spool_bytes(spool: str) -> int:
    """The bytes every file of the spool holds: those still written to, and those taken for upload."""
    total = 0
    for folder in os.scandir(spool):
        if folder.is_dir() and folder.name.startswith(f"{PARTITION}="):
            total += sum(entry.stat().st_size for entry in os.scandir(folder.path) if entry.is_file())
    return total


def spool_lock(spool: str) -> int:
    """The spool's lock file, opened (created) once; flock it around appends and take-aways."""
    os.makedirs(spool, exist_ok=True)
    return os.open(os.path.join(spool, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
