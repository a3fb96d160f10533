"""Lambda entry point (`inference.handler.lambda_handler`): predictions from the deployed model, by
ONNX Runtime or scikit-learn.

Init (module import) reads the settings, imports the model's runtime, fetches the model and
verifies its sha256, then loads it, once; a failure there is logged as "init failed" and fails
init with a message naming what to fix. Each invoke goes through one path: the adapter turns the
event into a request (events.py); a path under /v2, or a direct document with `inputs`, goes to the
inference protocol (protocol.py), anything else to the native contract (core.py); the responder
answers in the event's own shape (responses.py). Callers' mistakes get 4xx, ours 500, and no
exception reaches the runtime.
"""

import json
import os
import sys
import time
import uuid
from typing import Any

from . import INIT_STARTED, model_store, predictor
from .contract import DEFAULT_METRICS_NAMESPACE, DEFAULT_MODEL_NAME, LOG
from .core import Core
from .errors import InitError, RequestError
from .events import HttpRequest, document_of, http_request
from .lambda_types import JSON, Env, LambdaContext, ProxyResponse
from .metrics import Metrics
from .predictor import Predictor
from .protocol import Reply, Server, encode, is_protocol_path
from .responses import direct_response, http_response
from .s3_download import S3Downloader
from .settings import Settings
from .validation import Limits

# Of the init budget, the share kept for loading the model after the download.
LOAD_SHARE = 0.1


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON line per event; features are never among the fields."""
    record = {"level": level, "message": message, **fields}
    sys.stdout.write(json.dumps(record, default=str, allow_nan=False) + "\n")
    sys.stdout.flush()


class App:
    def __init__(
        self,
        model: Predictor,
        limits: Limits,
        identity: dict[str, JSON],
        metrics: Metrics | None = None,
        name: str = DEFAULT_MODEL_NAME,
    ):
        self.core = Core(model, limits, identity, name)
        sha256 = str(identity.get("sha256"))
        # The protocol's model version: the S3 object's version, or the sha256 prefix of a model in the image.
        self.server = Server(model, name, str(identity.get("versionId") or sha256), sha256, limits)
        self.metrics = metrics or Metrics(DEFAULT_METRICS_NAMESPACE, "local", "$LATEST", sha256)
        self.cold = True

    @property
    def model(self) -> Predictor:
        return self.core.model

    @property
    def identity(self) -> dict[str, JSON]:
        return self.core.identity

    def _native(self, event: JSON, http: HttpRequest | None) -> Reply:
        try:
            document = event if http is None else document_of(http, self.core.limits)
            answer = self.core.predict(document)
        except RequestError as e:
            return Reply(e.status, {"error": e.code, "message": e.message}, route="native", error=e.code)
        return Reply(200, answer.body, rows=answer.rows, model_ms=answer.model_ms, route="native")

    def __call__(self, event: JSON, context: LambdaContext | None) -> ProxyResponse | dict[str, JSON]:
        started = time.perf_counter()
        request_id = getattr(context, "aws_request_id", None) or str(uuid.uuid4())
        cold, self.cold = self.cold, False
        http = http_request(event)
        protocol = is_protocol_path(http.path) if http is not None else isinstance(event, dict) and "inputs" in event
        try:
            if not protocol:
                reply = self._native(event, http)
            elif http is not None:
                reply = self.server.handle(http)
            else:
                assert isinstance(event, dict)
                reply = self.server.infer_direct(event)
        except Exception as e:  # noqa: BLE001 - nothing may escape to the runtime
            message = "the model could not answer this request"
            body: dict[str, JSON] = (
                {"error": message, "code": "internal_error", "requestId": request_id}
                if protocol
                else {"error": "internal_error", "message": message, "requestId": request_id}
            )
            reply = Reply(500, body, route="infer" if protocol else "native", error="internal_error")
            log("ERROR", LOG.prediction_failed, requestId=request_id, errorType=type(e).__name__)
        request_ms = (time.perf_counter() - started) * 1000
        line = self.metrics.record(
            request_id=request_id,
            cold=cold,
            http=http is not None,
            route=reply.route,
            status=reply.status,
            rows=reply.rows,
            request_ms=request_ms,
            model_ms=reply.model_ms,
            error=reply.error,
        )
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        if http is None:
            return direct_response(reply.status, reply.body)
        if not protocol:
            return http_response(http, reply.status, reply.body)
        payload, content_type = encode(reply)
        return http_response(http, reply.status, payload, headers=reply.headers, content_type=content_type)


def identity_of(source: model_store.ModelSource) -> dict[str, JSON]:
    """What each answer says about the model that gave it."""
    return {"versionId": source.version_id or None, "sha256": source.short_sha}


def init(env: Env | None = None) -> App:
    """Everything Lambda's init phase does: settings, runtime, model, within the init budget."""
    env = os.environ if env is None else env
    # Settings and the runtime first: a mistake there is reported before minutes of model download.
    limits = Limits.from_env(env)
    settings = Settings.from_env(env)
    source = model_store.ModelSource.from_env(env)
    fmt = predictor.model_format(env, source.local_path or source.key or "")
    model_store.refuse_unverified_pickle(source, fmt)
    runtime = predictor.runtime(fmt)
    # The download gets the budget less what init has spent and a tenth kept for loading the model.
    deadline = INIT_STARTED + settings.init_budget_seconds * (1 - LOAD_SHARE)
    path = model_store.fetch(source, model_store.cache_dir_of(env), S3Downloader.from_env(env), deadline)
    model = runtime.load(path, source.describe())
    log(
        "INFO",
        LOG.model_loaded,
        model=source.describe(),
        format=fmt,
        sha256=source.short_sha,
        features=model.n_features,
        # From the package's first line: imports, download, checksum and load.
        initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3),
    )
    metrics = Metrics(
        settings.metrics_namespace, settings.function_name, settings.function_version, source.short_sha or "none"
    )
    return App(model, limits, identity_of(source), metrics, settings.model_name)


def _init_or_log() -> App:
    """Init, with any failure logged once as "init failed" (the failed-init alarm counts that line)."""
    try:
        return init()
    except Exception as e:
        error = str(e) if isinstance(e, InitError) else f"{type(e).__name__}: {e}"
        log("ERROR", LOG.init_failed, error=error, initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3))
        raise


lambda_handler = _init_or_log()
