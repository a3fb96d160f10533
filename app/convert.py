"""Converts a scikit-learn, XGBoost or LightGBM model to ONNX and proves the two answer alike; or,
with --describe, writes the signature of a model served as it is (a scikit-learn pickle, or any ONNX
file).

    python app/convert.py --model MODEL.joblib --sample SAMPLE.json --out DIR
    python app/convert.py --model BOOSTER.ubj|BOOSTER.json|BOOSTER.txt --sample SAMPLE.json --out DIR
    python app/convert.py --describe --model MODEL.joblib --sample SAMPLE.json [--out DIR]
    python app/convert.py --describe --model MODEL.onnx [--sample REQUEST.json] [--out DIR]

MODEL.joblib is a scikit-learn estimator or pipeline, which may end in XGBoost's XGBClassifier or
XGBRegressor or LightGBM's LGBMClassifier or LGBMRegressor; a booster saved by XGBoost (.ubj, .json)
or LightGBM (.txt) converts too.

SAMPLE.json is a document the function accepts ({"instances": [[...], ...]}).
Every sample row is answered by scikit-learn and by ONNX Runtime; parity means
identical labels for a classifier, and probabilities or regression values
within 1e-5 (absolute, or relative for large values). float32 inputs are tried
first (what skl2onnx converts best), double next (float32 can move a row across
a tree's threshold). On success DIR gets model.onnx and model.json, its signature (signature.py:
sha256, task, feature names, classes, a sample, the versions used, and the parity report).
Otherwise the exit status is 1, one line says which estimator has no converter
or which row differs and by how much, and no model.onnx is written: serve that
model with the scikit-learn runtime (modelFormat "sklearn").

Runs in the project's venv (skl2onnx and onnx are development requirements;
the Lambda image never contains them). MODEL.joblib is your own file: loading
it runs its pickle, as training's own tools do.
"""

import argparse
import json
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import sklearn
from sklearn.base import is_classifier, is_regressor

import boosters
import signature
from inference.errors import ModelLoadError, RequestError
from inference.limits import Limits
from inference.models import Models, ServedModel
from inference.protocols.native.rows import rows_from_document
from inference.protocols.oip import OipProtocol
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes import sklearn as runtime_sklearn
from inference.runtimes.onnx import METADATA_PREFIX
from inference.storage.model_store import sha256_of

# A model fitted on a DataFrame knows its column names; the arrays here are in that order already.
warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)

TOLERANCE = 1e-5
DEFAULT_OPSET = 21  # ai.onnx opset; the pinned onnxruntime runs it
ML_OPSET = 3  # ai.onnx.ml: tree ensembles with per-class base values (HistGradientBoosting) need 3
GENERATED_ROWS = 256


class ConversionError(Exception):
    """One line for the user: what failed, and what to do instead."""


@dataclass
class Parity:
    rows: int
    labels_identical: bool
    max_abs_diff: float
    worst_row: int
    worst_diff: float
    passed: bool


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


@dataclass
class Sample:
    rows: npt.NDArray[np.float64]
    """What the sample says (its basename), or "generated"."""
    label: str
    """The first rows, as a document the function accepts: what the signature keeps for the smoke test."""
    document: dict[str, Any]


def sample_rows(path: str | None, n_features: int, model: Any, names: list[str] | None) -> Sample:
    if path is None:
        # Standard normal rows around the first scaler's statistics when there is one: they stay near
        # where a linear model works, but a tree's thresholds sit where your data is, not here.
        rng = np.random.default_rng(0)
        first = model.steps[0][1] if hasattr(model, "steps") else model
        mean = getattr(first, "mean_", np.zeros(n_features))
        scale = getattr(first, "scale_", np.ones(n_features))
        rows = mean + scale * rng.standard_normal((GENERATED_ROWS, n_features))
        return Sample(rows, "generated", signature.sample_of({"instances": np.round(rows, 6).tolist()}))
    try:
        with open(path) as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        raise ConversionError(f"cannot read the sample {path}: {e}") from None
    try:
        limits = Limits(max_batch_rows=10**7, max_body_bytes=10**10)
        matrix = rows_from_document(document, n_features, limits, np.float64, names)
    except RequestError as e:
        raise ConversionError(f"the sample {path} is not a document the function accepts: {e.message}") from None
    return Sample(matrix, os.path.basename(path), signature.sample_of(document))


