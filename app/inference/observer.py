"""What the function records of each answer: its log line, which carries its metrics (metrics.py), and,
when data capture is on, a sampled record of the request and answer (capture/). Features never reach
the log line."""

import sys
import time
from typing import TYPE_CHECKING

from .invocation import Invocation
from .metrics import Metrics
from .reply import Reply

if TYPE_CHECKING:
    from .capture.writer import Capture


class Observer:
    def __init__(self, metrics: Metrics, capture: "Capture | None" = None):
        self.metrics = metrics
        self.capture = capture

    def observe(self, reply: Reply, invocation: Invocation, *, http: bool) -> None:
        """One answer: kept for capture when sampled, and its log line written (and, when capture had to
        drop records since, a record of how many)."""
        if self.capture is not None:
            self.capture.keep(invocation.request_id, reply.route, reply)
            dropped = self.capture.take_dropped()
            if dropped:
                sys.stdout.write(self.metrics.dropped_record(dropped) + "\n")
        line = self.metrics.record(
            request_id=invocation.request_id,
            cold=invocation.cold,
            http=http,
            route=reply.route,
            status=reply.status,
            rows=reply.rows,
            request_ms=(time.perf_counter() - invocation.started) * 1000,
            model_ms=reply.model_ms,
            error=reply.error,
            model=reply.model,
        )
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def end(self, request_id: str) -> None:
        """The invocation is answered: capture's writer may take its records."""
        if self.capture is not None:
            self.capture.end(request_id)
