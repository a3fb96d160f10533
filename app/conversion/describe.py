"""`convert.py --describe`: the signature of a model served as it is, with a sample it is checked to answer:
- any ONNX file: the signature convert.py put in its metadata, else what its inputs say (a matrix, one
  input per column, one text), or, for any other model, an inference request generated from its inputs;
- a scikit-learn pickle, which the scikit-learn runtime serves: its features read from the model itself.
Which features may be missing is probed on the model.
"""

import argparse
import json
import os
from typing import Any

import numpy as np
import onnxruntime as ort
import sklearn

import signature
from conversion import ConversionError, probes, samples
from conversion.boosters import library_of
from conversion.loading import booster_library, load_estimator
from conversion.parity import Answers
from conversion.samples import Sample
from conversion.text_models import describe_text
from inference.errors import ModelLoadError, RequestError
from inference.limits import Limits
from inference.models import Models, ServedModel
from inference.protocols.oip import OipProtocol
from inference.runtimes import Predictor
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes import sklearn as runtime_sklearn
from inference.runtimes.features import COLUMNS, MATRIX, Table
from inference.runtimes.onnx import EXTENSIONS_DOMAIN, METADATA_PREFIX
from inference.runtimes.text import TextPredictor
from inference.storage.model_store import sha256_of

BOOSTER_INSTEAD = "the image serves XGBoost and LightGBM models only as ONNX"
SKLEARN_COLUMN_TYPES = (
    "the scikit-learn runtime reads a column's type from the encoder that reads it and takes every other column as "
    "a number (send true and false as 1 and 0), or convert the model to ONNX (without --describe), which keeps the "
    "sample's types"
)


def generated_request(predictor: Any) -> dict[str, Any]:
    """An inference request of zeros (empty strings for BYTES) in every declared input, a dimension of any
    size taken as 1: the sample of a model that is not tabular, when none is given."""
    inputs = []
    for spec in predictor.inputs:
        shape = [d if d >= 0 else 1 for d in spec.shape]
        count = int(np.prod(shape))
        data: list[Any] = (
            [""] * count if spec.datatype == "BYTES" else [False if spec.datatype == "BOOL" else 0] * count
        )
        inputs.append({"name": spec.name, "shape": shape, "datatype": spec.datatype, "data": data})
    return {"inputs": inputs}


def protocol_sample(path: str | None, predictor: Any) -> dict[str, Any]:
    """The sample of a model served through the inference protocol only: an inference request (given, or
    generated), checked by answering it as the function would."""
    document = generated_request(predictor) if path is None else samples.read_document(path)
    server = OipProtocol(
        Models.of(ServedModel("model", predictor)), Limits(max_batch_rows=10**7, max_body_bytes=10**10)
    )
    try:
        server.infer(document, b"")
    except RequestError as e:
        label = path or "generated from the model's inputs"
        raise ConversionError(f"the model refuses its sample ({label}): {e.message}") from None
    return {k: document[k] for k in ("inputs", "outputs") if k in document}


def answered(predictor: Predictor, sample: Sample) -> Table:
    """The sample answered by the model as the function would answer it, and the table with which features
    the model answers without (probed)."""
    classifier = bool(getattr(predictor, "classifier", getattr(predictor, "classes", None) is not None))
    try:
        predictor.predict_columns(sample.columns)
    except Exception as e:  # noqa: BLE001 - whatever the runtime raises, the sample is not one the model answers
        raise ConversionError(f"the model refuses its sample {sample.label}: {type(e).__name__}: {e}") from None

    def served(columns: list[list[Any]]) -> Answers:
        return probes.answers_of(predictor.predict_columns(columns), classifier)

    return probes.with_missing(sample.table, sample, served, None, classifier)


def _inside(predictor: runtime_onnx.OnnxPredictor) -> dict[str, Any]:
    metadata = predictor.session.get_modelmeta().custom_metadata_map
    found = json.loads(metadata.get(METADATA_PREFIX + "signature", "{}"))
    return found if isinstance(found, dict) else {}


def _tabular_onnx(
    args: argparse.Namespace, predictor: runtime_onnx.OnnxPredictor, inside: dict[str, Any]
) -> dict[str, Any]:
    assert predictor.table is not None
    table = predictor.table
    sample = samples.read(args.sample, table) if args.sample else _own_or_generated(inside, table)
    if "features" not in inside:
        table = answered(predictor, sample)  # a graph without our signature: probe what it takes missing
    else:
        answered(predictor, sample)
    numeric = [s.datatype for s in predictor.inputs if s.datatype in ("FP32", "FP64")]
    return signature.build(
        model_file=args.model,
        sha256=sha256_of(args.model),
        model_format="onnx",
        task=inside.get("task") or ("classifier" if predictor.classifier else "regressor"),
        table=table,
        input_type={"FP32": "float32", "FP64": "float64"}[numeric[0]] if numeric else None,
        classes=inside.get("classes"),
        probabilities=bool(inside.get("probabilities", predictor.has_proba)),
        sample=sample.document if args.sample or not inside.get("sample") else inside["sample"],
        trained_with=inside.get("versions", {}).get("trained_with", {}),
        tools=inside.get("versions", {}).get("tools", {"onnxruntime": ort.__version__}),
    )


def _own_or_generated(inside: dict[str, Any], table: Table) -> Sample:
    if inside.get("sample"):
        return samples.from_document(inside["sample"], table, "the model's own sample")
    if table.layout != MATRIX:
        raise ConversionError("the model's inputs say nothing of the values it knows: pass --sample with a few rows")
    return samples.generated(None, table)


