"""Converts a scikit-learn model to ONNX and proves the two answer alike.

    python app/convert.py --model MODEL.joblib --sample SAMPLE.json --out DIR

SAMPLE.json is a document the function accepts ({"instances": [[...], ...]}).
Every sample row is answered by scikit-learn and by ONNX Runtime; parity means
identical labels for a classifier, and probabilities or regression values
within 1e-5 (absolute, or relative for large values). float32 inputs are tried
first (what skl2onnx converts best), double next (float32 can move a row across
a tree's threshold). On success DIR gets model.onnx and model.json (its sha256,
task, features, classes, opset, the runtime versions and the parity report).
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
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import sklearn
from sklearn.base import is_classifier, is_regressor

from inference.errors import RequestError
from inference.model_store import sha256_of
from inference.runtime_onnx import METADATA_PREFIX
from inference.validation import Limits, rows_from_document

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


def sample_rows(path: str | None, n_features: int, model: Any) -> tuple[npt.NDArray[np.float64], str]:
    if path is None:
        # Standard normal rows around the first scaler's statistics when there is one: they stay near
        # where a linear model works, but a tree's thresholds sit where your data is, not here.
        rng = np.random.default_rng(0)
        first = model.steps[0][1] if hasattr(model, "steps") else model
        mean = getattr(first, "mean_", np.zeros(n_features))
        scale = getattr(first, "scale_", np.ones(n_features))
        rows = mean + scale * rng.standard_normal((GENERATED_ROWS, n_features))
        return rows, "generated"
    try:
        with open(path) as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        raise ConversionError(f"cannot read the sample {path}: {e}") from None
    try:
        matrix = rows_from_document(document, n_features, Limits(max_batch_rows=10**7, max_body_bytes=10**10))
    except RequestError as e:
        raise ConversionError(f"the sample {path} is not a document the function accepts: {e.message}") from None
    return matrix, os.path.basename(path)


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


def metadata_props(onx: Any, task: str, classes: list[Any] | None, has_proba: bool, n_features: int) -> None:
    """What the function's ONNX runtime reads back: the model says what it is."""
    for key, value in (
        ("task", task),
        ("classes", json.dumps(classes)),
        ("probabilities", "true" if has_proba else "false"),
        ("n_features", str(n_features)),
    ):
        entry = onx.metadata_props.add()
        entry.key, entry.value = METADATA_PREFIX + key, value


SKLEARN_RUNTIME = 'serve this model with the scikit-learn runtime (modelFormat "sklearn")'


def load_model(path: str) -> Any:
    try:
        model = joblib.load(path)
    except Exception as e:  # noqa: BLE001 - any failure to unpickle means the same thing here
        raise ConversionError(f"cannot load {path}: {type(e).__name__}: {e}") from None
    if not hasattr(model, "n_features_in_"):
        raise ConversionError(f"{path} is not a fitted scikit-learn estimator (it has no n_features_in_)")
    if not (is_classifier(model) or is_regressor(model)):
        raise ConversionError(f"{type(model).__name__} is neither a classifier nor a regressor; only those are served")
    missing = unconvertible(model)
    if missing:
        where, estimator = missing
        raise ConversionError(f"no ONNX converter for {type(estimator).__name__} ({where}); {SKLEARN_RUNTIME}")
    return model


def convert_with_parity(model: Any, x: npt.NDArray[Any], sample: str, opset: int) -> tuple[Any, Parity, list[str]]:
    """(the ONNX model, its parity, the input types tried, the last the model's): float32 first, then double."""
    classifier = is_classifier(model)
    has_proba = classifier and hasattr(model, "predict_proba")
    attempts: list[tuple[str, Parity]] = []
    errors: list[Exception] = []
    for dtype in (np.float32, np.float64):
        typed = x.astype(dtype)
        try:
            onx = convert(model, typed, opset)
            parity = check_parity(model, onx.SerializeToString(), typed, classifier, has_proba)
        except Exception as e:  # noqa: BLE001 - skl2onnx and onnxruntime raise many kinds; all mean "not this way"
            errors.append(e)
            continue
        attempts.append((np.dtype(dtype).name, parity))
        if parity.passed:
            return onx, parity, [name for name, _ in attempts]
    if not attempts:
        raise ConversionError(f"{culprit(model, errors[0])}; {SKLEARN_RUNTIME}")
    _, worst = min(attempts, key=lambda a: (not a[1].labels_identical, a[1].worst_diff))
    raise ConversionError(
        f"parity failed ({', '.join(d for d, _ in attempts)} inputs tried): "
        f"{describe_failure(worst, classifier, sample)}; no model.onnx written; {SKLEARN_RUNTIME}"
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


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="convert.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a joblib file of a fitted scikit-learn estimator or pipeline")
    parser.add_argument("--sample", help='a JSON document the function accepts: {"instances": [[...], ...]}')
    parser.add_argument("--out", required=True, help="the folder to write model.onnx and model.json to")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ai.onnx opset (default {DEFAULT_OPSET})")
    args = parser.parse_args(argv)

    model = load_model(args.model)
    classifier = is_classifier(model)
    n_features = int(model.n_features_in_)
    x, sample = sample_rows(args.sample, n_features, model)
    onx, parity, tried = convert_with_parity(model, x, sample, args.opset)
    has_proba = classifier and hasattr(model, "predict_proba")
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_] if classifier else None
    metadata_props(onx, "classifier" if classifier else "regressor", classes, has_proba, n_features)
    target = write_model(onx, args.out)
    import skl2onnx  # noqa: PLC0415

    report = {
        "file": "model.onnx",
        "sha256": sha256_of(target),
        "source": {"file": os.path.basename(args.model), "sha256": sha256_of(args.model)},
        "task": "classifier" if classifier else "regressor",
        "n_features": n_features,
        "classes": classes,
        "probabilities": has_proba,
        "input_type": tried[-1],
        "opset": {entry.domain or "ai.onnx": entry.version for entry in onx.opset_import},
        "onnxruntime_version": ort.__version__,
        "skl2onnx_version": skl2onnx.__version__,
        "scikit_learn_version": sklearn.__version__,
        "parity": {
            "sample": sample,
            "rows": parity.rows,
            "labels_identical": parity.labels_identical if classifier else None,
            "max_abs_diff": float(f"{parity.max_abs_diff:.3g}"),
            "tolerance": TOLERANCE,
            "inputs_tried": tried,
        },
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    return report


def main(argv: list[str] | None = None) -> int:
    try:
        report = run(argv)
    except ConversionError as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 1
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
