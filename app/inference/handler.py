"""Lambda entry point (`inference.handler.lambda_handler`): predictions from the deployed model, by
ONNX Runtime or scikit-learn.

Init (module import) reads the settings, imports the model's runtime, fetches the model and
verifies its sha256, then loads it, once; a failure there is logged as "init failed" and fails
init with a message naming what to fix. Each invoke goes through one path: the adapter turns the
event into a request (events.py); a path under /v2, or a direct document with `inputs`, goes to the
inference protocol (protocol.py), anything else to the native contract (core.py); the responder
answers in the event's own shape (responses.py). Callers' mistakes get 4xx, ours 500, and no
exception reaches the runtime. Two more event shapes carry many requests: an SQS batch (queue.py:
each message's input answered as a direct invoke of it, its result written to S3) and a Distributed
Map batch (batch.py: rows checked as a request's rows are, one output line each); a batch whose
output cannot be written is the one failure that reaches the runtime, so Step Functions retries it.
"""

import os
import sys
import time
from typing import TYPE_CHECKING

from . import INIT_STARTED, model_store, predictor, queue
from .batch import BatchInput, score
from .capture_spool import CaptureSettings
from .compute import Compute
from .contract import DEFAULT_METRICS_NAMESPACE, DEFAULT_MODEL_NAME, JOBS_ENV, LOG
from .core import Core
from .errors import InitError, RequestError
from .events import HttpRequest, document_of, http_request
from .ids import random_id
from .lambda_types import JSON, Env, LambdaContext, ProxyResponse
from .logs import log
from .metrics import Metrics
from .predictor import Predictor
from .protocol import Reply, Server, encode, is_protocol_path
from .responses import direct_response, http_response
from .s3_download import S3Downloader, S3Failure
from .s3uri import S3Uri, prefixes_from_env
from .settings import Settings
from .validation import Limits

if TYPE_CHECKING:
    from .capture import Capture

JSON_LINES = "application/jsonlines"

# Of the init budget, the share kept for loading the model after the download.
LOAD_SHARE = 0.1


class BatchError(RuntimeError):
    """A Distributed Map batch that cannot be answered as a whole: the invocation fails, Step Functions retries."""


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
        self.locations = queue.Locations(None, ())
        """Where queued messages' results go and what they may read; set by init from the environment."""
        self.batch_output: S3Uri | None = None
        """Where Distributed Map batches may write (BATCH_OUTPUT_URI); None: their results are returned."""
        self.storage = S3Downloader.from_env(os.environ)
        """The S3 client of the queue and batch paths (it connects on first use, never at init)."""
        self.capture: Capture | None = None
        """Data capture (capture.py), when the environment turns it on."""

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
        return Reply(200, answer.body, rows=answer.rows, model_ms=answer.model_ms, route="native", request=document)

    def __call__(self, event: JSON, context: LambdaContext | None) -> ProxyResponse | dict[str, JSON]:
        started = time.perf_counter()
        request_id = getattr(context, "aws_request_id", None) or random_id()
        try:
            return self._invoke(event, request_id, started)
        finally:
            if self.capture is not None:
                self.capture.end(request_id)

    def _invoke(self, event: JSON, request_id: str, started: float) -> ProxyResponse | dict[str, JSON]:
        cold, self.cold = self.cold, False
        http = http_request(event)
        if http is not None:
            protocol = is_protocol_path(http.path)
        elif isinstance(event, dict):
            if "Records" in event and queue.is_sqs(event):
                return self.queued(event, request_id, cold)
            if "Items" in event:
                return self.batch(event, request_id, cold, started)
            protocol = "inputs" in event
        else:
            protocol = False
        reply = self._reply(event, http, protocol, request_id)
        if self.capture is not None:
            self.capture.keep(request_id, reply.route, reply)
        self._emit(reply, request_id, cold, http is not None, started)
        if http is None:
            return direct_response(reply.status, reply.body)
        if not protocol:
            return http_response(http, reply.status, reply.body)
        payload, content_type = encode(reply)
        return http_response(http, reply.status, payload, headers=reply.headers, content_type=content_type)

    def _reply(self, event: JSON, http: HttpRequest | None, protocol: bool, request_id: str) -> Reply:
        """The answer to one request, whatever the route; a failure of ours is a 500 that says nothing more."""
        try:
            if not protocol:
                return self._native(event, http)
            if http is not None:
                return self.server.handle(http)
            assert isinstance(event, dict)
            return self.server.infer_direct(event)
        except Exception as e:  # noqa: BLE001 - nothing may escape to the runtime
            message = "the model could not answer this request"
            body: dict[str, JSON] = (
                {"error": message, "code": "internal_error", "requestId": request_id}
                if protocol
                else {"error": "internal_error", "message": message, "requestId": request_id}
            )
            log("ERROR", LOG.prediction_failed, requestId=request_id, errorType=type(e).__name__)
            return Reply(500, body, route="infer" if protocol else "native", error="internal_error")

    def _emit(self, reply: Reply, request_id: str, cold: bool, http: bool, started: float) -> None:
        """The request's log line, which carries its metrics."""
        request_ms = (time.perf_counter() - started) * 1000
        line = self.metrics.record(
            request_id=request_id,
            cold=cold,
            http=http,
            route=reply.route,
            status=reply.status,
            rows=reply.rows,
            request_ms=request_ms,
            model_ms=reply.model_ms,
            error=reply.error,
        )
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def answer_document(self, document: JSON, request_id: str, cold: bool) -> tuple[int, dict[str, JSON]]:
        """A queued message's input, answered as a direct invoke of it would be (and measured alike)."""
        started = time.perf_counter()
        protocol = isinstance(document, dict) and "inputs" in document
        reply = self._reply(document, None, protocol, request_id)
        reply.route = "queue"
        if self.capture is not None:
            self.capture.keep(request_id, reply.route, reply)
        self._emit(reply, request_id, cold, False, started)
        return reply.status, direct_response(reply.status, reply.body)

    def queued(self, event: dict[str, JSON], request_id: str, cold: bool) -> dict[str, JSON]:
        """An SQS batch: each message answered and its result written to S3 (queue.py); the first message of
        a cold batch counts as the cold start."""
        first = [cold]

        def answer(document: JSON) -> tuple[int, dict[str, JSON]]:
            was_cold, first[0] = first[0], False
            return self.answer_document(document, request_id, was_cold)

        return queue.handle(event, self.locations, self.storage, answer)

    def batch(self, event: dict[str, JSON], request_id: str, cold: bool, started: float) -> dict[str, JSON]:
        """A Distributed Map batch (batch.py): one line per row, written to S3 or returned. A batch that
        cannot be written fails the invocation, so Step Functions retries it and, in the end, reports it."""
        items = event.get("Items")
        try:
            spec = BatchInput.of(event.get("BatchInput"), self.batch_output)
        except RequestError as e:
            log("ERROR", LOG.batch_failed, requestId=request_id, error=e.code, reason=e.message)
            raise BatchError(e.message) from None
        if not isinstance(items, list):
            raise BatchError("Items must be a list of rows")
        model_started = time.perf_counter()
        try:
            scored = score(self.core, items, spec.passthrough)
        except Exception as e:  # noqa: BLE001 - logged by type only: an exception's text may quote the data
            log("ERROR", LOG.batch_failed, requestId=request_id, rows=len(items), errorType=type(e).__name__)
            raise BatchError("the model could not score this batch") from None
        model_ms = (time.perf_counter() - model_started) * 1000
        summary: dict[str, JSON] = {"rows": scored.rows, "errors": scored.errors}
        if spec.output is not None:
            out = spec.output.join(f"part-{scored.first_row:012d}.jsonl")
            try:
                self.storage.write(out.bucket, out.key, scored.text.encode(), JSON_LINES)
            except S3Failure as e:
                log("ERROR", LOG.batch_failed, requestId=request_id, rows=scored.rows, error=e.code)
                raise BatchError(f"S3 refused the batch's output {out}: {e.code}") from None
            summary["output"] = str(out)
        else:
            # No output location (a local run): the lines themselves, as the output would hold them.
            summary["lines"] = scored.text
        rows = scored.rows - scored.errors
        self._emit(Reply(200, {}, rows=rows, model_ms=model_ms, route="batch"), request_id, cold, False, started)
        return summary


