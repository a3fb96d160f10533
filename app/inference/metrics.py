"""Metrics in CloudWatch's Embedded Metric Format: each request's log line carries them, so
CloudWatch Logs turns it into metrics with no SDK call and no request to AWS from the function.

Dimensions stay few: the function with its version (what a rollout's alarms judge) and the
function with its model's sha256 prefix (which model answered); cold starts also by how the environment
began (InitType: a fresh init, provisioned concurrency, a SnapStart restore). Features never appear here.
"""

import json
import time

from .contract import CAPTURE_METRICS, LOG, METRIC_DIMENSIONS, METRIC_UNITS
from .jsontext import quoted

INIT_ON_DEMAND = "on-demand"
"""Lambda's name for an environment initialised for a request (AWS_LAMBDA_INITIALIZATION_TYPE)."""
INIT_RESTORE = "restore"
"""An environment restored from a SnapStart snapshot."""

FUNCTION = METRIC_DIMENSIONS["function"]
VERSION = METRIC_DIMENSIONS["version"]
MODEL = METRIC_DIMENSIONS["model"]
MODEL_NAME = METRIC_DIMENSIONS["modelName"]
INIT_TYPE = METRIC_DIMENSIONS["initType"]
COLD_START = "ColdStart"
# The most kinds of answer (status, cold start, HTTP, route) whose fixed text a Metrics keeps.
MAX_KINDS = 256


class Metrics:
    """Writes one EMF record per request; the fixed part of the record is serialised once, at init."""

    def __init__(self, namespace: str, function_name: str, version: str, model_sha: str, *, many: bool = False):
        # A function with many models counts each by its name (each line names the model that answered).
        self._many = many
        directive = {
            "Namespace": namespace,
            "Dimensions": [[FUNCTION, VERSION], [FUNCTION, MODEL_NAME if many else MODEL]],
            "Metrics": [{"Name": name, "Unit": unit} for name, unit in METRIC_UNITS.items()],
        }
        # Cold starts also per how the environment began (a fresh init, a SnapStart restore, ...): a directive of
        # their own, so the other metrics keep their two dimension sets.
        starts = {**directive, "Dimensions": [[FUNCTION, VERSION, INIT_TYPE]]}
        starts["Metrics"] = [{"Name": COLD_START, "Unit": METRIC_UNITS[COLD_START]}]
        self._dimensions = {FUNCTION: function_name, VERSION: version, **({} if many else {MODEL: model_sha})}
        # {"_aws": {"Timestamp": <now>, "CloudWatchMetrics": [...]}, <dimensions>, <fields and values>}
        self._head = '{"_aws": {"Timestamp": '
        dropped = {**directive, "Dimensions": [[FUNCTION, VERSION]]}
        dropped["Metrics"] = [{"Name": name, "Unit": unit} for name, unit in CAPTURE_METRICS.items()]
        self._dropped = ', "CloudWatchMetrics": ' + json.dumps([dropped]) + "}, " + self._fields() + ", "
        self._directives = ', "CloudWatchMetrics": ' + json.dumps([directive, starts]) + "}, "
        self.init_type = INIT_ON_DEMAND
        self._message = json.dumps(LOG.request)
        self._parts: dict[tuple[int, bool, bool, str], tuple[str, str, str]] = {}

    def _fields(self) -> str:
        return json.dumps(self._dimensions)[1:-1]

    @property
    def init_type(self) -> str:
        """How this environment began: Lambda's AWS_LAMBDA_INITIALIZATION_TYPE, or `restore` once a SnapStart
        snapshot was restored into it."""
        return self._init_type

    @init_type.setter
    def init_type(self, value: str) -> None:
        self._init_type = value
        self._fixed = self._directives + self._fields() + f", {json.dumps(INIT_TYPE)}: {quoted(value)}, "

    def record(
        self,
        *,
        request_id: str,
        cold: bool,
        http: bool,
        route: str,
        status: int,
        rows: int,
        request_ms: float,
        model_ms: float,
        error: str | None,
        model: str | None = None,
    ) -> str:
        """The request's log line: its fields, and the metric values EMF publishes (latencies in ms to the
        microsecond). Formatted by hand (every value is a number, a boolean or a JSON-quoted string) since
        it is written on every request; what depends only on the kind of answer is formatted once per kind."""
        kind = (status, cold, http, route)
        parts = self._parts.get(kind) or self._parts_of(kind)
        error_field = f', "error": {quoted(error)}' if error is not None else ""
        if self._many:
            error_field += f', "{MODEL_NAME}": {quoted(model or "none")}'
        latency, count = f"{request_ms:.3f}", str(int(rows))
        return (
            f"{self._head}{int(time.time() * 1000)}{self._fixed}{parts[0]}{quoted(request_id)}{parts[1]}{count}"
            f', "latencyMs": {latency}{error_field}, "RequestLatency": {latency}, "ModelLatency": {model_ms:.3f}, '
            f'"Rows": {count}{parts[2]}'
        )

    def _parts_of(self, kind: tuple[int, bool, bool, str]) -> tuple[str, str, str]:
        """The fixed text of a line around its request id, rows and latencies, for one kind of answer."""
        status, cold, http, route = kind
        level = "INFO" if status < 500 else "ERROR"
        parts = (
            f'"level": "{level}", "message": {self._message}, "requestId": ',
            f', "coldStart": {"true" if cold else "false"}, "http": {"true" if http else "false"}, '
            f'"route": {quoted(route)}, "status": {int(status)}, "rows": ',
            f', "Status2xx": {1 if 200 <= status < 300 else 0}, "Status4xx": {1 if 400 <= status < 500 else 0}, '
            f'"Status5xx": {1 if status >= 500 else 0}, "ColdStart": {1 if cold else 0}}}',
        )
        # Statuses, routes and the two flags make few kinds; the bound only guards against a surprise.
        if len(self._parts) < MAX_KINDS:
            self._parts[kind] = parts
        return parts

    def dropped_record(self, count: int) -> str:
        """How many capture records were dropped since the last such line (a full spool): one metric record,
        not a line per record."""
        (name,) = CAPTURE_METRICS
        return (
            f"{self._head}{int(time.time() * 1000)}{self._dropped}"
            f'"level": "WARN", "message": {json.dumps(LOG.capture_failed)}, "reason": "spool full", '
            f'"{name}": {int(count)}}}'
        )
