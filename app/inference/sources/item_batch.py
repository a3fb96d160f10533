"""The batch transform's event: a Step Functions Distributed Map hands the function a batch of items
(`{"Items": [...], "BatchInput": {"outputUri", "passthroughColumns"}}`), each one input row wrapped as
`{"index": N, "row": ...}`. Every row gets exactly one output line (protocols/native/lines.py), written
as one part of the run's output (`<outputUri>part-<first row>.jsonl`) or, without an output location
(a local run), returned. A batch whose lines cannot be written, or that the model cannot score, fails
the invocation: Step Functions retries it and, in the end, reports it.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from typing import TypedDict

from ..contract import BATCH_INPUT, LOG, MAX_PASSTHROUGH_COLUMNS
from ..errors import BadRequest, RequestError
from ..invocation import Invocation
from ..logs import log
from ..protocols.native.lines import column_problem, score
from ..reply import Reply
from ..storage.runs import RunCheckFailed, StepFunctionsRuns
from ..storage.s3 import S3Failure
from ..storage.s3uri import S3Uri, parse, require_under
from ..types import JSON
from .base import Services

JSON_LINES = "application/jsonlines"
_OUTPUT, _PASSTHROUGH, _RUN = BATCH_INPUT.output_uri, BATCH_INPUT.passthrough_columns, BATCH_INPUT.execution_arn
# arn:<partition>:states:<region>:<account>:execution:<state machine>:<run name>
_EXECUTION_ARN = re.compile(r"arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:([A-Za-z0-9_-]{1,80})")


class ItemBatchEvent(TypedDict, total=False):
    """What ItemBatcher sends: the items, and what the state machine tells every batch."""

    Items: list[JSON]
    BatchInput: dict[str, JSON]


class BatchError(RuntimeError):
    """A batch that cannot be answered as a whole: the invocation fails, Step Functions retries."""


@dataclass(frozen=True, slots=True)
class BatchInput:
    """Where the batch's part of the output goes, and which columns pass through to its lines."""

    output: S3Uri | None
    passthrough: tuple[str, ...]
    run: str | None = None
    """The Step Functions run (its execution ARN) the batch says it belongs to."""
    model: str | None = None
    """The model that scores it, in a function with many models."""

    @staticmethod
    def of(value: JSON, allowed: S3Uri | None) -> "BatchInput":
        """ItemBatcher's `BatchInput`; its output must lie under the function's batch output location."""
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise BadRequest("invalid_request", "BatchInput must be an object")
        columns = value.get(_PASSTHROUGH) or []
        if (
            not isinstance(columns, list)
            or len(columns) > MAX_PASSTHROUGH_COLUMNS
            or not all(isinstance(c, str) and c for c in columns)
        ):
            raise BadRequest(
                "invalid_request",
                f"BatchInput.{_PASSTHROUGH} must be a list of at most {MAX_PASSTHROUGH_COLUMNS} names",
            )
        output = None
        if value.get(_OUTPUT) is not None:
            try:
                output = parse(value[_OUTPUT], f"BatchInput.{_OUTPUT}")
            except ValueError as e:
                raise BadRequest("invalid_request", str(e)) from None
            require_under(output, (allowed,) if allowed else (), f"BatchInput.{_OUTPUT}")
        run, model = value.get(_RUN), value.get(BATCH_INPUT.model)
        if model is not None and not isinstance(model, str):
            raise BadRequest("invalid_request", f"BatchInput.{BATCH_INPUT.model} must be a model's name")
        return BatchInput(output, tuple(str(c) for c in columns), run if isinstance(run, str) else None, model)


def matches(event: JSON) -> bool:
    return isinstance(event, dict) and "Items" in event


def _spec(event: dict[str, JSON], invocation: Invocation, services: Services) -> tuple[BatchInput, list[JSON]]:
    try:
        spec = BatchInput.of(event.get("BatchInput"), services.jobs.batch_output)
    except RequestError as e:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error=e.code, reason=e.message)
        raise BatchError(e.message) from None
    items = event.get("Items")
    if not isinstance(items, list):
        raise BatchError("Items must be a list of rows")
    if services.jobs.batch_output is not None:
        _check_run(spec, services.jobs.batch_output, services.runs, invocation)
    return spec, items


def _check_run(spec: BatchInput, allowed: S3Uri, runs: StepFunctionsRuns, invocation: Invocation) -> None:
    """A batch is scored only for a run of the function's state machine that is going on, into that run's
    own folder: the role may describe that machine's runs and no other's, so a batch that anyone else
    allowed to invoke the function makes up is refused before the model or S3 sees it."""
    match = _EXECUTION_ARN.fullmatch(spec.run or "")
    reason = None
    if match is None:
        reason = f"BatchInput.{_RUN} must be the ARN of a run of the function's state machine"
    elif spec.output != allowed.join(match.group(1) + "/"):
        reason = f"BatchInput.{_OUTPUT} must be {allowed.join(match.group(1) + '/')}, the run's own folder"
    else:
        try:
            if not runs.is_running(match.group(0)):
                reason = f"the run {match.group(1)} is not going on"
        except RunCheckFailed as e:
            reason = f"the run could not be checked: {e.code}"
    if reason is not None:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error="not_a_batch_run", reason=reason[:200])
        raise BatchError(reason)


def _write_part(services: Services, out: S3Uri, data: bytes, invocation: Invocation) -> None:
    """The batch's lines, never over another's: a retried batch finds its own lines (the same sha256) and
    succeeds; different lines under its key (a batch that is not this one) fail it."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        if services.storage.write_new(out.bucket, out.key, data, JSON_LINES, {"sha256": digest}):
            return
        theirs = services.storage.metadata_of(out.bucket, out.key).get("sha256")
    except S3Failure as e:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error=e.code)
        raise BatchError(f"S3 refused the batch's output {out}: {e.code}") from None
    if theirs != digest:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error="output_exists")
        raise BatchError(f"the batch's output {out} already holds other lines")


def handle(event: JSON, invocation: Invocation, services: Services) -> JSON:
    """One line per row, written to S3 or returned, and the batch's summary."""
    assert isinstance(event, dict)
    spec, items = _spec(event, invocation, services)
    try:
        core = services.protocols.native_for(spec.model).core
    except RequestError as e:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error=e.code, reason=e.message[:200])
        raise BatchError(e.message) from None
    problem = column_problem(core, items, spec.passthrough)
    if problem is not None:
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, error="wrong_columns", reason=problem[:200])
        raise BatchError(problem)
    model_started = time.perf_counter()
    try:
        scored = score(core, items, spec.passthrough)
    except Exception as e:  # noqa: BLE001 - logged by type only: an exception's text may quote the data
        log("ERROR", LOG.batch_failed, requestId=invocation.request_id, rows=len(items), errorType=type(e).__name__)
        raise BatchError("the model could not score this batch") from None
    model_ms = (time.perf_counter() - model_started) * 1000
    summary: dict[str, JSON] = {"rows": scored.rows, "errors": scored.errors}
    if spec.output is not None:
        out = spec.output.join(f"part-{scored.first_row:012d}.jsonl")
        _write_part(services, out, scored.text.encode(), invocation)
        summary["output"] = str(out)
    else:
        # No output location (a local run): the lines themselves, as the output would hold them.
        summary["lines"] = scored.text
    rows = scored.rows - scored.errors
    services.observer.observe(Reply(200, {}, rows=rows, model_ms=model_ms, route="batch"), invocation, http=False)
    return summary
