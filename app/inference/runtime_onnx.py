"""The ONNX Runtime: a model file that is data, not code (nothing is unpickled).

One session per environment, one thread for each of its pools: below 1769 MB
Lambda gives less than one vCPU, and a pool of threads only adds switching.
Inputs are cast to the model's input type (validation has already refused a
value that type cannot hold, such as 1e308 for a float32 model).
"""

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .errors import ModelLoadError
from .predictor import Prediction

ONNX_TYPES: dict[str, type[np.floating[Any]]] = {"tensor(float)": np.float32, "tensor(double)": np.float64}
# Written by app/convert.py into the model's metadata; read when present, inferred from the graph when not.
METADATA_PREFIX = "lambda_inference."


def feature_names_of(metadata: dict[str, str], n_features: int) -> list[str] | None:
    """The real feature names convert.py recorded; None for generated ones, or a model without them."""
    if metadata.get(METADATA_PREFIX + "feature_names_generated", "true") != "false":
        return None
    try:
        names = json.loads(metadata.get(METADATA_PREFIX + "feature_names", "null"))
    except ValueError:
        return None
    valid = isinstance(names, list) and len(names) == n_features and all(isinstance(n, str) for n in names)
    return names if valid and len(set(names)) == len(names) else None


class OnnxPredictor:
    def __init__(self, session: ort.InferenceSession, describe: str):
        self.session = session
        inputs = session.get_inputs()
        if len(inputs) != 1:
            raise ModelLoadError(f"the ONNX model at {describe} has {len(inputs)} inputs; it must take one matrix")
        model_input = inputs[0]
        if model_input.type not in ONNX_TYPES:
            raise ModelLoadError(
                f"the ONNX model at {describe} takes {model_input.type}; it must take tensor(float) or tensor(double)"
            )
        shape = model_input.shape
        if len(shape) != 2 or not isinstance(shape[1], int):
            raise ModelLoadError(
                f"the ONNX model at {describe} must take a [rows, features] matrix with a fixed feature count; "
                f"its input is {shape}"
            )
        self.input_name = model_input.name
        metadata = session.get_modelmeta().custom_metadata_map
        self.feature_names = feature_names_of(metadata, int(shape[1]))
        self.input_dtype: type[np.floating[Any]] = ONNX_TYPES[model_input.type]
        self.n_features = int(shape[1])
        outputs = session.get_outputs()
        task = metadata.get(METADATA_PREFIX + "task") or ("classifier" if len(outputs) == 2 else "regressor")
        self.output_names = [o.name for o in outputs]
        self.classifier = task == "classifier"
        # A classifier converted without predict_proba (LinearSVC, RidgeClassifier) outputs scores, not probabilities.
        self.has_proba = (
            self.classifier and len(outputs) == 2 and metadata.get(METADATA_PREFIX + "probabilities") != "false"
        )

    def predict(self, x: npt.NDArray[Any]) -> Prediction:
        outputs = self.session.run(self.output_names, {self.input_name: x.astype(self.input_dtype, copy=False)})
        if not self.classifier:
            return Prediction(np.asarray(outputs[0]).reshape(len(x), -1)[:, 0])
        labels = np.asarray(outputs[0])
        return Prediction(labels, np.asarray(outputs[1]) if self.has_proba else None)


def load(path: str, describe: str) -> OnnxPredictor:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    try:
        session = ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - onnxruntime raises its own exception types for every bad file
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise ModelLoadError(
            f"could not load the ONNX model from {describe}: {type(e).__name__}: {first_line}"
        ) from None
    return OnnxPredictor(session, describe)
