"""Lambda SnapStart: init (the model fetched, verified by its sha256 and loaded) runs once, when a version is
published, and every environment of that version is restored from a snapshot of it. What a restored copy
must not share with the others, or must not keep from the past, is dropped before the snapshot and made
anew after each restore, through the runtime hooks of the Python runtime (`snapshot_restore_py`):

- before the snapshot: the S3 clients of the jobs and of the batch run check (their connections and cached
  credentials), and capture's pending records written to the spool;
- after a restore: those clients are made again on first use, with the credentials Lambda gives the
  restored environment; every random source the app draws from (capture's sampling, Python's `random`) is
  reseeded from the operating system; capture writes under a new name and tells its extension, which
  makes its own S3 client anew; the next request is the environment's cold start, of init type `restore`.

The hooks run only when Lambda takes a snapshot (AWS_LAMBDA_INITIALIZATION_TYPE is `snap-start`); without
the runtime's module (an older runtime, a local run) nothing is registered.
"""

import importlib
import os
import random
from typing import TYPE_CHECKING, Any

from .metrics import INIT_RESTORE

if TYPE_CHECKING:
    from .app import App

SEED_BYTES = 32


def before_snapshot(app: "App") -> None:
    services = app.services
    services.storage.close()
    services.runs.close()
    capture = services.observer.capture
    if capture is not None:
        capture.drain()


def after_restore(app: "App") -> None:
    random.seed(os.urandom(SEED_BYTES))
    services = app.services
    capture = services.observer.capture
    if capture is not None:
        capture.restored()
    services.observer.metrics.init_type = INIT_RESTORE
    app.restored()


def register(app: "App", hooks: Any = None) -> bool:
    """The app's hooks, registered with the runtime's (or `hooks`, a module of the same two functions):
    False when there is no such module."""
    if hooks is None:
        try:
            hooks = importlib.import_module("snapshot_restore_py")  # the runtime's module, where there is one
        except ImportError:
            return False
    hooks.register_before_snapshot(before_snapshot, app)
    hooks.register_after_restore(after_restore, app)
    return True
