"""Model runtimes (ONNX Runtime, scikit-learn), one module each behind one contract. A Predictor declares the tensors it
takes and gives (the inference protocol's metadata) and runs them by name; a
tabular one (runtimes/features.py: a feature matrix, one input per column, or a
text) also answers validated rows with labels (or values) and, for classifiers
that have them, probabilities, as numpy arrays: the native contract. The handler turns them
into JSON.

The runtime is chosen by the model's format (MODEL_FORMAT, else the file's
extension) from the contract's formats, and imported only then: an image
carries one runtime, and a format it lacks fails init with a message naming
the Dockerfile target to build. A new format is a module here, its entry in
contract.json, its locked requirements and its Dockerfile stage.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..contract import EXTENSIONS, FORMATS, MODEL_ENV
from ..errors import ConfigError, ModelLoadError
from ..types import JSON, Env
from .features import Table
from .spec import TensorSpec


def session_run(session: Any) -> Any:
    """An ONNX Runtime session's run(output names, feeds). InferenceSession.run checks the feeds' names on every
    call before its C++ session runs; a runtime that feeds the graph its own names calls that session directly
    when it is there."""
    native = getattr(session, "_sess", None)
    return (lambda names, feeds: native.run(names, feeds, None)) if native is not None else session.run


@dataclass(slots=True)
class Prediction:
    """Labels for a classifier, values for a regressor; probabilities when the classifier has them."""

    predictions: npt.NDArray[Any]
    probabilities: npt.NDArray[np.floating[Any]] | None = None
    details: dict[str, JSON] | None = None
    """What else the answer says of the request as a whole (a text model: its maximum length, what it truncated)."""


class Predictor(Protocol):
    platform: str
    """What serves the model, as the protocol's model metadata names it."""
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    tabular: bool
    """Rows of features (a matrix, a column per input, or a text): the native contract applies."""
    table: Table | None
    """The features, their types and layout, when the model is tabular."""
    n_features: int
    # The features' names in the model's order, when it has real ones (trained on named columns): rows may
    # then be objects keyed by name. None when the model knows only positions.
    feature_names: list[str] | None
    # float32 or float64: validation refuses values this type cannot hold, before the model sees them.
    input_dtype: type[np.floating[Any]]

    def predict(self, x: npt.NDArray[Any]) -> Prediction:
        """The answer to a [rows, features] matrix in `input_dtype` (a `matrix` table's fast path)."""
        ...

    def predict_columns(self, columns: list[Any]) -> Prediction:
        """The answer to validated rows given column by column in the table's order: a list per feature (None:
        missing), or an array the batch read (NaN, or None among strings, where missing)."""
        ...

    def run(self, feeds: dict[str, npt.NDArray[Any]], outputs: list[str]) -> list[npt.NDArray[Any]]:
        """The named outputs for inputs checked against `inputs` (names, datatypes, shapes)."""
        ...


def model_format(env: Env, location: str) -> str:
    """MODEL_FORMAT when set (the component always sets it), else the extension of the model's file or key."""
    declared = (env.get(MODEL_ENV.format) or "").strip()
    if declared:
        if declared not in FORMATS:
            raise ConfigError(f"{MODEL_ENV.format} must be one of {', '.join(FORMATS)}; got {declared!r}")
        return declared
    extension = "." + location.rsplit(".", 1)[-1].lower() if "." in location.rsplit("/", 1)[-1] else ""
    if extension not in EXTENSIONS:
        raise ConfigError(
            f"{MODEL_ENV.format} is not set and the model's name ({location}) does not tell: set "
            f"{MODEL_ENV.format} to " + " or ".join(FORMATS)
        )
    return EXTENSIONS[extension]


class Runtime(Protocol):
    """A runtime module (runtimes.onnx, runtimes.sklearn)."""

    def load(self, path: str, describe: str, threads: int = 1) -> Predictor: ...


def runtime(fmt: str) -> Runtime:
    """The runtime module for `fmt`, imported now; fails init, naming the target to build, when the image lacks it."""
    library = FORMATS[fmt].library
    if importlib.util.find_spec(library) is None:
        raise ModelLoadError(
            f"{MODEL_ENV.format} is {fmt}, but this image has no {library}: build app/Dockerfile's `{fmt}` target "
            f"(the component picks it from modelFormat)"
        )
    loaded: Runtime = importlib.import_module(f".{FORMATS[fmt].module}", __package__)
    return loaded