def convert(model: Any, x: npt.NDArray[Any], opset: int) -> Any:
    from skl2onnx import to_onnx  # noqa: PLC0415

    final = model.steps[-1][1] if hasattr(model, "steps") else model
    # Probabilities as a plain tensor, not a list of dicts. A classifier without probabilities has no ZipMap,
    # but skl2onnx adds one to a pipeline's last step unless that step is given options of its own.
    options: dict[int, dict[str, bool]] | None = None
    if is_classifier(final):
        options = {id(final): {"zipmap": False} if hasattr(final, "predict_proba") else {"output_class_labels": False}}
    return to_onnx(model, x[:1], target_opset={"": opset, "ai.onnx.ml": ML_OPSET}, options=options)


def check_parity(model: Any, onnx_bytes: bytes, x: npt.NDArray[Any], classifier: bool, has_proba: bool) -> Parity:
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {session.get_inputs()[0].name: x})
    reference = x.astype(np.float64)
    if classifier:
        labels_ok = np.asarray(outputs[0]).astype(str) == np.asarray(model.predict(reference)).astype(str)
        if has_proba:
            diff = np.abs(np.asarray(outputs[1], dtype=np.float64) - model.predict_proba(reference)).max(axis=1)
        else:
            diff = np.zeros(len(x))
        within = diff <= TOLERANCE
        # A flipped label is the worst a row can do: rank those first.
        badness = np.where(labels_ok, diff, np.inf)
        passed = bool(labels_ok.all() and within.all())
    else:
        expected = np.asarray(model.predict(reference), dtype=np.float64).reshape(len(x), -1)
        got = np.asarray(outputs[0], dtype=np.float64).reshape(len(x), -1)
        diff = np.abs(got - expected).max(axis=1)
        allowed = np.maximum(TOLERANCE, TOLERANCE * np.abs(expected).max(axis=1))
        labels_ok = np.ones(len(x), dtype=bool)
        badness = diff / allowed
        passed = bool((diff <= allowed).all())
    worst = int(np.argmax(badness))
    return Parity(
        rows=len(x),
        labels_identical=bool(labels_ok.all()),
        max_abs_diff=float(diff.max()) if len(diff) else 0.0,
        worst_row=worst,
        worst_diff=float(diff[worst]),
        passed=passed,
    )


def describe_failure(parity: Parity, classifier: bool, sample: str) -> str:
    rows = "the generated rows" if sample == "generated" else sample
    if classifier and not parity.labels_identical:
        return f"row {parity.worst_row} of {rows} gets a different label from ONNX Runtime than from scikit-learn"
    return (
        f"row {parity.worst_row} of {rows} differs by {parity.worst_diff:.3g} "
        f"(tolerance {TOLERANCE:g}{'' if classifier else ' absolute or relative'})"
    )


def metadata_props(onx: Any, described: dict[str, Any]) -> None:
    """What the function's ONNX runtime reads back, and the signature itself: the model says what it is,
    even without its model.json (the signature's own file name and sha256 cannot be inside the file)."""
    inside = {k: v for k, v in described.items() if k not in ("file", "sha256")}
    for key, value in (
        ("task", described["task"]),
        ("classes", json.dumps(described["classes"])),
        ("probabilities", "true" if described["probabilities"] else "false"),
        ("n_features", str(described["n_features"])),
        ("feature_names", json.dumps(described["feature_names"])),
        ("feature_names_generated", "true" if described["feature_names_generated"] else "false"),
        ("signature", json.dumps(inside)),
    ):
        entry = onx.metadata_props.add()
        entry.key, entry.value = METADATA_PREFIX + key, value


