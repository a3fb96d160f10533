"""Fetches the model the function was deployed with and verifies it.

The object is read at the exact version the deployment pinned
(MODEL_VERSION_ID), cached under /tmp by its sha256, and checked against
MODEL_SHA256 before any runtime opens it: a pickle runs code when loaded, so
an unverified file is never handed to joblib.

Several processes may initialise at once in one environment (Lambda Managed
Instances run one Python process per concurrent request, sharing /tmp): an
exclusive lock on a file beside the cache lets one of them download while the
others wait for it, and the copy appears under its cached name only whole and
verified (written under a temporary name, then renamed), so every process loads
the same verified file after one GET.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..contract import FORMATS, MODEL_ENV, SETTINGS_ENV
from ..errors import ConfigError, ModelLoadError
from ..types import Env
from .s3 import DEADLINE_EXCEEDED, S3Client, S3Failure

__all__ = ["ModelLoadError", "ModelSource", "cache_dir_of", "fetch", "sha256_of"]

CHUNK = 1024 * 1024
PARTIAL_PREFIX = ".download-"
LOCK_SUFFIX = ".lock"
# How often a process waiting for another's download tries the lock again.
LOCK_POLL_SECONDS = 0.01
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ModelFile(NamedTuple):
    """A file the model needs beside it (a text model's tokenizer.json, config.json), verified like the model."""

    name: str
    sha256: str
    version_id: str | None = None


# A file's name, as MODEL_FILES may give it: a plain name, never a path.
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def files_from_env(env: Env) -> tuple[ModelFile, ...]:
    """MODEL_FILES: {"tokenizer.json": {"sha256": ..., "versionId": ...}, ...}; ConfigError naming what is wrong."""
    raw = env.get(MODEL_ENV.files) or ""
    if not raw:
        return ()
    try:
        listed = json.loads(raw)
    except ValueError:
        listed = None
    if not isinstance(listed, dict):
        raise ConfigError(f"{MODEL_ENV.files} must be a JSON object of file names; got {raw[:100]!r}")
    bad = first_bad_file(listed)
    if bad is not None:
        raise ConfigError(f"{MODEL_ENV.files}: {bad!r} must be a file name with a sha256 of 64 hex characters")
    return model_files(listed)


def first_bad_file(listed: dict[str, Any]) -> str | None:
    """The first name of `{name: {"sha256", "versionId"?}}` (MODEL_FILES, a manifest's `files`) that is not a
    plain file name with a sha256 of 64 hex characters; None when all are."""
    for name, spec in listed.items():
        sha = spec.get("sha256") if isinstance(spec, dict) else None
        if not FILE_NAME.fullmatch(name) or not isinstance(sha, str) or not SHA256_HEX.fullmatch(sha):
            return name
    return None


def model_files(listed: dict[str, Any]) -> tuple[ModelFile, ...]:
    """The files of `{name: {"sha256", "versionId"?}}`, each already checked by first_bad_file."""
    files = []
    for name, spec in listed.items():
        version = spec.get("versionId")
        files.append(ModelFile(name, spec["sha256"], version if isinstance(version, str) and version else None))
    return tuple(files)


class ModelSource(NamedTuple):
    bucket: str | None
    key: str | None
    version_id: str | None
    sha256: str | None
    local_path: str | None = None
    files: tuple[ModelFile, ...] = ()
    """Files the model needs beside it: in S3 beside its key, in the image beside its path."""

    @staticmethod
    def from_env(env: Env) -> "ModelSource":
        names = MODEL_ENV
        local = env.get(names.path) or None
        sha = (env.get(names.sha256) or "").strip().lower() or None
        if sha is not None and not SHA256_HEX.fullmatch(sha):
            raise ConfigError(f"{names.sha256} must be 64 hex characters (a sha256); got {env[names.sha256]!r}")
        files = files_from_env(env)
        if local:
            return ModelSource(None, None, None, sha, local_path=local, files=files)
        missing = [n for n in (names.bucket, names.key, names.sha256) if not env.get(n)]
        if missing:
            raise ModelLoadError(
                f"model location is not configured: set {', '.join(missing)} (or {names.path} for a local file)"
            )
        return ModelSource(env[names.bucket], env[names.key], env.get(names.version_id) or None, sha, files=files)

    def beside(self, file: ModelFile) -> "ModelSource":
        """Where one of the model's files is: beside its key, or beside its path."""
        if self.local_path:
            return ModelSource(None, None, None, file.sha256, os.path.join(os.path.dirname(self.local_path), file.name))
        assert self.key is not None
        folder = self.key.rsplit("/", 1)[0] + "/" if "/" in self.key else ""
        return ModelSource(self.bucket, folder + file.name, file.version_id, file.sha256)

    def describe(self) -> str:
        if self.local_path:
            return f"local file {self.local_path}"
        version = self.version_id or "latest"
        return f"s3://{self.bucket}/{self.key} (version {version})"

    @property
    def short_sha(self) -> str | None:
        return self.sha256[:12] if self.sha256 else None


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def likely_denial(s3_message: str) -> str:
    """Which of the two usual causes S3's own message points to: the object's KMS key, or the role's object scope."""
    if "kms" in s3_message.lower():
        return (
            "the object is encrypted with a KMS key the role may not use: give the component that key as "
            "kmsKeyArn, which lets the role decrypt with it"
        )
    return (
        "the role may read only the deployed model object (and, if the bucket encrypts with a customer-managed "
        "KMS key, give that key as kmsKeyArn)"
    )


def remove_partial_downloads(cache_dir: str) -> None:
    """An init killed mid-download (timeout, out of memory) leaves its temporary file in /tmp; the next
    download in the same environment clears them first, so /tmp does not fill up. Called only under the
    download lock, so no live process's download is among them."""
    for name in os.listdir(cache_dir):
        if name.startswith(PARTIAL_PREFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(cache_dir, name))


def cache_files(cache_dir: str | os.PathLike[str]) -> list[str]:
    """What the cache holds, but the download lock (an empty file that stays, so no waiter loses its lock)."""
    return sorted(name for name in os.listdir(cache_dir) if not name.endswith(LOCK_SUFFIX))


@contextlib.contextmanager
def download_lock(path: str, deadline: float | None, what: str) -> Iterator[None]:
    """An exclusive lock on `path` among the processes of this environment, waited for until `deadline`.
    The kernel releases it when its holder exits, so a process killed mid-download blocks no one."""
    with open(path, "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.perf_counter() >= deadline:
                    raise ModelLoadError(
                        f"another process of this environment was still downloading {what} when the init budget "
                        f"ran out; a model that needs longer needs a larger {SETTINGS_ENV.init_budget_seconds}"
                    ) from None
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _download(source: ModelSource, destination: str, downloader: S3Client, deadline: float | None) -> None:
    """The object at the pinned version, to a temporary name first, verified, then renamed: a half-written
    or unverified file is never the cache."""
    assert source.bucket is not None and source.key is not None
    # A fresh name made here, not by tempfile, whose import costs every cold start a few milliseconds.
    partial = os.path.join(os.path.dirname(destination), PARTIAL_PREFIX + os.urandom(8).hex())
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        digest = hashlib.sha256()
        downloader.download(source.bucket, source.key, source.version_id, partial, deadline=deadline, digest=digest)
        mismatched(source, digest.hexdigest())
    except (S3Failure, OSError, ModelLoadError) as e:
        if os.path.exists(partial):
            os.unlink(partial)
        if isinstance(e, ModelLoadError):
            raise
        if isinstance(e, OSError):
            # /tmp full, or unwritable: the file system's own words name the cause.
            raise ModelLoadError(f"could not write {source.describe()} to {partial}: {e.strerror or e}") from None
        if e.code == DEADLINE_EXCEEDED:
            raise ModelLoadError(
                f"could not download {source.describe()} within the init budget: {e.message}; a model that needs "
                f"longer needs a larger {SETTINGS_ENV.init_budget_seconds} (the component's initBudgetSeconds)"
            ) from None
        if e.code in ("404", "NoSuchKey", "NoSuchVersion", "NoSuchBucket"):
            raise ModelLoadError(f"model not found at {source.describe()}: {e.code}") from None
        if e.code in ("403", "AccessDenied"):
            raise ModelLoadError(f"access denied reading {source.describe()}: {likely_denial(e.message)}") from None
        if e.status is None:
            raise ModelLoadError(f"could not download {source.describe()}: {e}") from None
        raise ModelLoadError(f"S3 error reading {source.describe()}: {e.code}") from None
    os.replace(partial, destination)


def _verified_copy(source: ModelSource, cached: str) -> bool:
    """True when the cached copy is there and verifies; a torn or tampered one is removed."""
    if not os.path.isfile(cached):
        return False
    try:
        verify(source, cached)
        return True
    except ModelLoadError:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(cached)  # fetched again below
        return False


def fetch(
    source: ModelSource, cache_dir: str, downloader: S3Client | None = None, deadline: float | None = None
) -> str:
    """Returns the path of a verified local copy; downloads only when no verified copy is cached, and only
    one process of the environment at a time. The download (and the wait for another process's) gives up
    at `deadline` (a time.perf_counter() value), leaving no partial file behind."""
    if source.local_path:
        for local in (source, *map(source.beside, source.files)):
            if not os.path.isfile(local.local_path or ""):
                raise ModelLoadError(f"model not found: {local.describe()}")
            if local.sha256:
                verify(local, local.local_path or "")
        return source.local_path
    os.makedirs(cache_dir, exist_ok=True)
    parts = _cached_parts(source, cache_dir)
    if all(_verified_copy(part, path) for part, path in parts):
        return parts[0][1]
    lock = os.path.join(cache_dir, f"model-{source.sha256}{LOCK_SUFFIX}")
    with download_lock(lock, deadline, source.describe()):
        # Another process may have fetched some while this one waited.
        missing = [(part, path) for part, path in parts if not _verified_copy(part, path)]
        for folder in sorted({os.path.dirname(path) for _, path in missing}):
            remove_partial_downloads(folder)
        _download_all(missing, downloader or S3Client.from_env(os.environ), deadline)
    return parts[0][1]


def _download_all(missing: list[tuple[ModelSource, str]], downloader: S3Client, deadline: float | None) -> None:
    """Every missing part at once: a model's graph, its tokenizer and config download beside its weights
    rather than one after another, each verified and renamed on its own. When parts fail, the others still
    end (a verified one stays cached) and the failure of the first part, in the model's order, is raised."""
    if len(missing) <= 1:
        for part, path in missing:
            _download(part, path, downloader, deadline)
        return
    import threading  # noqa: PLC0415 - only a model with files beside it pays for it

    failures: dict[int, BaseException] = {}

    def one(index: int) -> None:
        try:
            _download(*missing[index], downloader, deadline)
        except BaseException as e:  # noqa: BLE001 - raised below, in the calling thread
            failures[index] = e

    others = [threading.Thread(target=one, args=(i,), name="model-part", daemon=True) for i in range(1, len(missing))]
    for thread in others:
        thread.start()
    one(0)
    for thread in others:
        thread.join()
    if failures:
        raise failures[min(failures)]


def _cached_parts(source: ModelSource, cache_dir: str) -> list[tuple[ModelSource, str]]:
    """The model and each of its files with their cached paths: a model with files is cached in a folder of its
    own, under its key's name, with its files beside it as the runtime looks for them."""
    if not source.files:
        return [(source, os.path.join(cache_dir, f"model-{source.sha256}.bin"))]
    folder = os.path.join(cache_dir, f"model-{source.sha256}")
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(source.key or "") or "model"
    return [(source, os.path.join(folder, name))] + [
        (source.beside(f), os.path.join(folder, f.name)) for f in source.files
    ]


# Formats whose files are code when loaded (pickles); an ONNX file is data.
PICKLED_FORMATS = frozenset(name for name, f in FORMATS.items() if f.pickled)


def refuse_unverified_pickle(source: ModelSource, fmt: str) -> None:
    """A local pickle without MODEL_SHA256 is never loaded: the component always sets the hash, so its
    absence means the file cannot be checked, and unpickling runs whatever code the file holds."""
    if fmt in PICKLED_FORMATS and not source.sha256:
        raise ModelLoadError(
            f"refusing to load {source.describe()}: a {fmt} model is a pickle, which runs code when loaded, and "
            "MODEL_SHA256 is not set to verify it first"
        )


def verify(source: ModelSource, path: str) -> None:
    mismatched(source, sha256_of(path))


def mismatched(source: ModelSource, actual: str) -> None:
    """ModelLoadError unless `actual` is the sha256 the source must have."""
    if actual != source.sha256:
        raise ModelLoadError(
            f"checksum mismatch for {source.describe()}: expected sha256 {source.sha256}, got {actual}; "
            "refusing to load it"
        )


def cache_dir_of(env: Env) -> str:
    """Lambda's only writable path, unless MODEL_CACHE_DIR says otherwise (local runs)."""
    return env.get(MODEL_ENV.cache_dir) or "/tmp"  # noqa: S108
