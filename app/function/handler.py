"""Lambda entry point: predictions from the deployed model, by ONNX Runtime or scikit-learn.

Init (module import) reads the settings, imports the model's runtime,
fetches the model and verifies its sha256, then loads it, once; a failure
there is logged as "init failed" and fails init with a message naming what
to fix. Each invoke validates its input and answers 4xx for the caller's
mistakes and 500 for ours, and never lets an exception reach the runtime.
"""

import time

_MODULE_STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import model_store  # noqa: E402
import predictor  # noqa: E402
from errors import InitError, RequestError, Unprocessable  # noqa: E402
from lambda_types import JSON, Env, LambdaContext, ProxyResponse  # noqa: E402
from predictor import Prediction, Predictor  # noqa: E402
from s3_download import S3Downloader  # noqa: E402
from validation import Limits, document_from_http, is_http_event, rows_from_document  # noqa: E402


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON line per event; features are never among the fields."""
    record = {"level": level, "message": message, **fields}
    sys.stdout.write(json.dumps(record, default=str, allow_nan=False) + "\n")
    sys.stdout.flush()


def first_non_finite_row(prediction: Prediction) -> int | None:
    """The first row whose probabilities or regression value is NaN or infinite (JSON has no such numbers)."""
    for values in (prediction.probabilities, prediction.predictions):
        # One check over the whole array first: this runs on every answer, the search for the row rarely.
        if values is not None and values.dtype.kind == "f" and not np.isfinite(values).all():
            return int(np.argmax(~np.isfinite(values.reshape(len(values), -1)).all(axis=1)))
    return None


def answer(prediction: Prediction, document: JSON, identity: dict[str, JSON]) -> dict[str, JSON]:
    """The JSON answer, or Unprocessable when the model's output for some row is not a finite number."""
    row = first_non_finite_row(prediction)
    if row is not None:
        where = "features" if isinstance(document, dict) and "features" in document else f"instances[{row}]"
        raise Unprocessable(
            "non_finite_output",
            f"the model's answer for {where} is not a finite number: the input is outside what the model can answer",
        )
    return to_json(prediction, identity)


def to_json(prediction: Prediction, identity: dict[str, JSON]) -> dict[str, JSON]:
    """JSON-native lists (numpy scalars and strings become Python ones) and the model's identity."""
    result: dict[str, JSON] = {"predictions": prediction.predictions.tolist()}
    if prediction.probabilities is not None:
        result["probabilities"] = prediction.probabilities.tolist()
    result["model"] = identity
    return result


class App:
    def __init__(self, model: Predictor, limits: Limits, identity: dict[str, JSON]):
        self.model = model
        self.limits = limits
        self.identity = identity
        self.cold = True

    def __call__(self, event: JSON, context: LambdaContext | None) -> ProxyResponse | dict[str, JSON]:
        started = time.perf_counter()
        request_id = getattr(context, "aws_request_id", None) or str(uuid.uuid4())
        cold, self.cold = self.cold, False
        http = is_http_event(event)
        rows = 0
        status: int
        body: dict[str, JSON]
        try:
            document = document_from_http(event, self.limits) if isinstance(event, dict) and http else event
            matrix = rows_from_document(document, self.model.n_features, self.limits, self.model.input_dtype)
            rows = len(matrix)
            status, body = 200, answer(self.model.predict(matrix), document, self.identity)
        except RequestError as e:
            status, body = e.status, {"error": e.code, "message": e.message}
        except Exception as e:  # noqa: BLE001 - nothing may escape to the runtime
            status = 500
            body = {
                "error": "internal_error",
                "message": "the model could not answer this request",
                "requestId": request_id,
            }
            log("ERROR", "prediction failed", requestId=request_id, errorType=type(e).__name__)
        log(
            "INFO" if status < 500 else "ERROR",
            "request",
            requestId=request_id,
            coldStart=cold,
            http=http,
            status=status,
            rows=rows,
            latencyMs=round((time.perf_counter() - started) * 1000, 3),
            **({"error": body["error"]} if status != 200 else {}),
        )
        if http:
            return {
                "statusCode": status,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps(body, allow_nan=False),
                "isBase64Encoded": False,
            }
        return body if status == 200 else {"status": status, **body}


def identity_of(source: model_store.ModelSource) -> dict[str, JSON]:
    """What each answer says about the model that gave it."""
    return {"versionId": source.version_id or None, "sha256": source.short_sha}


def init(env: Env | None = None) -> App:
    """Everything Lambda's init phase does: settings, runtime, model."""
    env = os.environ if env is None else env
    # Settings and the runtime first: a mistake there is reported before minutes of model download.
    limits = Limits.from_env(env)
    source = model_store.ModelSource.from_env(env)
    fmt = predictor.model_format(env, source.local_path or source.key or "")
    model_store.refuse_unverified_pickle(source, fmt)
    runtime = predictor.runtime(fmt)
    path = model_store.fetch(source, model_store.cache_dir_of(env), S3Downloader.from_env(env))
    model = runtime.load(path, source.describe())
    log(
        "INFO",
        "model loaded",
        model=source.describe(),
        format=fmt,
        sha256=source.short_sha,
        features=model.n_features,
        # From the first line of this module: imports, download, checksum and load.
        initMs=round((time.perf_counter() - _MODULE_STARTED) * 1000, 3),
    )
    return App(model, limits, identity_of(source))


def _init_or_log() -> App:
    try:
        return init()
    except InitError as e:
        log("ERROR", "init failed", error=str(e))
        raise


lambda_handler = _init_or_log()