SKLEARN_RUNTIME = 'serve this model with the scikit-learn runtime (modelFormat "sklearn")'


def load_estimator(path: str) -> tuple[Any, str]:
    """The fitted estimator, and the scikit-learn version that pickled it (the one running, unless
    scikit-learn warns that the pickle comes from another)."""
    from sklearn.exceptions import InconsistentVersionWarning  # noqa: PLC0415

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InconsistentVersionWarning)
        try:
            model = joblib.load(path)
        except Exception as e:  # noqa: BLE001 - any failure to unpickle means the same thing here
            raise ConversionError(f"cannot load {path}: {type(e).__name__}: {e}") from None
    versions = [w.message.original_sklearn_version for w in caught if isinstance(w.message, InconsistentVersionWarning)]
    if not hasattr(model, "n_features_in_"):
        raise ConversionError(f"{path} is not a fitted scikit-learn estimator (it has no n_features_in_)")
    if not (is_classifier(model) or is_regressor(model)):
        raise ConversionError(f"{type(model).__name__} is neither a classifier nor a regressor; only those are served")
    return model, versions[0] if versions else sklearn.__version__


def load_model(path: str) -> tuple[Any, str]:
    """An estimator skl2onnx can convert (XGBoost's and LightGBM's included), and the version that trained it."""
    boosters.register()
    model, trained = load_estimator(path)
    missing = unconvertible(model)
    if missing:
        where, estimator = missing
        raise ConversionError(f"no ONNX converter for {type(estimator).__name__} ({where}); {SKLEARN_RUNTIME}")
    return model, trained


def feature_names_of(model: Any) -> list[str] | None:
    """The column names the model was fitted with (a DataFrame's), or None for an array's positions."""
    names = getattr(model, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else None


def classes_of(model: Any) -> list[Any] | None:
    return [c.item() if hasattr(c, "item") else c for c in model.classes_] if is_classifier(model) else None


def convert_with_parity(
    model: Any, x: npt.NDArray[Any], sample: str, make: Any, instead: str = SKLEARN_RUNTIME
) -> tuple[Any, Parity, list[str]]:
    """(the ONNX model, its parity, the input types tried, the last the model's): float32 first, then
    double. `make(rows)` converts for rows of one type; `instead` says what to do when nothing passes."""
    # A booster says its task; is_classifier would ask scikit-learn's tags, which it has none of.
    classifier = model.task == "classifier" if isinstance(model, boosters.Booster) else is_classifier(model)
    has_proba = classifier and hasattr(model, "predict_proba")
    attempts: list[tuple[str, Parity]] = []
    errors: list[Exception] = []
    for dtype in (np.float32, np.float64):
        typed = x.astype(dtype)
        try:
            onx = make(typed)
            parity = check_parity(model, onx.SerializeToString(), typed, classifier, has_proba)
        except Exception as e:  # noqa: BLE001 - converters and onnxruntime raise many kinds; all mean "not this way"
            errors.append(e)
            continue
        attempts.append((np.dtype(dtype).name, parity))
        if parity.passed:
            return onx, parity, [name for name, _ in attempts]
    if not attempts:
        raise ConversionError(f"{culprit(model, errors[0])}; {instead}")
    _, worst = min(attempts, key=lambda a: (not a[1].labels_identical, a[1].worst_diff))
    raise ConversionError(
        f"parity failed ({', '.join(d for d, _ in attempts)} inputs tried): "
        f"{describe_failure(worst, classifier, sample)}; no model.onnx written; {instead}"
    )


def write_model(onx: Any, out: str) -> str:
    """model.onnx, written whole or not at all: a model.onnx in DIR is always a verified one."""
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, "model.onnx")
    fd, partial = tempfile.mkstemp(dir=out, prefix=".model.onnx-")
    with os.fdopen(fd, "wb") as f:
        f.write(onx.SerializeToString())
    os.chmod(partial, 0o644)  # mkstemp's 0600 would keep the model from the image build's user
    os.replace(partial, target)
    return target


