"""What `npm start -- --serve` prints of each request: the metric record the function wrote in CloudWatch's
Embedded Metric Format, as one readable line (the namespace, the dimensions, each value with its unit), the
metrics CloudWatch would publish for it once deployed."""

import json
import threading
from collections.abc import Callable
from typing import Any

UNITS = {"Milliseconds": " ms", "Count": ""}
POLL_SECONDS = 0.2


def readable(line: str) -> str | None:
    """The metric record on a log line as one readable line; None for any other line."""
    if '"_aws"' not in line:
        return None
    try:
        record: dict[str, Any] = json.loads(line)
        directive = record["_aws"]["CloudWatchMetrics"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    dimensions = sorted({d for group in directive["Dimensions"] for d in group})
    where = " ".join(f"{d}={record.get(d)}" for d in dimensions)
    values = "  ".join(
        f"{m['Name']} {record[m['Name']]:g}{UNITS.get(m['Unit'], ' ' + m['Unit'])}"
        for m in directive["Metrics"]
        if m["Name"] in record
    )
    return f"[metrics] {directive['Namespace']} {where}: {values}"


class MetricsTail:
    """Follows the function's log (read whole by `read`, as the emulator or the container keeps it) and
    prints each new metric record, until stopped."""

    def __init__(self, read: Callable[[], str], write: Callable[[str], None] = print):
        self.read, self.write = read, write
        self.seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-tail", daemon=True)

    def start(self) -> "MetricsTail":
        self.seen = len(self.read().splitlines())  # what init wrote is not a request
        self._thread.start()
        return self

    def poll(self) -> None:
        lines = self.read().splitlines()
        for line in lines[self.seen :]:
            text = readable(line)
            if text is not None:
                self.write(text)
        self.seen = len(lines)

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
