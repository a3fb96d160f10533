"""What the function learns about itself at init: its name and version (set by Lambda), and the
settings the component gives it (the metrics namespace, the init budget, the model's name), each
checked against the contract's range or pattern."""

import re
from typing import NamedTuple

from . import INIT_STARTED
from .capture.spool import CaptureSettings
from .contract import (
    INIT_BUDGET_SECONDS,
    LAMBDA_ENV,
    METRICS_NAMESPACE_DEFAULT,
    METRICS_NAMESPACE_PATTERN,
    METRICS_NAMESPACE_RESERVED,
    MODEL_NAME_DEFAULT,
    MODEL_NAME_PATTERN,
    SETTINGS_ENV,
)
from .errors import ConfigError
from .jobs import JobLocations
from .limits import Limits
from .types import Env

NAMESPACE = re.compile(METRICS_NAMESPACE_PATTERN)
MODEL_NAME = re.compile(MODEL_NAME_PATTERN)
# Of the init budget, the share kept for loading the model after the download.
LOAD_SHARE = 0.1


def _namespace(env: Env) -> str:
    namespace = env.get(SETTINGS_ENV.metrics_namespace) or METRICS_NAMESPACE_DEFAULT
    if not NAMESPACE.fullmatch(namespace) or namespace.startswith(METRICS_NAMESPACE_RESERVED):
        raise ConfigError(f"{SETTINGS_ENV.metrics_namespace} is not a CloudWatch namespace; got {namespace!r}")
    return namespace


def _init_budget(env: Env) -> float:
    span = INIT_BUDGET_SECONDS
    raw = env.get(SETTINGS_ENV.init_budget_seconds) or ""
    try:
        budget = float(raw) if raw else float(span.default)
    except ValueError:
        budget = -1.0
    if not span.min <= budget <= span.max:
        raise ConfigError(
            f"{SETTINGS_ENV.init_budget_seconds} must be a number of seconds from {span.min} to {span.max}; got {raw!r}"
        )
    return budget


def _model_name(env: Env) -> str:
    model_name = env.get(SETTINGS_ENV.model_name) or MODEL_NAME_DEFAULT
    if not MODEL_NAME.fullmatch(model_name):
        raise ConfigError(
            f"{SETTINGS_ENV.model_name} must be letters, digits, '.', '_' or '-' (at most 128, starting with a "
            f"letter or digit); got {model_name!r}"
        )
    return model_name


class Settings(NamedTuple):
    function_name: str
    function_version: str
    metrics_namespace: str
    init_budget_seconds: float
    """How long init may take before it gives up on the model (the download gets what is left)."""
    model_name: str
    """The model's name in the inference protocol's paths (/v2/models/{name})."""

    @property
    def download_deadline(self) -> float:
        """When the model's download gives up (a time.perf_counter() value): the init budget from the package's
        first import, less a tenth kept for loading the model."""
        return INIT_STARTED + self.init_budget_seconds * (1 - LOAD_SHARE)

    @staticmethod
    def from_env(env: Env) -> "Settings":
        return Settings(
            function_name=env.get(LAMBDA_ENV.function_name) or "local",
            function_version=env.get(LAMBDA_ENV.function_version) or "$LATEST",
            metrics_namespace=_namespace(env),
            init_budget_seconds=_init_budget(env),
            model_name=_model_name(env),
        )


class InitSettings(NamedTuple):
    """Everything init reads of the environment before the model, each checked: a mistake here is reported before
    any download (and keeps handler.py from beginning one)."""

    limits: Limits
    settings: Settings
    capture: CaptureSettings | None
    jobs: JobLocations

    @staticmethod
    def from_env(env: Env) -> "InitSettings":
        # Read in this order: the first mistake is the one reported.
        return InitSettings(
            Limits.from_env(env), Settings.from_env(env), CaptureSettings.from_env(env), JobLocations.from_env(env)
        )