BOOSTER_INSTEAD = "the image serves XGBoost and LightGBM models only as ONNX"


def generated_request(predictor: Any) -> dict[str, Any]:
    """An inference request of zeros (empty strings for BYTES) in every declared input, a dimension of any
    size taken as 1: the sample of a model that is not one feature matrix, when none is given."""
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
    if path is None:
        document: Any = generated_request(predictor)
    else:
        try:
            with open(path) as f:
                document = json.load(f)
        except (OSError, ValueError) as e:
            raise ConversionError(f"cannot read the sample {path}: {e}") from None
    server = OipProtocol(
        Models.of(ServedModel("model", predictor)), Limits(max_batch_rows=10**7, max_body_bytes=10**10)
    )
    try:
        server.infer(document, b"")
    except RequestError as e:
        label = path or "generated from the model's inputs"
        raise ConversionError(f"the model refuses its sample ({label}): {e.message}") from None
    return {k: document[k] for k in ("inputs", "outputs") if k in document}


def describe_onnx(args: argparse.Namespace) -> dict[str, Any]:
    """The signature of any ONNX file: the one convert.py put in its metadata, else what its graph says,
    with a sample checked by answering it. A model whose input is one [rows, features] matrix takes rows;
    any other takes an inference request ({"inputs": [...]}, generated from its inputs without --sample)."""
    try:
        predictor = runtime_onnx.load(args.model, args.model)
    except ModelLoadError as e:
        raise ConversionError(str(e)) from None
    metadata = predictor.session.get_modelmeta().custom_metadata_map
    inside = json.loads(metadata.get(METADATA_PREFIX + "signature", "{}"))
    if not predictor.tabular:
        described = signature.build(
            model_file=args.model,
            sha256=sha256_of(args.model),
            model_format="onnx",
            task=inside.get("task"),
            feature_names=None,
            n_features=None,
            input_type=None,
            classes=inside.get("classes"),
            probabilities=False,
            sample=protocol_sample(args.sample, predictor),
            trained_with=inside.get("versions", {}).get("trained_with", {}),
            tools=inside.get("versions", {}).get("tools", {"onnxruntime": ort.__version__}),
        )
    else:
        n_features = predictor.n_features
        names = inside.get("feature_names") if inside.get("feature_names_generated") is False else None

        class Shape:
            n_features_in_ = n_features

        sample = sample_rows(args.sample, n_features, Shape(), names)
        try:
            predictor.predict(sample.rows)
        except Exception as e:  # noqa: BLE001 - whatever onnxruntime raises, the sample is not one the model answers
            raise ConversionError(f"the model refuses its sample {sample.label}: {type(e).__name__}: {e}") from None
        described = signature.build(
            model_file=args.model,
            sha256=sha256_of(args.model),
            model_format="onnx",
            task=inside.get("task") or ("classifier" if predictor.classifier else "regressor"),
            feature_names=names,
            n_features=n_features,
            input_type=np.dtype(predictor.input_dtype).name,
            classes=inside.get("classes"),
            probabilities=bool(inside.get("probabilities", predictor.has_proba)),
            sample=sample.document if args.sample or not inside.get("sample") else inside["sample"],
            trained_with=inside.get("versions", {}).get("trained_with", {}),
            tools=inside.get("versions", {}).get("tools", {"onnxruntime": ort.__version__}),
        )
    described = signature.with_tensors(described, predictor)
    signature.write(described, args.out or os.path.dirname(os.path.abspath(args.model)))
    return described


