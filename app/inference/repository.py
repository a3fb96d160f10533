"""Many models behind one function (the component's `models`): a repository read from its manifest (an
object in the model bucket, verified by its sha256 like a model), each model fetched, verified and loaded on
first use, kept in memory under a byte budget with the least recently used evicted first, and cached in /tmp
(where concurrent processes of a managed instance download it once, under the store's lock).

A model that fails to load answers 503 for that model only, naming it, and is tried again on the next request
for it; the others keep answering."""

import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .contract import CACHE_SHARE_OF_MEMORY, LOG, MAX_MODELS, MODEL_ENV, MODEL_NAME_PATTERN, REPOSITORY_ENV
from .errors import ConfigError, InitError, ModelLoadError, NotFound, Unavailable
from .logs import log
from .models import ServedModel
from .storage.model_store import SHA256_HEX, ModelSource, first_bad_file, model_files
from .types import JSON, Env

READY, UNLOADED, UNAVAILABLE = "READY", "UNLOADED", "UNAVAILABLE"
"""A model's state in the repository index, as Triton names them."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One model of the manifest: where it is, what it hashes to, its format, and its bytes (with its files)."""

    name: str
    source: ModelSource
    format: str
    bytes: int


def _entry(item: Any, at: str) -> Entry:
    """One manifest item, every field checked; ConfigError naming the first that is wrong."""
    import re  # noqa: PLC0415

    if not isinstance(item, dict):
        raise ConfigError(f"{at} must be an object")
    name, bucket, key = item.get("name"), item.get("bucket"), item.get("key")
    if not isinstance(name, str) or not re.fullmatch(MODEL_NAME_PATTERN, name):
        raise ConfigError(f"{at}.name must be a model name; got {name!r}")
    if not isinstance(bucket, str) or not bucket or not isinstance(key, str) or not key:
        raise ConfigError(f"{at} ({name}) must give its bucket and key")
    sha = item.get("sha256")
    if not isinstance(sha, str) or not SHA256_HEX.fullmatch(sha):
        raise ConfigError(f"{at} ({name}).sha256 must be 64 hex characters")
    files = item.get("files") or {}
    if not isinstance(files, dict) or first_bad_file(files) is not None:
        raise ConfigError(f"{at} ({name}).files must map file names to their sha256")
    size = item.get("bytes")
    if not isinstance(size, int) or size < 0:
        raise ConfigError(f"{at} ({name}).bytes must be the model's size in bytes")
    source = ModelSource(bucket, key, item.get("versionId") or None, sha, files=model_files(files))
    return Entry(name, source, str(item.get("format") or "onnx"), size)


def read_manifest(text: str) -> list[Entry]:
    """The manifest's models, in its order: `{"models": [{name, bucket, key, versionId, sha256, format, bytes,
    files}]}`; ConfigError for a malformed one, naming what is wrong."""
    try:
        document = json.loads(text)
    except ValueError:
        raise ConfigError("the models' manifest is not JSON") from None
    items = document.get("models") if isinstance(document, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_MODELS:
        raise ConfigError(f"the models' manifest must list from 1 to {MAX_MODELS} models")
    entries = [_entry(item, f"models[{i}]") for i, item in enumerate(items)]
    names = [e.name for e in entries]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"the models' manifest names {', '.join(twice)} more than once")
    return entries


def cache_bytes(env: Env, memory_mb: int) -> int:
    """MODEL_CACHE_BYTES, or the contract's share of the function's memory."""
    raw = env.get(REPOSITORY_ENV.cache_bytes) or ""
    if not raw:
        return int(memory_mb * 1024 * 1024 * CACHE_SHARE_OF_MEMORY)
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{REPOSITORY_ENV.cache_bytes} must be a positive number of bytes; got {raw!r}")
    return int(raw)


def preloaded(env: Env, entries: list[Entry]) -> list[str]:
    """PRELOAD_MODELS: comma-separated names of the manifest's models, loaded at init."""
    names = [n.strip() for n in (env.get(REPOSITORY_ENV.preload) or "").split(",") if n.strip()]
    known = {e.name for e in entries}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"{REPOSITORY_ENV.preload} names {', '.join(unknown)}, which the manifest does not list")
    return names


