"""The ONNX Runtime: a model file that is data, not code (nothing is unpickled).

Any ONNX model whose inputs and outputs are tensors is served through the inference protocol, with
its inputs, outputs, datatypes and shapes read from the graph. One whose only input is a
[rows, features] float or double matrix with a fixed feature count (what app/convert.py writes) is
also tabular: the native contract answers it.

One session per process, with as many intra-op threads as the vCPUs the process can count on
(compute.py): one below 3538 MB (Lambda gives less than two vCPUs), more on a larger function, and on
a managed instance the environment's vCPUs divided among its processes. More only adds switching.
Inputs are cast to the model's input type (validation has already refused a
value that type cannot hold, such as 1e308 for a float32 model).
"""

import json
import os
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from ..errors import BadRequest, ModelLoadError
from . import Prediction, session_run, text
from .columns import Feeds, lowercased, matrix_of_columns
from .features import MATRIX, NUMBER, Feature, Table
from .spec import TensorSpec

ONNX_TYPES: dict[str, type[np.floating[Any]]] = {"tensor(float)": np.float32, "tensor(double)": np.float64}
"""The input types of a tabular model."""
ONNX_DATATYPES = {
    "tensor(bool)": "BOOL",
    "tensor(int8)": "INT8",
    "tensor(int16)": "INT16",
    "tensor(int32)": "INT32",
    "tensor(int64)": "INT64",
    "tensor(uint8)": "UINT8",
    "tensor(uint16)": "UINT16",
    "tensor(uint32)": "UINT32",
    "tensor(uint64)": "UINT64",
    "tensor(float16)": "FP16",
    "tensor(float)": "FP32",
    "tensor(double)": "FP64",
    "tensor(string)": "BYTES",
}
"""Each ONNX tensor type the protocol has a datatype for."""
PLATFORM = "onnxruntime_onnx"
# The operators' domain of onnxruntime-extensions (tokenizers and string operators inside a graph).
EXTENSIONS_DOMAIN = "ai.onnx.contrib"
# The image target that holds the text stage's libraries (tokenizers, onnxruntime-extensions).
TEXT_TARGET = "onnx-text"
# Written by app/convert.py into the model's metadata; read when present, inferred from the graph when not.
METADATA_PREFIX = "lambda_inference."


def spec_of(arg: Any) -> TensorSpec | None:
    """A graph input or output as the protocol declares it (symbolic or unknown dimensions are -1); None
    for what is not a tensor the protocol carries (a sequence, a map)."""
    datatype = ONNX_DATATYPES.get(arg.type)
    if datatype is None:
        return None
    return TensorSpec(arg.name, datatype, tuple(d if isinstance(d, int) and d >= 0 else -1 for d in arg.shape or []))


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


def _answers_rows(outputs: list[TensorSpec]) -> bool:
    """A label or a value per row first, as a classifier or a regressor answers ([rows] or [rows, 1])."""
    return bool(outputs) and outputs[0].shape in ((-1,), (-1, 1))


def table_of(
    metadata: dict[str, str], inputs: list[TensorSpec], outputs: list[TensorSpec], describe: str
) -> Table | None:
    """The features the signature in the model's metadata declares; for a model without them, what its
    inputs say (a matrix keeps the feature names convert.py recorded before it wrote features)."""
    try:
        signature = json.loads(metadata.get(METADATA_PREFIX + "signature", "{}"))
    except ValueError:
        signature = {}
    if isinstance(signature, dict) and "features" in signature:
        try:
            return Table.of(signature, inputs)
        except ValueError as e:
            raise ModelLoadError(f"the signature inside the ONNX model at {describe} does not fit it: {e}") from None
    table = Table.from_inputs(inputs)
    if table is not None and table.layout != MATRIX and not _answers_rows(outputs):
        return None  # strings in, but not one answer per row out (embeddings, tokens): a tensor model
    if table is not None and table.layout == MATRIX:
        names = feature_names_of(metadata, len(table.features))
        if names is not None:
            table = Table(MATRIX, tuple(Feature(name, NUMBER) for name in names))
    return table