def describe(args: argparse.Namespace) -> dict[str, Any]:
    """The signature of a model served as it is: an ONNX file, or a scikit-learn pickle (modelFormat
    "sklearn"), checked on its sample."""
    if args.model.lower().endswith(".onnx"):
        return describe_onnx(args)
    if booster_library(args.model):
        raise ConversionError(f"{args.model} is a booster: convert it (without --describe); {BOOSTER_INSTEAD}")
    model, trained = load_estimator(args.model)
    library = boosters.library_of(model)
    if library:
        raise ConversionError(
            f"{args.model} holds a {library} model, which the scikit-learn runtime cannot load: convert it to ONNX "
            "(without --describe)"
        )
    n_features = int(model.n_features_in_)
    names = feature_names_of(model)
    sample = sample_rows(args.sample, n_features, model, names)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="X does not have valid feature names")
            model.predict(sample.rows)
    except Exception as e:  # noqa: BLE001 - whatever the model raises, the sample is not one it answers
        raise ConversionError(f"the model refuses its sample {sample.label}: {type(e).__name__}: {e}") from None
    classifier = is_classifier(model)
    described = signature.build(
        model_file=args.model,
        sha256=sha256_of(args.model),
        model_format="sklearn",
        task="classifier" if classifier else "regressor",
        feature_names=names,
        n_features=n_features,
        input_type="float64",
        classes=classes_of(model),
        probabilities=classifier and hasattr(model, "predict_proba"),
        sample=sample.document,
        trained_with={"scikit-learn": trained},
        tools={"scikit-learn": sklearn.__version__},
    )
    described = signature.with_tensors(described, runtime_sklearn.SklearnPredictor(model))
    signature.write(described, args.out or os.path.dirname(os.path.abspath(args.model)))
    return described


def booster_library(path: str) -> str | None:
    """ "xgboost" or "lightgbm" for a booster file saved by that library; None for anything else."""
    extension = os.path.splitext(path)[1].lower()
    library = boosters.EXTENSIONS.get(extension)
    if extension == ".json" and not boosters.is_xgboost_json(path):
        return None
    return library


def tools_used(*libraries: str) -> dict[str, str]:
    import onnx  # noqa: PLC0415

    versions = {}
    for library in libraries:
        module = __import__(library)
        versions[library] = module.__version__
    return {**versions, "onnx": onnx.__version__, "onnxruntime": ort.__version__}


def convert_booster(args: argparse.Namespace, library: str) -> dict[str, Any]:
    """A booster saved by XGBoost or LightGBM, converted with onnxmltools and checked for parity."""
    try:
        model = boosters.load(args.model, library)
    except ValueError as e:
        raise ConversionError(f"{args.model}: {e}") from None
    except Exception as e:  # noqa: BLE001 - the libraries raise their own types for every bad file
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise ConversionError(f"cannot load {args.model} with {library}: {type(e).__name__}: {first}") from None
    sample = sample_rows(args.sample, model.n_features_in_, model, model.feature_names)
    onx, parity, tried = convert_with_parity(
        model, sample.rows, sample.label, lambda rows: boosters.convert(model, rows.dtype.type), BOOSTER_INSTEAD
    )
    classifier = model.task == "classifier"
    described = signature.build(
        model_file="model.onnx",
        sha256="",
        model_format="onnx",
        task=model.task,
        feature_names=model.feature_names,
        n_features=model.n_features_in_,
        input_type=tried[-1],
        classes=list(range(model.n_classes)) if classifier else None,
        probabilities=classifier,
        sample=sample.document,
        trained_with={library: model.version},
        tools=tools_used(library, "onnxmltools"),
    )
    return finish(onx, described, args, sample=sample, parity=parity, tried=tried)


