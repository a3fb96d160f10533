"""Lambda entry point: predictions from the deployed scikit-learn model.

Init (module import) fetches, verifies and loads the model once; a failure
there is logged as "init failed" and fails init with a message naming what to
fix. Each invoke validates its input and answers 4xx for the caller's
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
import numpy.typing as npt  # noqa: E402
import sklearn  # noqa: E402

import model_store  # noqa: E402
from errors import InitError, RequestError  # noqa: E402
from lambda_types import JSON, Env, LambdaContext, ProxyResponse  # noqa: E402
from validation import Limits, document_from_http, is_http_event, rows_from_document  # noqa: E402

# Inputs are validated finite before they reach the model; skip sklearn's second pass.
sklearn.set_config(assume_finite=True)


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON line per event; features are never among the fields."""
    record = {"level": level, "message": message, **fields}
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


# Final estimators whose `predict` is, by definition, the class with the highest
# `predict_proba`: for them one probability pass yields both answers.
ARGMAX_CLASSIFIERS = frozenset(
    {
        "LogisticRegression",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "DecisionTreeClassifier",
        "ExtraTreeClassifier",
        "GradientBoostingClassifier",
        "HistGradientBoostingClassifier",
        "KNeighborsClassifier",
        "GaussianNB",
        "MultinomialNB",
        "BernoulliNB",
        "ComplementNB",
        "MLPClassifier",
        "LinearDiscriminantAnalysis",
        "QuadraticDiscriminantAnalysis",
    }
)


def final_estimator(model: Any) -> Any:
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


class Predictor:
    """Holds the one loaded model and answers a feature matrix with JSON-native results."""

    def __init__(self, model: Any, version_id: str | None, sha256: str | None):
        self.model = model
        self.n_features = int(model.n_features_in_)
        self.has_proba = hasattr(model, "predict_proba")
        self.classes: npt.NDArray[Any] | None = getattr(model, "classes_", None)
        self.labels_from_proba = (
            self.has_proba and self.classes is not None and type(final_estimator(model)).__name__ in ARGMAX_CLASSIFIERS
        )
        self.identity: dict[str, JSON] = {"versionId": version_id or None, "sha256": sha256[:12] if sha256 else None}

    def predict(self, x: npt.NDArray[np.float64]) -> dict[str, JSON]:
        result: dict[str, JSON]
        if self.labels_from_proba:
            assert self.classes is not None
            proba = self.model.predict_proba(x)
            result = {"predictions": self.classes[proba.argmax(axis=1)].tolist(), "probabilities": proba.tolist()}
        else:
            result = {"predictions": self.model.predict(x).tolist()}
            if self.has_proba:
                result["probabilities"] = self.model.predict_proba(x).tolist()
        result["model"] = self.identity
        return result


class App:
    def __init__(self, predictor: Predictor, limits: Limits):
        self.predictor = predictor
        self.limits = limits
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
            matrix = rows_from_document(document, self.predictor.n_features, self.limits)
            rows = len(matrix)
            status, body = 200, self.predictor.predict(matrix)
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
                "body": json.dumps(body),
                "isBase64Encoded": False,
            }
        return body if status == 200 else {"status": status, **body}


def init(env: Env | None = None) -> App:
    """Everything Lambda's init phase does: read the limits, load the model."""
    env = os.environ if env is None else env
    # Settings first: a malformed limit is reported before minutes of model download.
    limits = Limits.from_env(env)
    model, source = model_store.load_from_env(env)
    predictor = Predictor(model, source.version_id, source.sha256)
    log(
        "INFO",
        "model loaded",
        model=source.describe(),
        sha256=source.short_sha,
        features=predictor.n_features,
        # From the first line of this module: imports, download, checksum and load.
        initMs=round((time.perf_counter() - _MODULE_STARTED) * 1000, 3),
    )
    return App(predictor, limits)


def _init_or_log() -> App:
    try:
        return init()
    except InitError as e:
        log("ERROR", "init failed", error=str(e))
        raise


lambda_handler = _init_or_log()
