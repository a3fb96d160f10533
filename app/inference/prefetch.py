"""The model's download, begun first thing at init.

Before init asks for the model it imports numpy, the model's runtime and the protocols: about a fifth of a
second. For a model in S3, handler.py begins the download before those imports, in a thread of its own, so
that they happen while the bytes arrive and the cold start costs the longer of the two rather than their
sum. This module imports neither numpy nor a runtime, or there would be nothing to overlap.

The download begins only when the cheap checks of the environment pass (InitSettings, the model's
location), the very checks build() makes first; otherwise nothing starts and build() reports the mistake as it
always has. build() then takes the download's verified file, or raises its error, as the download would have
in its own place: the same lock, cache, deadline and checksum (model_store.fetch).
"""

import threading

from .contract import MODEL_ENV
from .settings import InitSettings
from .storage import model_store
from .storage.s3 import S3Client
from .types import Env


class Download:
    """A model's fetch under way in a thread of its own, with the S3 client init goes on to use."""

    def __init__(self, source: model_store.ModelSource, cache_dir: str, storage: S3Client, deadline: float):
        self.source = source
        self.storage = storage
        self._path: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._fetch, args=(cache_dir, deadline), name="model-download", daemon=True
        )
        self._thread.start()

    def _fetch(self, cache_dir: str, deadline: float) -> None:
        try:
            self._path = model_store.fetch(self.source, cache_dir, self.storage, deadline)
        except BaseException as e:  # noqa: BLE001 - raised by path(), in init's own thread
            self._error = e

    def path(self) -> str:
        """The verified local copy, once the fetch is over; or the exception it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._path is not None
        return self._path


def begin(env: Env) -> Download | None:
    """The download of a single model from S3, begun; None for a model in the image, a function with many
    models, or an environment that init will refuse (build() then says why)."""
    if env.get(MODEL_ENV.path) or env.get(MODEL_ENV.manifest):
        return None
    try:
        settings = InitSettings.from_env(env).settings
        source = model_store.ModelSource.from_env(env)
        return Download(source, model_store.cache_dir_of(env), S3Client.from_env(env), settings.download_deadline)
    except Exception:  # noqa: BLE001 - whatever fails here, build() meets again and reports in its order
        return None