def finish(
    onx: Any, described: dict[str, Any], args: argparse.Namespace, *, sample: Sample, parity: Parity, tried: list[str]
) -> dict[str, Any]:
    """model.onnx with the signature in its metadata, and model.json beside it with the parity report."""
    metadata_props(onx, described)
    target = write_model(onx, args.out)
    report = {
        **signature.with_tensors(described, runtime_onnx.load(target, target)),
        "sha256": sha256_of(target),
        "source": {"file": os.path.basename(args.model), "sha256": sha256_of(args.model)},
        "opset": {entry.domain or "ai.onnx": entry.version for entry in onx.opset_import},
        "parity": {
            "sample": sample.label,
            "rows": parity.rows,
            "labels_identical": parity.labels_identical if described["task"] == "classifier" else None,
            "max_abs_diff": float(f"{parity.max_abs_diff:.3g}"),
            "tolerance": TOLERANCE,
            "inputs_tried": tried,
        },
    }
    signature.write(report, args.out)
    return report


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="convert.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        required=True,
        help="a joblib file of a fitted scikit-learn estimator or pipeline (XGBoost's and LightGBM's estimators "
        "included), or a booster saved by XGBoost (.ubj, .json) or LightGBM (.txt); with --describe, also an "
        ".onnx file",
    )
    parser.add_argument(
        "--sample",
        help='a JSON document the function accepts: {"instances": [[...], ...]} (rows may be named); for an ONNX '
        'model that is not one feature matrix, an inference request {"inputs": [...]}',
    )
    parser.add_argument(
        "--out", help="the folder to write model.onnx and model.json to (with --describe: the model's folder)"
    )
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ai.onnx opset (default {DEFAULT_OPSET})")
    parser.add_argument(
        "--describe",
        action="store_true",
        help="write only the signature (model.json) of a model served as it is: a pickle, or an ONNX file",
    )
    args = parser.parse_args(argv)
    if args.describe:
        return describe(args)
    if args.out is None:
        parser.error("--out is required to convert (the folder for model.onnx and model.json)")
    library = booster_library(args.model)
    if library:
        return convert_booster(args, library)

    model, trained = load_model(args.model)
    classifier = is_classifier(model)
    n_features = int(model.n_features_in_)
    names = feature_names_of(model)
    sample = sample_rows(args.sample, n_features, model, names)
    onx, parity, tried = convert_with_parity(
        model, sample.rows, sample.label, lambda rows: convert(model, rows, args.opset)
    )
    import skl2onnx  # noqa: PLC0415

    inside = boosters.library_of(model)
    described = signature.build(
        model_file="model.onnx",
        sha256="",
        model_format="onnx",
        task="classifier" if classifier else "regressor",
        feature_names=names,
        n_features=n_features,
        input_type=tried[-1],
        classes=classes_of(model),
        probabilities=classifier and hasattr(model, "predict_proba"),
        sample=sample.document,
        trained_with={"scikit-learn": trained},
        tools={
            "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            **tools_used(*([inside, "onnxmltools"] if inside else [])),
        },
    )
    return finish(onx, described, args, sample=sample, parity=parity, tried=tried)


def main(argv: list[str] | None = None) -> int:
    try:
        report = run(argv)
    except ConversionError as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 1
    if "parity" not in report:
        names = "generated names" if report["feature_names_generated"] else "named features"
        trained = report["versions"]["trained_with"].get("scikit-learn")
        print(
            f"wrote model.json for {report['file']} (sha256 {report['sha256'][:12]}, {report['n_features']} {names}"
            + (f", trained with scikit-learn {trained})" if trained else ")")
        )
        return 0
    parity = report["parity"]
    print(
        f"wrote model.onnx (sha256 {report['sha256'][:12]}, {report['input_type']} inputs): "
        f"{parity['rows']} rows match scikit-learn within {parity['tolerance']:g} "
        f"(largest difference {parity['max_abs_diff']:.3g})"
    )
    if parity["sample"] == "generated":
        print(
            f"note: parity was checked on {parity['rows']} generated rows, not on your data (no --sample): they may "
            "miss the regions your inputs reach, such as a tree's thresholds; pass --sample with real rows"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
