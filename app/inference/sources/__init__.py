"""The event sources, one module each, registered in one list: HTTP (function URLs, API Gateway and
ALB), SQS (queued requests), the batch transform's item batches, and the direct invoke. Each has a
typed event, `matches(event)` and `handle(event, invocation, services)`; the first source that matches
an event answers it, and the direct invoke, last, takes every event the others do not. A new source is
a module here and its place in SOURCES."""

from . import direct, http, item_batch, sqs
from .base import Services, Source

SOURCES: tuple[Source, ...] = (http, sqs, item_batch, direct)
"""Asked in this order: an HTTP event first (the common case), the direct invoke last."""

__all__ = ["SOURCES", "Services", "Source"]
