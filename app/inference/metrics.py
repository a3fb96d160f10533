"""Metrics in CloudWatch's Embedded Metric Format: each request's log line carries them, so
CloudWatch Logs turns it into metrics with no SDK call and no request to AWS from the function.

Dimensions stay few: the function with its version (what a rollout's alarms judge) and the
function with its model's sha256 prefix (which model answered). Features never appear here.
"""

import json
import time

from .contract import METRIC_DIMENSIONS, METRIC_UNITS
from .lambda_types import JSON

FUNCTION = METRIC_DIMENSIONS["function"]
VERSION = METRIC_DIMENSIONS["version"]
MODEL = METRIC_DIMENSIONS["model"]


class Metrics:
    """Writes one EMF record per request; the fixed part of the record is serialised once, at init."""

    def __init__(self, namespace: str, function_name: str, version: str, model_sha: str):
        directive = {
            "Namespace": namespace,
            "Dimensions": [[FUNCTION, VERSION], [FUNCTION, MODEL]],
            "Metrics": [{"Name": name, "Unit": unit} for name, unit in METRIC_UNITS.items()],
        }
        dimensions = {FUNCTION: function_name, VERSION: version, MODEL: model_sha}
        # {"_aws": {"Timestamp": <now>, "CloudWatchMetrics": [...]}, <dimensions>, <fields and values>}
        self._head = '{"_aws": {"Timestamp": '
        self._fixed = ', "CloudWatchMetrics": ' + json.dumps([directive]) + "}, " + json.dumps(dimensions)[1:-1] + ", "

    def record(
        self,
        fields: dict[str, JSON],
        *,
        status: int,
        rows: int,
        request_ms: float,
        model_ms: float,
        cold: bool,
    ) -> str:
        """The request's log line: its fields, and the metric values EMF publishes."""
        values: dict[str, JSON] = {
            **fields,
            "RequestLatency": request_ms,
            "ModelLatency": model_ms,
            "Rows": rows,
            "Status2xx": 1 if 200 <= status < 300 else 0,
            "Status4xx": 1 if 400 <= status < 500 else 0,
            "Status5xx": 1 if status >= 500 else 0,
            "ColdStart": 1 if cold else 0,
        }
        return self._head + str(int(time.time() * 1000)) + self._fixed + json.dumps(values, allow_nan=False)[1:]
