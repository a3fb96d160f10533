"""The app's log lines: one JSON object per event on stdout, which CloudWatch Logs keeps as it is."""

import json
import sys
from typing import Any


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON line; features are never among the fields."""
    record = {"level": level, "message": message, **fields}
    sys.stdout.write(json.dumps(record, default=str, allow_nan=False) + "\n")
    sys.stdout.flush()