def identity_of(source: model_store.ModelSource) -> dict[str, JSON]:
    """What each answer says about the model that gave it."""
    return {"versionId": source.version_id or None, "sha256": source.short_sha}


def init(env: Env | None = None) -> App:
    """Everything Lambda's init phase does: settings, runtime, model, within the init budget."""
    env = os.environ if env is None else env
    # Settings and the runtime first: a mistake there is reported before minutes of model download.
    limits = Limits.from_env(env)
    settings = Settings.from_env(env)
    capture = CaptureSettings.from_env(env)
    source = model_store.ModelSource.from_env(env)
    fmt = predictor.model_format(env, source.local_path or source.key or "")
    model_store.refuse_unverified_pickle(source, fmt)
    runtime = predictor.runtime(fmt)
    # The download gets the budget less what init has spent and a tenth kept for loading the model.
    deadline = INIT_STARTED + settings.init_budget_seconds * (1 - LOAD_SHARE)
    path = model_store.fetch(source, model_store.cache_dir_of(env), S3Downloader.from_env(env), deadline)
    compute = Compute.from_env(env)
    model = runtime.load(path, source.describe(), threads=compute.threads)
    warning = compute.memory_warning(os.path.getsize(path))
    if warning:
        log("WARN", LOG.memory_warning, warning=warning, processes=compute.processes, memoryMb=compute.memory_mb)
    log(
        "INFO",
        LOG.model_loaded,
        model=source.describe(),
        format=fmt,
        sha256=source.short_sha,
        features=model.n_features,
        processes=compute.processes,
        threads=compute.threads,
        # From the package's first line: imports, download, checksum and load.
        initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3),
    )
    metrics = Metrics(
        settings.metrics_namespace, settings.function_name, settings.function_version, source.short_sha or "none"
    )
    app = App(model, limits, identity_of(source), metrics, settings.model_name)
    app.locations = queue.Locations.from_env(env)
    app.storage = S3Downloader.from_env(env)
    batch_outputs = prefixes_from_env(env, JOBS_ENV.batch_output_uri)
    app.batch_output = batch_outputs[0] if batch_outputs else None
    if capture is not None:
        # Its thread, queue and socket are imported only by a function that captures (about 8 ms of init).
        from .capture import Capture  # noqa: PLC0415

        model_identity: dict[str, JSON] = {
            "name": settings.model_name,
            "sha256": source.sha256,
            "versionId": source.version_id or None,
            "functionVersion": settings.function_version,
        }
        app.capture = Capture(capture, model_identity)
    return app


def _init_or_log() -> App:
    """Init, with any failure logged once as "init failed" (the failed-init alarm counts that line)."""
    try:
        return init()
    except Exception as e:
        error = str(e) if isinstance(e, InitError) else f"{type(e).__name__}: {e}"
        log("ERROR", LOG.init_failed, error=error, initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3))
        raise


lambda_handler = _init_or_log()
