"""Lambda entry point (`inference.handler.lambda_handler`, the image's CMD): predictions from the
deployed model, by ONNX Runtime or scikit-learn.

Init (this module's import) builds the whole function once (app.py): settings, the model's runtime,
the model fetched, verified by its sha256 and loaded. A model in S3 begins to download before the
imports of app.py, which then overlap it (prefetch.py). A failure there is logged once as "init failed"
and fails init with a message naming what to fix. Each invocation goes to the first event source that
matches it (sources/): HTTP, SQS, the batch transform's item batch, or the direct invoke; a source asks
the protocol that owns the request (protocols/) and answers in its sender's shape. Callers' mistakes
get 4xx, ours 500, and no exception reaches the runtime, but a batch the state machine must retry.
"""

import os
import time

from . import INIT_STARTED, prefetch

# Before the imports below: numpy, the runtime and the protocols import while the model downloads.
_DOWNLOAD = prefetch.begin(os.environ)

from .app import App, build  # noqa: E402
from .contract import LOG  # noqa: E402
from .errors import InitError  # noqa: E402
from .logs import log  # noqa: E402


def _init_or_log() -> App:
    """Init, with any failure logged once as "init failed" (the failed-init alarm counts that line)."""
    try:
        return build(os.environ, _DOWNLOAD)
    except Exception as e:
        error = str(e) if isinstance(e, InitError) else f"{type(e).__name__}: {e}"
        log("ERROR", LOG.init_failed, error=error, initMs=round((time.perf_counter() - INIT_STARTED) * 1000, 3))
        raise


lambda_handler = _init_or_log()
