"""One call of the function, as every source and the metrics see it."""

from dataclasses import dataclass


# Not frozen: one is built per request, and a frozen dataclass takes five times as long to build.
@dataclass(slots=True)
class Invocation:
    request_id: str
    cold: bool
    """The environment's first invocation (its metrics count the cold start)."""
    started: float
    """time.perf_counter() when it began: a request's latency is measured from here."""
