"""The models a function serves, each under its name: the loaded runtime and what every answer says
about the model that gave it (its S3 version and sha256). Protocols look models up here by name."""

from dataclasses import dataclass, field

from .errors import NotFound
from .runtimes import Predictor
from .types import JSON


@dataclass(frozen=True, slots=True)
class ServedModel:
    name: str
    """The model's name in the protocol's paths (/v2/models/{name})."""
    predictor: Predictor
    sha256: str | None = None
    """The full hex sha256 init verified the model against (None in tests that make models up)."""
    version_id: str | None = None
    """The S3 object version it was read at; None for a model in the image."""
    identity: dict[str, JSON] = field(init=False)
    """What each native answer says about the model: its S3 version and sha256 prefix."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity", {"versionId": self.version_id, "sha256": self.short_sha})

    @property
    def short_sha(self) -> str | None:
        return self.sha256[:12] if self.sha256 else None

    @property
    def version(self) -> str:
        """The protocol's model version: the S3 object's version, or the sha256 prefix of a model in the image."""
        return self.version_id or str(self.short_sha)


@dataclass(frozen=True, slots=True)
class Models:
    """Every model the function serves, by name."""

    by_name: dict[str, ServedModel]

    @staticmethod
    def of(*models: ServedModel) -> "Models":
        return Models({m.name: m for m in models})

    @property
    def default(self) -> ServedModel:
        """The model a request that names none is answered by (the first)."""
        return next(iter(self.by_name.values()))

    def get(self, name: str) -> ServedModel:
        """The model named `name`, or a 404 that lists what is served."""
        model = self.by_name.get(name)
        if model is None:
            served = ", ".join(repr(n) for n in self.by_name)
            raise NotFound("unknown_model", f"model {name!r} is not served here; this function serves {served}")
        return model
