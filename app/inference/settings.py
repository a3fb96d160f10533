"""What the function learns about itself at init: its name and version (set by Lambda), and the
settings the component gives it (the metrics namespace, the init budget, the model's name)."""

import re
from dataclasses import dataclass

from .contract import (
    DEFAULT_INIT_BUDGET_SECONDS,
    DEFAULT_METRICS_NAMESPACE,
    DEFAULT_MODEL_NAME,
    LAMBDA_ENV,
    MODEL_NAME_PATTERN,
    SETTINGS_ENV,
)
from .errors import ConfigError
from .lambda_types import Env

FUNCTION_NAME, FUNCTION_VERSION = LAMBDA_ENV[:2]
# CloudWatch namespaces: 1-255 of these characters, not starting with a colon or "AWS/".
NAMESPACE = re.compile(r"[0-9A-Za-z.\-_/#:]{1,255}")
MODEL_NAME = re.compile(MODEL_NAME_PATTERN)


@dataclass(frozen=True, slots=True)
class Settings:
    function_name: str
    function_version: str
    metrics_namespace: str
    init_budget_seconds: float
    """How long init may take before it gives up on the model (the download gets what is left)."""
    model_name: str
    """The model's name in the inference protocol's paths (/v2/models/{name})."""

    @staticmethod
    def from_env(env: Env) -> "Settings":
        namespace = env.get(SETTINGS_ENV.metrics_namespace) or DEFAULT_METRICS_NAMESPACE
        if not NAMESPACE.fullmatch(namespace) or namespace.startswith((":", "AWS/")):
            raise ConfigError(f"{SETTINGS_ENV.metrics_namespace} is not a CloudWatch namespace; got {namespace!r}")
        raw = env.get(SETTINGS_ENV.init_budget_seconds) or ""
        try:
            budget = float(raw) if raw else float(DEFAULT_INIT_BUDGET_SECONDS)
        except ValueError:
            budget = -1.0
        if not 0 < budget <= 900:
            raise ConfigError(
                f"{SETTINGS_ENV.init_budget_seconds} must be a number of seconds from 1 to 900; got {raw!r}"
            )
        model_name = env.get(SETTINGS_ENV.model_name) or DEFAULT_MODEL_NAME
        if not MODEL_NAME.fullmatch(model_name):
            raise ConfigError(
                f"{SETTINGS_ENV.model_name} must be letters, digits, '.', '_' or '-' (at most 128, starting with a "
                f"letter or digit); got {model_name!r}"
            )
        return Settings(
            function_name=env.get(FUNCTION_NAME) or "local",
            function_version=env.get(FUNCTION_VERSION) or "$LATEST",
            metrics_namespace=namespace,
            init_budget_seconds=budget,
            model_name=model_name,
        )