Loader = Callable[[Entry], ServedModel]


class Repository:
    """The manifest's models by name; each loaded on first use and kept while the budget allows."""

    def __init__(self, entries: list[Entry], loader: Loader, budget_bytes: int):
        self.entries = {e.name: e for e in entries}
        self.loader = loader
        self.budget_bytes = budget_bytes
        self.loaded: OrderedDict[str, ServedModel] = OrderedDict()
        self.failed: dict[str, str] = {}
        self.evicted: list[Callable[[str], None]] = []
        """Called with a model's name when it leaves memory: what was built around it goes too."""

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def listed(self) -> str:
        return ", ".join(repr(n) for n in self.entries)

    def get(self, name: str) -> ServedModel:
        """The model named `name`, loaded now if it is not; a 404 listing what is served, or a 503 naming it."""
        served = self.loaded.get(name)
        if served is not None:
            self.loaded.move_to_end(name)
            return served
        entry = self.entries.get(name)
        if entry is None:
            raise NotFound("unknown_model", f"model {name!r} is not served here; this function serves {self.listed()}")
        return self._load(entry)

    def _load(self, entry: Entry) -> ServedModel:
        started = time.perf_counter()
        try:
            served = self.loader(entry)
        except (ModelLoadError, InitError, OSError) as e:
            reason = str(e) if isinstance(e, InitError) else f"{type(e).__name__}: {e}"
            self.failed[entry.name] = reason
            log("ERROR", LOG.model_load_failed, model=entry.name, error=reason)
            raise Unavailable(
                "model_unavailable",
                f"model {entry.name!r} could not be loaded ({reason}); it is tried again on the next request",
            ) from None
        self.failed.pop(entry.name, None)
        self._make_room(entry.bytes)
        self.loaded[entry.name] = served
        log("INFO", LOG.model_loaded, model=entry.name, sha256=served.short_sha,
            loadMs=round((time.perf_counter() - started) * 1000, 3), loaded=len(self.loaded))  # fmt: skip
        return served

    def _make_room(self, incoming: int) -> None:
        """Evicts the least recently used models until `incoming` bytes fit the budget (one model always fits)."""
        while self.loaded and self._used() + incoming > self.budget_bytes:
            name, _ = self.loaded.popitem(last=False)
            for forget in self.evicted:
                forget(name)
            log("INFO", LOG.model_evicted, model=name, budgetBytes=self.budget_bytes)

    def _used(self) -> int:
        return sum(self.entries[n].bytes for n in self.loaded)

    def index(self) -> list[dict[str, JSON]]:
        """Every model and its state, as the protocol's repository index lists them."""
        rows: list[dict[str, JSON]] = []
        for name in self.entries:
            served = self.loaded.get(name)
            if served is not None:
                rows.append({"name": name, "version": served.version, "state": READY})
            elif name in self.failed:
                rows.append({"name": name, "state": UNAVAILABLE, "reason": self.failed[name]})
            else:
                rows.append({"name": name, "state": UNLOADED})
        return rows


def manifest_source(env: Env) -> ModelSource | None:
    """MODELS_MANIFEST: {"bucket", "key", "versionId", "sha256"} of the manifest object; None without it."""
    raw = env.get(MODEL_ENV.manifest) or ""
    if not raw:
        return None
    try:
        spec = json.loads(raw)
    except ValueError:
        spec = None
    if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) and spec.get(k) for k in ("bucket", "key")):
        raise ConfigError(f"{MODEL_ENV.manifest} must be a JSON object with its bucket, key and sha256")
    sha = str(spec.get("sha256") or "")
    if not SHA256_HEX.fullmatch(sha):
        raise ConfigError(f"{MODEL_ENV.manifest}.sha256 must be 64 hex characters")
    return ModelSource(spec["bucket"], spec["key"], spec.get("versionId") or None, sha)
