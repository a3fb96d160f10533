"""The contract the app shares with the component and the Dockerfile (contract.json, beside this
module): the environment it reads, its limits and settings with their defaults and ranges, the model
formats and the library each serves, the log messages alarms filter on, the error codes with their
statuses, and the shapes of the batch transform's items and the queue's messages. Declared once
there, always read by key; read here and by components/contract.ts.

Its sections are NamedTuples: immutable and typed like frozen dataclasses, but built at a seventh of
their cost, and every cold start imports this module."""

import json
import os
import re
from dataclasses import dataclass
from typing import Any, NamedTuple


def _load() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "contract.json")) as f:
        loaded: dict[str, Any] = json.load(f)
        return loaded


_CONTRACT = _load()


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _fields(section: dict[str, Any]) -> dict[str, Any]:
    """A section of the contract, its camelCase keys as the dataclasses' snake_case fields."""
    return {_snake(key): value for key, value in section.items()}


class ModelEnv(NamedTuple):
    """Names of the variables that say where the model is and what it must hash to."""

    bucket: str
    key: str
    version_id: str
    sha256: str
    format: str
    path: str
    cache_dir: str
    files: str
    manifest: str


class RepositoryEnv(NamedTuple):
    """Names of the variables of a function with many models: its models' memory budget, those loaded at init."""

    cache_bytes: str
    preload: str


class TextEnv(NamedTuple):
    """Names of the variables a text model's embeddings follow: the pooling, and whether to normalise."""

    pooling: str
    normalize: str


class SettingsEnv(NamedTuple):
    """Names of the variables the component sets from its own arguments."""

    metrics_namespace: str
    init_budget_seconds: str
    model_name: str


class JobsEnv(NamedTuple):
    """Names of the variables that bound the queued and batch paths: where results go, what may be read."""

    async_output_uri: str
    async_input_prefixes: str
    batch_output_uri: str


class CaptureEnv(NamedTuple):
    """Names of the variables that turn data capture on and say what it keeps and where."""

    uri: str
    sampling_percentage: str
    content: str
    dir: str
    max_seconds: str


class S3Env(NamedTuple):
    """What points the S3 client at its API and region."""

    endpoint: str
    endpoint_s3: str
    endpoint_sfn: str
    region: str
    default_region: str


class LambdaEnv(NamedTuple):
    """What Lambda sets and the app reads."""

    function_name: str
    function_version: str
    memory_size: str
    max_concurrency: str
    initialization_type: str


class ExtensionsEnv(NamedTuple):
    """What Lambda sets for an extension: the address of the Extensions API."""

    runtime_api: str


class Range(NamedTuple):
    """A setting's default and the closed range it must lie in."""

    default: int
    min: int
    max: int


class Limit(NamedTuple):
    """A limit on what one request may carry, settable through the function's environment."""

    name: str
    default: int
    min: int
    max: int


class Format(NamedTuple):
    extensions: tuple[str, ...]
    library: str
    module: str
    pickled: bool
    path_in_image: str
    serves: dict[str, str]
    """The libraries (and their versions) the image's target for this format serves models with."""


class LogMessages(NamedTuple):
    init_failed: str
    model_loaded: str
    model_load_failed: str
    model_evicted: str
    request: str
    prediction_failed: str
    message_failed: str
    batch_failed: str
    memory_warning: str
    capture_failed: str


# A dataclass, not a NamedTuple like the others: a field named `index` would hide tuple.index.
@dataclass(frozen=True, slots=True)
class BatchItem:
    """The Distributed Map's item wrapper (`{"index": N, "row": ...}`, or a reader's `error`)."""

    index: str
    row: str
    error: str


class BatchInputKeys(NamedTuple):
    """ItemBatcher's BatchInput: where the batch's lines go, which columns pass through, whose run it is."""

    output_uri: str
    passthrough_columns: str
    execution_arn: str
    model: str


class BatchLine(NamedTuple):
    """The keys of an output line of the batch transform."""

    row: str
    prediction: str
    probabilities: str
    error: str
    message: str


class QueueMessage(NamedTuple):
    """The keys of a queued message's body (`{"id", "input", "output": {"s3Uri"}}`)."""

    id: str
    input: str
    output: str
    location: str


_ENV = _CONTRACT["environment"]
MODEL_ENV = ModelEnv(**_fields(_ENV["model"]))
SETTINGS_ENV = SettingsEnv(**_fields(_ENV["settings"]))
JOBS_ENV = JobsEnv(**_fields(_ENV["jobs"]))
CAPTURE_ENV = CaptureEnv(**_fields(_ENV["capture"]))
S3_ENV = S3Env(**_fields(_ENV["s3"]))
TEXT_ENV = TextEnv(**_fields(_ENV["text"]))
REPOSITORY_ENV = RepositoryEnv(**_fields(_ENV["repository"]))
LAMBDA_ENV = LambdaEnv(**_fields(_ENV["lambda"]))
EXTENSIONS_ENV = ExtensionsEnv(**_fields(_ENV["extensions"]))
LIMITS: dict[str, Limit] = {_snake(key): Limit(**spec) for key, spec in _ENV["limits"].items()}
"""Each request limit by its snake_case key (max_batch_rows, ...): its variable, default and range."""

