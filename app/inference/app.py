"""The function as one object, built whole at init and never changed afterwards: the served model behind
its protocols, the observer of every answer, the jobs' S3 client and locations, and the event sources
that route each event. `build(env)` is everything Lambda's init phase does; `assemble` builds the same
object around a model already loaded (tests, the bench, convert.py's checks)."""

import os
import time
from typing import TYPE_CHECKING

from . import INIT_STARTED, repository, snapstart
from .capture.spool import CaptureSettings
from .compute import Compute
from .contract import LAMBDA_ENV, LOG, METRICS_NAMESPACE_DEFAULT, MODEL_NAME_DEFAULT
from .errors import ModelLoadError, RequestError
from .ids import random_id
from .invocation import Invocation
from .jobs import JobLocations
from .limits import Limits
from .logs import log
from .metrics import INIT_ON_DEMAND, Metrics
from .models import Models, ServedModel
from .observer import Observer
from .protocols import Protocols
from .runtimes import Predictor, model_format, runtime
from .settings import InitSettings, Settings
from .sources import SOURCES, Services, Source
from .storage import model_store
from .storage.runs import StepFunctionsRuns
from .storage.s3 import S3Client
from .types import JSON, Env

if TYPE_CHECKING:
    from .capture.writer import Capture
    from .prefetch import Download
    from .protocols.many import ManyModels

# The component's memorySize default: what a local run without AWS_LAMBDA_FUNCTION_MEMORY_SIZE budgets for.
DEFAULT_MEMORY_MB = 1024


class App:
    """Routes each event to the first source that matches it. The first invocation is the cold start."""

    def __init__(self, services: Services, sources: tuple[Source, ...] = SOURCES, *, cold: bool = True):
        self.services = services
        self.sources = sources
        self._cold = [True] if cold else []

    def restored(self) -> None:
        """After a SnapStart restore: the next invocation is this environment's cold start."""
        self._cold = [True]

    @property
    def served(self) -> ServedModel:
        """The model a request that names none is answered by (a function with one model)."""
        protocols = self.services.protocols
        assert isinstance(protocols, Protocols), "a function with many models has no default model"
        return protocols.models.default

    @property
    def model(self) -> Predictor:
        return self.served.predictor

    def __call__(self, event: JSON, context: object) -> JSON:
        request_id = getattr(context, "aws_request_id", None) or random_id()
        invocation = Invocation(request_id, self._cold.pop() if self._cold else False, time.perf_counter())
        try:
            for source in self.sources:
                if source.matches(event):
                    return source.handle(event, invocation, self.services)
            raise AssertionError("unreachable: the direct invoke matches every event")  # pragma: no cover
        finally:
            self.services.observer.end(request_id)


def assemble(
    served: ServedModel,
    limits: Limits | None = None,
    *,
    metrics: Metrics | None = None,
    capture: "Capture | None" = None,
    jobs: JobLocations | None = None,
    storage: S3Client | None = None,
    runs: StepFunctionsRuns | None = None,
    cold: bool = True,
) -> App:
    """The App around a model already loaded; what is not given is what a local function has."""
    services = Services(
        protocols=Protocols(Models.of(served), limits or Limits()),
        observer=Observer(
            metrics or Metrics(METRICS_NAMESPACE_DEFAULT, "local", "$LATEST", str(served.short_sha)), capture
        ),
        storage=storage or S3Client.from_env(os.environ),
        jobs=jobs or JobLocations(),
        runs=runs or StepFunctionsRuns.from_env(os.environ),
    )
    return App(services, cold=cold)


def served_model(predictor: Predictor, name: str = MODEL_NAME_DEFAULT, sha256: str | None = None) -> ServedModel:
    """A model loaded outside init (tests, the bench), with no S3 version."""
    return ServedModel(name, predictor, sha256)


def _load(env: Env, settings: Settings, storage: S3Client, download: "Download | None") -> ServedModel:
    """The model, fetched and verified within the init budget (or taken from the download init began before
    its imports), then loaded by its runtime."""
    source = model_store.ModelSource.from_env(env)
    fmt = model_format(env, source.local_path or source.key or "")
    model_store.refuse_unverified_pickle(source, fmt)
    loader = runtime(fmt)
    if download is not None and download.source == source:
        path = download.path()
    else:
        path = model_store.fetch(source, model_store.cache_dir_of(env), storage, settings.download_deadline)
    compute = Compute.from_env(env)
    predictor = loader.load(path, source.describe(), threads=compute.threads)
    warning = compute.memory_warning(os.path.getsize(path))
    if warning:
        log("WARN", LOG.memory_warning, warning=warning, processes=compute.processes, memoryMb=compute.memory_mb)
    log(
        "INFO",
        LOG.model_loaded,
        model=source.describe(),
        format=fmt,
        sha256=source.short_sha,
        features=predictor.n_features,
        processes=compute.processes,
        threads=compute.threads,
        # From the package's first line: imports, download, checksum and load.
        initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3),
    )
    return ServedModel(settings.model_name, predictor, source.sha256, source.version_id or None)


