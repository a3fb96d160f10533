"""XGBoost and LightGBM for convert.py: their converters registered with skl2onnx (for XGBClassifier,
XGBRegressor, LGBMClassifier and LGBMRegressor, alone or inside a scikit-learn pipeline), and boosters
saved by the libraries themselves (XGBoost's .ubj or .json, LightGBM's .txt) loaded behind the same
predict / predict_proba face the parity check asks of a scikit-learn model.

onnxmltools holds the converters; xgboost and lightgbm are development requirements only: the image
serves the converted model with ONNX Runtime and numpy.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

EXTENSIONS = {".ubj": "xgboost", ".json": "xgboost", ".txt": "lightgbm"}
"""Files of a booster saved by its own library, and which library reads them."""
# The highest ai.onnx opset onnxmltools converts a bare booster to.
BOOSTER_OPSET = 15
# LightGBM names unnamed columns Column_0, Column_1, ...: positions, not names.
_LIGHTGBM_GENERATED = re.compile(r"Column_\d+")

_registered = False


def register() -> None:
    """Teaches skl2onnx to convert XGBoost's and LightGBM's scikit-learn estimators, with probabilities
    as a plain tensor (the zipmap option) as for scikit-learn's own classifiers."""
    global _registered  # noqa: PLW0603 - skl2onnx's registry is global; register once per process
    if _registered:
        return
    from lightgbm import LGBMClassifier, LGBMRegressor  # noqa: PLC0415
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm  # noqa: PLC0415
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost  # noqa: PLC0415
    from skl2onnx import update_registered_converter  # noqa: PLC0415
    from skl2onnx.common.shape_calculator import (  # noqa: PLC0415
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from xgboost import XGBClassifier, XGBRegressor  # noqa: PLC0415

    options = {"nocl": [True, False], "zipmap": [True, False, "columns"]}
    for estimator, alias, shapes, converter, extra in (
        (XGBClassifier, "XGBoostXGBClassifier", calculate_linear_classifier_output_shapes, convert_xgboost, options),
        (XGBRegressor, "XGBoostXGBRegressor", calculate_linear_regressor_output_shapes, convert_xgboost, None),
        (
            LGBMClassifier,
            "LightGbmLGBMClassifier",
            calculate_linear_classifier_output_shapes,
            convert_lightgbm,
            options,
        ),
        (LGBMRegressor, "LightGbmLGBMRegressor", calculate_linear_regressor_output_shapes, convert_lightgbm, None),
    ):
        update_registered_converter(estimator, alias, shapes, converter, options=extra)
    _registered = True


def library_of(model: Any) -> str | None:
    """ "xgboost" or "lightgbm" when the model (or a step of it) comes from that library."""
    for step in [model, *[s for _, s in getattr(model, "steps", [])]]:
        module = type(step).__module__.split(".")[0]
        if module in ("xgboost", "lightgbm"):
            return module
    return None


def is_xgboost_json(path: str) -> bool:
    """A .json file XGBoost saved (not a model.json signature)."""
    try:
        with open(path) as f:
            document = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and "learner" in document


@dataclass
class Booster:
    """A booster as the parity check and the signature see it."""

    library: str
    version: str
    booster: Any
    objective: str
    task: str
    n_features_in_: int
    n_classes: int
    feature_names: list[str] | None

    @property
    def classes_(self) -> npt.NDArray[np.int64]:
        return np.arange(self.n_classes)

    def _raw(self, x: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        if self.library == "xgboost":
            import xgboost  # noqa: PLC0415

            matrix = xgboost.DMatrix(np.asarray(x), feature_names=self.feature_names)
            return np.asarray(self.booster.predict(matrix), dtype=np.float64)
        return np.asarray(self.booster.predict(x), dtype=np.float64)

    def predict_proba(self, x: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        raw = self._raw(x)
        # A binary objective gives the positive class's probability alone.
        return np.column_stack([1 - raw, raw]) if raw.ndim == 1 else raw

    def predict(self, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if self.task == "classifier":
            return np.asarray(self.predict_proba(x).argmax(axis=1))
        return self._raw(x)


def _classification(objective: str) -> bool | None:
    """True for objectives that give class probabilities, False for regression ones, None for others
    (ranking, raw margins, survival) that have no converter here."""
    name = objective.split(maxsplit=1)[0]
    if name in ("binary:logistic", "multi:softprob", "binary", "multiclass", "cross_entropy"):
        return True
    if name.startswith("reg:") or name in ("regression", "regression_l1", "huber", "fair", "poisson", "quantile",
                                            "mape", "gamma", "tweedie"):  # fmt: skip
        return False
    return None


def _xgboost(path: str) -> tuple[Any, str, int, int, list[str] | None, str]:
    import xgboost  # noqa: PLC0415

    booster = xgboost.Booster()
    booster.load_model(path)
    learner = json.loads(booster.save_config())["learner"]
    objective = str(learner["objective"]["name"])
    n_classes = int(learner["learner_model_param"].get("num_class", "0")) or 2
    names = list(booster.feature_names) if booster.feature_names else None
    return booster, objective, n_classes, booster.num_features(), names, xgboost.__version__


def _lightgbm(path: str) -> tuple[Any, str, int, int, list[str] | None, str]:
    import lightgbm  # noqa: PLC0415

    booster = lightgbm.Booster(model_file=path)
    dumped = booster.dump_model(num_iteration=0)
    objective = str(dumped.get("objective", ""))
    n_classes = int(dumped.get("num_class", 1)) if objective.startswith("multiclass") else 2
    names: list[str] | None = [str(n) for n in booster.feature_name()]
    if names is not None and all(_LIGHTGBM_GENERATED.fullmatch(n) for n in names):
        names = None
    return booster, objective, n_classes, booster.num_feature(), names, lightgbm.__version__


def load(path: str, library: str) -> Booster:
    """A booster saved by XGBoost or LightGBM; a ValueError naming what does not fit otherwise."""
    booster, objective, n_classes, n_features, names, version = (_xgboost if library == "xgboost" else _lightgbm)(path)
    classification = _classification(objective)
    if classification is None:
        raise ValueError(
            f"{library}'s objective {objective.split(maxsplit=1)[0]!r} is neither classification with "
            "probabilities nor regression; only those convert"
        )
    return Booster(
        library=library,
        version=version,
        booster=booster,
        objective=objective.split(maxsplit=1)[0],
        task="classifier" if classification else "regressor",
        n_features_in_=n_features,
        n_classes=n_classes if classification else 0,
        feature_names=names,
    )


def convert(model: Booster, dtype: type[np.floating[Any]]) -> Any:
    """The ONNX model of a bare booster: input X [rows, features], outputs label and probabilities (a
    classifier) or variable (a regressor), as skl2onnx names them for scikit-learn models."""
    from onnxmltools import convert_lightgbm, convert_xgboost  # noqa: PLC0415
    from onnxmltools.convert.common.data_types import DoubleTensorType, FloatTensorType  # noqa: PLC0415

    tensor = FloatTensorType if dtype == np.float32 else DoubleTensorType
    initial = [("X", tensor([None, model.n_features_in_]))]
    if model.library == "xgboost":
        # Its converter takes f0, f1, ... only: a copy without the names (the signature keeps them).
        booster = model.booster.copy()
        booster.feature_names = None
        onx = convert_xgboost(booster, initial_types=initial, target_opset=BOOSTER_OPSET)
    else:
        onx = convert_lightgbm(model.booster, initial_types=initial, target_opset=BOOSTER_OPSET, zipmap=False)
    # LightGBM's converter declares the label as [1]; it has a row per input row.
    for output in onx.graph.output:
        dims = output.type.tensor_type.shape.dim
        if output.name == "label" and len(dims) == 1 and dims[0].dim_value == 1:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "N"
    return onx