class OnnxPredictor:
    platform = PLATFORM

    def __init__(self, session: ort.InferenceSession, describe: str):
        self.session = session
        inputs, outputs = session.get_inputs(), session.get_outputs()
        specs = [spec_of(i) for i in inputs]
        unsupported = [f"{i.name} ({i.type})" for i, spec in zip(inputs, specs, strict=True) if spec is None]
        if unsupported:
            raise ModelLoadError(
                f"the ONNX model at {describe} takes {', '.join(unsupported)}: only tensors of the protocol's "
                f"datatypes can be sent ({', '.join(t[7:-1] for t in ONNX_DATATYPES)})"
            )
        self.inputs = [spec for spec in specs if spec is not None]
        # Dimensions the graph names (a "batch" shared by every input) must agree across a request's inputs.
        self.symbols = [
            (i.name, axis, d) for i in inputs for axis, d in enumerate(i.shape or []) if isinstance(d, str) and d
        ]
        # Outputs that are not tensors (a ZipMap's list of maps) cannot be answered; they are never run.
        self.outputs = [spec for spec in map(spec_of, outputs) if spec is not None]
        if not self.outputs:
            raise ModelLoadError(f"the ONNX model at {describe} has no tensor output to answer with")
        metadata = session.get_modelmeta().custom_metadata_map
        self._rows(table_of(metadata, self.inputs, self.outputs, describe), inputs)
        task = metadata.get(METADATA_PREFIX + "task") or ("classifier" if len(outputs) == 2 else "regressor")
        self.output_names = [o.name for o in outputs]
        self.classifier = task == "classifier"
        # A classifier converted without predict_proba (LinearSVC, RidgeClassifier) outputs scores, not probabilities.
        self.has_proba = (
            self.classifier and len(outputs) == 2 and metadata.get(METADATA_PREFIX + "probabilities") != "false"
        )
        self._run: Any = session_run(session)

    def _rows(self, table: Table | None, inputs: list[Any]) -> None:
        """What the native contract needs: the features, and how rows of them become the model's inputs."""
        self.table = table
        self.tabular = table is not None
        self.input_name = inputs[0].name
        self.n_features = len(table.features) if table else 0
        self.feature_names = table.names if table and table.named else None
        numeric = [i.type for i in inputs if i.type in ONNX_TYPES]
        self.input_dtype: type[np.floating[Any]] = ONNX_TYPES[numeric[0]] if numeric else np.float64
        self._feed = None if table is None or table.layout == MATRIX else Feeds(table, self.inputs)
        # Texts the model's vectorizer lowercased: lowercased here on every route, the inference protocol's too.
        self._lowercased = [f.input for f in table.features if f.lowercase and f.input] if table else []

    def predict(self, x: npt.NDArray[Any]) -> Prediction:
        outputs = self._run(self.output_names, {self.input_name: x.astype(self.input_dtype, copy=False)})
        return self._answer(outputs, len(x))

    def _answer(self, outputs: list[Any], rows: int) -> Prediction:
        if not self.classifier:
            return Prediction(np.asarray(outputs[0]).reshape(rows, -1)[:, 0])
        labels = np.asarray(outputs[0])
        if labels.ndim != 1:  # a label per row, whatever shape the graph gives them ([rows] nearly always)
            labels = labels.reshape(rows)
        return Prediction(labels, np.asarray(outputs[1]) if self.has_proba else None)

    def predict_columns(self, columns: list[Any]) -> Prediction:
        """The answer to rows given column by column, in the table's order, validated (None: missing)."""
        if self._feed is None:
            return self.predict(matrix_of_columns(columns, self.input_dtype))
        outputs = self._run(self.output_names, self._feed.of(columns))
        return self._answer(outputs, len(columns[0]) if columns else 0)

    def run(self, feeds: dict[str, npt.NDArray[Any]], outputs: list[str]) -> list[npt.NDArray[Any]]:
        seen: dict[str, tuple[str, int]] = {}
        for name, axis, symbol in self.symbols:
            size = feeds[name].shape[axis]
            first = seen.setdefault(symbol, (name, size))
            if first[1] != size:
                raise BadRequest(
                    "wrong_shape",
                    f"inputs {first[0]!r} and {name!r} must agree on the model's dimension {symbol!r}; "
                    f"they give {first[1]} and {size}",
                )
        for name in self._lowercased:
            if name in feeds:
                feeds = {**feeds, name: lowercased(feeds[name])}
        try:
            return [np.asarray(o) for o in self._run(outputs, feeds)]
        except ort.capi.onnxruntime_pybind11_state.InvalidArgument as e:
            # ONNX Runtime's own check of the inputs against the graph: it names inputs and dimensions only.
            raise BadRequest("invalid_tensor", f"the model refused the inputs: {_first_line(e)}") from None


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _session(path: str, options: ort.SessionOptions, describe: str, extended: bool = False) -> ort.InferenceSession:
    """The session; a graph that uses onnxruntime-extensions' operators (a tokenizer inside it) gets that library,
    which only such a model loads."""
    try:
        return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - onnxruntime raises its own exception types for every bad file
        if EXTENSIONS_DOMAIN not in str(e) or extended:
            message = f"could not load the ONNX model from {describe}: {type(e).__name__}: {_first_line(e)}"
            raise ModelLoadError(message) from None
    try:
        import onnxruntime_extensions  # noqa: PLC0415
    except ImportError:
        raise ModelLoadError(
            f"the ONNX model at {describe} uses onnxruntime-extensions' operators ({EXTENSIONS_DOMAIN}), which this "
            f"image lacks: build app/Dockerfile's `{TEXT_TARGET}` target (the component picks it for a text model)"
        ) from None
    options.register_custom_ops_library(onnxruntime_extensions.get_library_path())
    return _session(path, options, describe, extended=True)


def load(path: str, describe: str, threads: int = 1) -> "OnnxPredictor | text.TextPredictor":
    """The session, with `threads` intra-op threads: the vCPUs this process can count on (compute.py), one on
    a small function, more on a large one or a managed instance shared by fewer processes than vCPUs. A graph that
    takes token ids is a text model, answered with the tokenizer beside it."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = _session(path, options, describe)
    if text.is_text_model(session.get_inputs()):
        from ..limits import Limits  # noqa: PLC0415

        folder = os.path.dirname(os.path.abspath(path))
        settings = text.TextSettings.from_env(os.environ)
        return text.TextPredictor(session, folder, describe, settings, Limits.from_env(os.environ).max_text_chars)
    return OnnxPredictor(session, describe)