# What a graph with onnxruntime-extensions' operators requires of the image (the signature's `requires`).
EXTENSIONS_LIBRARY = "onnxruntime-extensions"


def describe_onnx(args: argparse.Namespace) -> dict[str, Any]:
    """The signature of any ONNX file, written beside it (or in --out)."""
    try:
        predictor = runtime_onnx.load(args.model, args.model)
    except ModelLoadError as e:
        raise ConversionError(str(e)) from None
    if isinstance(predictor, TextPredictor):
        described = signature.with_tensors(describe_text(args, predictor), predictor)
        described["files"] = {**described["files"], **external_data(args.model)}
        signature.write(described, args.out or os.path.dirname(os.path.abspath(args.model)))
        return described
    inside = _inside(predictor)
    if predictor.table is not None:
        described = _tabular_onnx(args, predictor, inside)
    else:
        described = signature.build(
            model_file=args.model,
            sha256=sha256_of(args.model),
            model_format="onnx",
            task=inside.get("task"),
            table=None,
            input_type=None,
            classes=inside.get("classes"),
            probabilities=False,
            sample=protocol_sample(args.sample, predictor),
            trained_with=inside.get("versions", {}).get("trained_with", {}),
            tools=inside.get("versions", {}).get("tools", {"onnxruntime": ort.__version__}),
        )
    described = signature.with_tensors(described, predictor)
    weights = external_data(args.model)
    if weights:
        described["files"] = weights
    if _uses_extensions(args.model):
        # Served by the image's text stage, which alone holds onnxruntime-extensions (the component reads this).
        described["requires"] = [EXTENSIONS_LIBRARY]
    signature.write(described, args.out or os.path.dirname(os.path.abspath(args.model)))
    return described


def external_data(path: str) -> dict[str, str]:
    """The files a graph keeps its weights in (ONNX external data), each with its sha256: delivered and verified
    beside the model like a tokenizer, and memory-mapped by ONNX Runtime rather than copied."""
    import onnx  # noqa: PLC0415 - a conversion tool's library, not the function's
    from onnx.external_data_helper import ExternalDataInfo, uses_external_data  # noqa: PLC0415

    model = onnx.load(path, load_external_data=False)
    names = sorted({ExternalDataInfo(t).location for t in model.graph.initializer if uses_external_data(t)})
    folder = os.path.dirname(os.path.abspath(path))
    for name in names:
        if os.path.basename(name) != name or not os.path.isfile(os.path.join(folder, name)):
            raise ConversionError(
                f"{path} keeps weights in {name!r}, which must be a file beside it (re-save it with "
                "onnx.save(..., save_as_external_data=True, location=NAME) for a plain file name)"
            )
    return {name: sha256_of(os.path.join(folder, name)) for name in names}


def _uses_extensions(path: str) -> bool:
    """Whether the graph imports onnxruntime-extensions' operators (a tokenizer or string ops inside it)."""
    import onnx  # noqa: PLC0415 - a conversion tool's library, not the function's

    model = onnx.load(path, load_external_data=False)
    return any(opset.domain == EXTENSIONS_DOMAIN for opset in model.opset_import)


def describe_pickle(args: argparse.Namespace) -> dict[str, Any]:
    """The signature of a scikit-learn pickle the scikit-learn runtime serves as it is. The runtime reads the
    model's features from the model itself (runtimes/sklearn_features.py), so the signature says exactly that:
    a sample that does not fit it is refused here, as the function would refuse it."""
    if booster_library(args.model):
        raise ConversionError(f"{args.model} is a booster: convert it (without --describe); {BOOSTER_INSTEAD}")
    model, trained = load_estimator(args.model)
    library = library_of(model)
    if library:
        raise ConversionError(
            f"{args.model} holds a {library} model, which the scikit-learn runtime cannot load: convert it to ONNX "
            "(without --describe)"
        )
    predictor = runtime_sklearn.SklearnPredictor(model)
    table = predictor.table
    try:
        sample = (
            samples.read(args.sample, table, refine=False)
            if args.sample
            else samples.generated(model, table, refine=False)
        )
    except ConversionError as e:
        if table.layout == COLUMNS and "must be a number; got" in str(e):
            raise ConversionError(f"{e}; {SKLEARN_COLUMN_TYPES}") from None
        raise
    try:
        predictor.predict_columns(sample.columns)
    except Exception as e:  # noqa: BLE001 - whatever the model raises, the sample is not one it answers
        raise ConversionError(f"the model refuses its sample {sample.label}: {type(e).__name__}: {e}") from None
    classes = predictor.classes
    classifier = classes is not None
    described = signature.build(
        model_file=args.model,
        sha256=sha256_of(args.model),
        model_format="sklearn",
        task="classifier" if classifier else "regressor",
        table=table,
        input_type="float64",
        classes=[c.item() if hasattr(c, "item") else c for c in classes] if classes is not None else None,
        probabilities=classifier and predictor.has_proba,
        sample=sample.document,
        trained_with={"scikit-learn": trained},
        tools={"scikit-learn": sklearn.__version__},
    )
    described = signature.with_tensors(described, predictor)
    signature.write(described, args.out or os.path.dirname(os.path.abspath(args.model)))
    return described


def describe(args: argparse.Namespace) -> dict[str, Any]:
    if args.model.lower().endswith(".onnx"):
        return describe_onnx(args)
    return describe_pickle(args)