_SETTINGS = _CONTRACT["settings"]
INIT_BUDGET_SECONDS = Range(**_SETTINGS["initBudgetSeconds"])
METRICS_NAMESPACE_DEFAULT: str = _SETTINGS["metricsNamespace"]["default"]
METRICS_NAMESPACE_PATTERN: str = _SETTINGS["metricsNamespace"]["pattern"]
METRICS_NAMESPACE_RESERVED: tuple[str, ...] = tuple(_SETTINGS["metricsNamespace"]["reservedPrefixes"])
MODEL_NAME_DEFAULT: str = _SETTINGS["modelName"]["default"]
MODEL_NAME_PATTERN: str = _SETTINGS["modelName"]["pattern"]
"""What a model name may be: it is a segment of the protocol's paths."""

FORMATS: dict[str, Format] = {
    name: Format(
        extensions=tuple(f["extensions"]),
        library=f["library"],
        module=f["module"],
        pickled=f["pickled"],
        path_in_image=f["pathInImage"],
        serves=dict(f["serves"]),
    )
    for name, f in _CONTRACT["formats"].items()
}
NATIVE_ONE_ROW: str = _CONTRACT["requests"]["native"]["oneRow"]
NATIVE_MANY_ROWS: str = _CONTRACT["requests"]["native"]["manyRows"]
PROTOCOL_INPUTS: str = _CONTRACT["requests"]["protocol"]["inputs"]
"""The keys of the native format (one row, a batch) and of the inference protocol's requests."""
EXTENSIONS: dict[str, str] = {extension: name for name, f in FORMATS.items() for extension in f.extensions}
HANDLER: str = _CONTRACT["handler"]
LOG = LogMessages(**_fields(_CONTRACT["logMessages"]))
ERRORS: dict[str, int] = dict(_CONTRACT["errors"])
"""Every error code the app answers with, and its HTTP status."""
METRIC_DIMENSIONS: dict[str, str] = dict(_CONTRACT["metrics"]["dimensions"])
"""The dimension names of the metrics (function, version, model), as the alarms read them."""
METRIC_UNITS: dict[str, str] = dict(_CONTRACT["metrics"]["units"])
"""Every metric each request's record carries, with its CloudWatch unit."""
CAPTURE_METRICS: dict[str, str] = dict(_CONTRACT["metrics"]["capture"])
"""The metric data capture writes when it had to drop records (a record of its own, only then)."""
MAX_SYNC_PAYLOAD_BYTES: int = _CONTRACT["lambda"]["maxSyncPayloadBytes"]
MAX_MODELS: int = _CONTRACT["repository"]["maxModels"]
"""The most models one function serves (the component's `models`)."""
CACHE_SHARE_OF_MEMORY: float = _CONTRACT["repository"]["cacheShareOfMemory"]
"""The share of the function's memory its loaded models may take, unless MODEL_CACHE_BYTES says otherwise."""
"""Lambda's largest synchronous request or response: what a direct invoke sends and every answer returns."""
MAX_ASYNC_PAYLOAD_BYTES: int = _CONTRACT["lambda"]["maxAsyncPayloadBytes"]
"""Lambda's largest asynchronous payload, and SQS's largest message."""
SERVER: dict[str, Any] = dict(_CONTRACT["server"])
"""The inference protocol's server metadata: name, version (the package's) and extensions."""

_CAPTURE = _CONTRACT["capture"]
CAPTURE_EXTENSION: str = _CAPTURE["extension"]
"""The capture extension's file name in /opt/extensions (Lambda requires it as its registered name)."""
CAPTURE_BUILD_ARG: str = _CAPTURE["buildArg"]
CAPTURE_SPOOL_DIR: str = _CAPTURE["spoolDir"]
CAPTURE_PARTITION: str = _CAPTURE["partition"]
CAPTURE_SOCKET: str = _CAPTURE["socket"]
CAPTURE_CONTENTS: tuple[str, ...] = tuple(_CAPTURE["contents"])
CAPTURE_SAMPLING = Range(**_CAPTURE["samplingPercentage"])
CAPTURE_MAX_SECONDS = Range(**_CAPTURE["maxBufferSeconds"])

_BATCH = _CONTRACT["batch"]
BATCH_ITEM = BatchItem(**_fields(_BATCH["item"]))
BATCH_INPUT = BatchInputKeys(**_fields(_BATCH["input"]))
BATCH_LINE = BatchLine(**_fields(_BATCH["line"]))
MAX_PASSTHROUGH_COLUMNS: int = _BATCH["maxPassthroughColumns"]

_FEATURE_TYPES = _CONTRACT["signature"]["featureTypes"]
FEATURE_TYPES: tuple[str, str, str, str] = (_FEATURE_TYPES[0], _FEATURE_TYPES[1], _FEATURE_TYPES[2], _FEATURE_TYPES[3])
"""What a tabular model's feature may be: number, integer, boolean, string (in that order)."""
_LAYOUTS = _CONTRACT["signature"]["layouts"]
LAYOUTS: tuple[str, str, str] = (_LAYOUTS[0], _LAYOUTS[1], _LAYOUTS[2])
"""How rows reach a model: one matrix, one input per column, or one text input (in that order)."""

TEXT_TASKS: tuple[str, ...] = tuple(_CONTRACT["signature"]["textTasks"])
"""What a transformer text model does: text-classification (labels) or feature-extraction (embeddings)."""
POOLINGS: tuple[str, ...] = tuple(_CONTRACT["signature"]["pooling"])
"""How a feature-extraction model's token vectors become one embedding per text (the first, the default)."""

QUEUE_MESSAGE = QueueMessage(**_fields(_CONTRACT["queue"]["message"]))
QUEUE_ID_PATTERN: str = _CONTRACT["queue"]["idPattern"]
