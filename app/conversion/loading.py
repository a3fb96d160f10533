"""Loading what convert.py is given: a joblib pickle of a fitted estimator or pipeline (with the scikit-learn
version that pickled it), or a booster file saved by XGBoost or LightGBM; and finding what in a pipeline
has no ONNX converter."""

import os
import warnings
from typing import Any

import joblib
import sklearn
from sklearn.base import is_classifier, is_regressor

from conversion import ConversionError, boosters
from inference.runtimes.sklearn_features import is_text_model


def estimators(model: Any, name: str = "model") -> list[tuple[str, Any]]:
    """Every estimator inside pipelines, column transformers and unions, with a path naming where it sits."""
    found = [(name, model)]
    for step_name, step in getattr(model, "steps", []):
        found += estimators(step, f"{name}.{step_name}" if name != "model" else step_name)
    for step_name, step, *_ in getattr(model, "transformers", []) + getattr(model, "transformer_list", []):
        if not isinstance(step, str):
            found += estimators(step, f"{name}.{step_name}")
    return found


def unconvertible(model: Any) -> tuple[str, Any] | None:
    """The first estimator skl2onnx has no converter for."""
    from skl2onnx._supported_operators import sklearn_operator_name_map  # noqa: PLC0415

    containers = ("Pipeline", "ColumnTransformer", "FeatureUnion")
    for where, estimator in estimators(model):
        if type(estimator).__name__ not in containers and type(estimator) not in sklearn_operator_name_map:
            return where, estimator
    return None


def culprit(model: Any, error: Exception) -> str:
    """The estimator a conversion error is about (skl2onnx names its class), and the error's first sentence."""
    message = " ".join(str(error).split())
    first = message.split(". ")[0][:200]
    named = [(where, e) for where, e in estimators(model) if type(e).__name__ in message and where != "model"]
    where, estimator = named[0] if named else ("model", model)
    return f"cannot convert {type(estimator).__name__} ({where}): {first}"


def load_estimator(path: str) -> tuple[Any, str]:
    """The fitted estimator, and the scikit-learn version that pickled it (the one running, unless
    scikit-learn warns that the pickle comes from another)."""
    from sklearn.exceptions import InconsistentVersionWarning  # noqa: PLC0415

    boosters.register()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InconsistentVersionWarning)
        try:
            model = joblib.load(path)
        except Exception as e:  # noqa: BLE001 - any failure to unpickle means the same thing here
            raise ConversionError(f"cannot load {path}: {type(e).__name__}: {e}") from None
    versions = [w.message.original_sklearn_version for w in caught if isinstance(w.message, InconsistentVersionWarning)]
    if not hasattr(model, "predict"):
        raise ConversionError(f"{path} holds a {type(model).__name__}, not a fitted model (it has no predict)")
    if not (hasattr(model, "n_features_in_") or is_text_model(model)):
        raise ConversionError(
            f"{path} holds a {type(model).__name__} that is not fitted: fit it before saving it (it has no "
            "n_features_in_, and no fitted text vectorizer first)"
        )
    if not (is_classifier(model) or is_regressor(model)):
        raise ConversionError(f"{type(model).__name__} is neither a classifier nor a regressor; only those are served")
    return model, versions[0] if versions else sklearn.__version__


def booster_library(path: str) -> str | None:
    """ "xgboost" or "lightgbm" for a booster file saved by that library; None for anything else."""
    extension = os.path.splitext(path)[1].lower()
    library = boosters.EXTENSIONS.get(extension)
    if extension == ".json" and not boosters.is_xgboost_json(path):
        return None
    return library
