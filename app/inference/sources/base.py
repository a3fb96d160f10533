"""What every event source is given and must provide. A source recognises its events (`matches`) and
answers them (`handle`) by asking a protocol (through the registry in `Services.protocols`), recording
each answer with the observer, and shaping it the way its sender expects."""

from dataclasses import dataclass
from typing import Protocol

from ..invocation import Invocation
from ..jobs import JobLocations
from ..observer import Observer
from ..protocols import Protocols
from ..protocols.many import ManyModels
from ..storage.runs import StepFunctionsRuns
from ..storage.s3 import S3Client
from ..types import JSON


@dataclass(frozen=True, slots=True)
class Services:
    """Built once at init, never changed: what the sources call on."""

    protocols: Protocols | ManyModels
    """One model's protocols, or, in a function with many models, the router to each model's."""
    observer: Observer
    storage: S3Client
    """The queued and batch paths' S3 client (it connects on first use, never at init)."""
    jobs: JobLocations
    runs: StepFunctionsRuns
    """Asked whether a batch's run is going on (only when the function writes batch output)."""


class Source(Protocol):
    def matches(self, event: JSON) -> bool:
        """True when the event is this source's."""
        ...

    def handle(self, event: JSON, invocation: Invocation, services: Services) -> JSON:
        """The answer Lambda returns to the event's sender."""
        ...