def _capture(
    capture: CaptureSettings | None, settings: Settings, sha256: str | None, version_id: str | None
) -> "Capture | None":
    """Data capture, when the environment turns it on, its records naming what was served: the model's (or, with
    many models, the manifest's) sha256 and S3 version. Its thread, queue and socket are imported only by a
    function that captures (about 8 ms of init)."""
    if capture is None:
        return None
    from .capture.writer import Capture  # noqa: PLC0415

    model: dict[str, JSON] = {
        "name": settings.model_name,
        "sha256": sha256,
        "versionId": version_id,
        "functionVersion": settings.function_version,
    }
    return Capture(capture, model)


def _entry_loader(env: Env, compute: Compute, storage: S3Client) -> "repository.Loader":
    """How a function with many models loads one on first use: fetched (once for every process of the
    environment), verified, loaded by its format's runtime."""
    cache = model_store.cache_dir_of(env)

    def load(entry: "repository.Entry") -> ServedModel:
        model_store.refuse_unverified_pickle(entry.source, entry.format)
        path = model_store.fetch(entry.source, cache, storage)
        predictor = runtime(entry.format).load(path, entry.source.describe(), threads=compute.threads)
        return ServedModel(entry.name, predictor, entry.source.sha256, entry.source.version_id)

    return load


def _many(
    env: Env, settings: Settings, manifest: model_store.ModelSource, limits: Limits, storage: S3Client
) -> "ManyModels":
    """The repository of a function with many models: its manifest fetched and verified, the models it names
    in PRELOAD_MODELS loaded now, the others on first use."""
    from .protocols.many import ManyModels  # noqa: PLC0415 - only a function with many models pays for it

    path = model_store.fetch(manifest, model_store.cache_dir_of(env), storage, settings.download_deadline)
    with open(path) as f:
        entries = repository.read_manifest(f.read())
    compute = Compute.from_env(env)
    # Without Lambda's memory size (a local run), the component's default memory.
    budget = repository.cache_bytes(env, compute.memory_mb or DEFAULT_MEMORY_MB)
    models = repository.Repository(entries, _entry_loader(env, compute, storage), budget)
    for name in repository.preloaded(env, entries):
        try:
            models.get(name)
        except RequestError as e:
            raise ModelLoadError(f"preloading {e.message}") from None
    log("INFO", LOG.model_loaded, models=len(entries), preloaded=len(models.loaded), budgetBytes=budget,
        initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3))  # fmt: skip
    return ManyModels(models, limits)


def build(env: Env, download: "Download | None" = None) -> App:
    """Everything Lambda's init phase does: settings, runtime, model, within the init budget. `download` is the
    model's fetch that handler.py began from the same environment before importing this module."""
    # Settings first: a mistake there is reported before minutes of model download.
    limits, settings, capture, jobs = InitSettings.from_env(env)
    # One S3 client for the model's download and the jobs' reads and writes: one set of connections.
    storage = download.storage if download is not None else S3Client.from_env(env)
    manifest = repository.manifest_source(env)
    if manifest is not None:
        return _build_many(env, settings, manifest, limits=limits, capture=capture, jobs=jobs, storage=storage)
    served = _load(env, settings, storage, download)
    metrics = Metrics(
        settings.metrics_namespace, settings.function_name, settings.function_version, served.short_sha or "none"
    )
    metrics.init_type = env.get(LAMBDA_ENV.initialization_type) or INIT_ON_DEMAND
    app = assemble(
        served,
        limits,
        metrics=metrics,
        capture=_capture(capture, settings, served.sha256, served.version_id),
        jobs=jobs,
        storage=storage,
    )
    snapstart.register(app)
    return app


def _build_many(
    env: Env,
    settings: Settings,
    manifest: model_store.ModelSource,
    *,
    limits: Limits,
    capture: CaptureSettings | None,
    jobs: JobLocations,
    storage: S3Client,
) -> App:
    """The App of a function with many models: one router before each model's protocols."""
    router = _many(env, settings, manifest, limits, storage)
    metrics = Metrics(settings.metrics_namespace, settings.function_name, settings.function_version, "", many=True)
    metrics.init_type = env.get(LAMBDA_ENV.initialization_type) or INIT_ON_DEMAND
    recorder = _capture(capture, settings, manifest.sha256, manifest.version_id)
    app = assemble_many(router, metrics=metrics, capture=recorder, jobs=jobs, storage=storage)
    snapstart.register(app)
    return app


def assemble_many(
    router: "ManyModels",
    *,
    metrics: Metrics | None = None,
    capture: "Capture | None" = None,
    jobs: JobLocations | None = None,
    storage: S3Client | None = None,
    cold: bool = True,
) -> App:
    """The App of a function with many models around their router; what is not given is a local function's."""
    services = Services(
        protocols=router,
        observer=Observer(metrics or Metrics(METRICS_NAMESPACE_DEFAULT, "local", "$LATEST", "", many=True), capture),
        storage=storage or S3Client.from_env(os.environ),
        jobs=jobs or JobLocations(),
        runs=StepFunctionsRuns.from_env(os.environ),
    )
    return App(services, cold=cold)
