"""The limits on what one request may carry, from the contract's defaults and ranges, settable through
the function's environment (the component checks the same ranges at deploy)."""

from typing import NamedTuple

from .contract import LIMITS, Limit
from .errors import ConfigError
from .types import Env


def _setting(env: Env, limit: Limit) -> int:
    raw = env.get(limit.name)
    if raw is None or raw == "":
        return limit.default
    # ASCII digits only: int() also takes "1_000", padded spaces and other scripts' digits.
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or not limit.min <= value <= limit.max:
        raise ConfigError(f"{limit.name} must be an integer from {limit.min} to {limit.max}; got {raw!r}")
    return value


class Limits(NamedTuple):
    max_batch_rows: int = LIMITS["max_batch_rows"].default
    """Rows in one request: a native batch, or the open first dimension of a protocol input."""
    max_body_bytes: int = LIMITS["max_body_bytes"].default
    """Bytes of an HTTP request's body."""
    max_queued_input_bytes: int = LIMITS["max_queued_input_bytes"].default
    """Bytes of a queued message's input in S3 (larger than a message can carry, still bounded)."""
    max_text_chars: int = LIMITS["max_text_chars"].default
    """Characters of one text sent to a text model."""

    @staticmethod
    def from_env(env: Env) -> "Limits":
        """The limits set through the function's environment; a malformed one fails init, named."""
        return Limits(**{key: _setting(env, limit) for key, limit in LIMITS.items()})
