"""The contract the app shares with the component and the Dockerfile (contract.json, beside this
module): the environment it reads, the model formats, the log messages alarms filter on and the
error codes with their statuses. Declared once there; read here and by components/contract.ts."""

import json
import os
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelEnv:
    """Names of the variables that say where the model is and what it must hash to."""

    bucket: str
    key: str
    version_id: str
    sha256: str
    format: str
    path: str
    cache_dir: str


@dataclass(frozen=True, slots=True)
class SettingsEnv:
    """Names of the variables the component sets from its own arguments."""

    metrics_namespace: str
    init_budget_seconds: str
    model_name: str


@dataclass(frozen=True, slots=True)
class JobsEnv:
    """Names of the variables that bound the queued and batch paths: where results go, what may be read."""

    async_output_uri: str
    async_input_prefixes: str
    batch_output_uri: str


@dataclass(frozen=True, slots=True)
class CaptureEnv:
    """Names of the variables that turn data capture on and say what it keeps and where."""

    uri: str
    sampling_percentage: str
    content: str
    dir: str
    max_seconds: str


@dataclass(frozen=True, slots=True)
class Format:
    extensions: tuple[str, ...]
    library: str
    module: str
    pickled: bool
    path_in_image: str


@dataclass(frozen=True, slots=True)
class LogMessages:
    init_failed: str
    model_loaded: str
    request: str
    prediction_failed: str
    message_failed: str
    batch_failed: str
    memory_warning: str
    capture_failed: str


def _load() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "contract.json")) as f:
        loaded: dict[str, Any] = json.load(f)
        return loaded


_CONTRACT = _load()


def _names(section: str) -> dict[str, str]:
    """A section of the contract's environment, its camelCase keys as the dataclasses' snake_case fields."""
    return {
        re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower(): name for key, name in _CONTRACT["environment"][section].items()
    }


MODEL_ENV = ModelEnv(**_names("model"))
SETTINGS_ENV = SettingsEnv(**_names("settings"))
JOBS_ENV = JobsEnv(**_names("jobs"))
CAPTURE_ENV = CaptureEnv(**_names("capture"))
CAPTURE: dict[str, str] = dict(_CONTRACT["capture"])
"""Data capture's extension name, the build argument that adds it, its spool folder and partition key."""
S3_ENV: tuple[str, ...] = tuple(_CONTRACT["environment"]["s3"])
LAMBDA_ENV: tuple[str, ...] = tuple(_CONTRACT["environment"]["lambda"])
"""What Lambda sets and the app reads: the function's name and version."""
EXTENSIONS_ENV: tuple[str, ...] = tuple(_CONTRACT["environment"]["extensions"])
"""What Lambda sets for an extension: the address of the Extensions API."""
DEFAULT_METRICS_NAMESPACE: str = _CONTRACT["defaults"]["metricsNamespace"]
DEFAULT_INIT_BUDGET_SECONDS: int = _CONTRACT["defaults"]["initBudgetSeconds"]
DEFAULT_MODEL_NAME: str = _CONTRACT["defaults"]["modelName"]
MODEL_NAME_PATTERN: str = _CONTRACT["modelNamePattern"]
"""What a model name may be: it is a segment of the protocol's paths."""
SERVER: dict[str, Any] = dict(_CONTRACT["server"])
"""The inference protocol's server metadata: name, version (the package's) and extensions."""
LIMIT_DEFAULTS: dict[str, int] = dict(_CONTRACT["environment"]["limits"])
FORMATS: dict[str, Format] = {
    name: Format(
        extensions=tuple(f["extensions"]),
        library=f["library"],
        module=f["module"],
        pickled=f["pickled"],
        path_in_image=f["pathInImage"],
    )
    for name, f in _CONTRACT["formats"].items()
}
EXTENSIONS: dict[str, str] = {extension: name for name, f in FORMATS.items() for extension in f.extensions}
HANDLER: str = _CONTRACT["handler"]
LOG = LogMessages(
    init_failed=_CONTRACT["logMessages"]["initFailed"],
    model_loaded=_CONTRACT["logMessages"]["modelLoaded"],
    request=_CONTRACT["logMessages"]["request"],
    prediction_failed=_CONTRACT["logMessages"]["predictionFailed"],
    message_failed=_CONTRACT["logMessages"]["messageFailed"],
    batch_failed=_CONTRACT["logMessages"]["batchFailed"],
    memory_warning=_CONTRACT["logMessages"]["memoryWarning"],
    capture_failed=_CONTRACT["logMessages"]["captureFailed"],
)
ERRORS: dict[str, int] = dict(_CONTRACT["errors"])
"""Every error code the app answers with, and its HTTP status."""
METRIC_DIMENSIONS: dict[str, str] = dict(_CONTRACT["metrics"]["dimensions"])
"""The dimension names of the metrics (function, version, model), as the alarms read them."""
METRIC_UNITS: dict[str, str] = dict(_CONTRACT["metrics"]["units"])
"""Every metric the app writes, with its CloudWatch unit."""
