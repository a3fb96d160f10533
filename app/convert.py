"""Converts a scikit-learn, XGBoost or LightGBM model to ONNX and proves the two answer alike; or, with
--describe, writes the signature of a model served as it is (a scikit-learn pickle, or any ONNX file).

    python app/convert.py --model MODEL.joblib [--sample SAMPLE.json] --out DIR
    python app/convert.py --model BOOSTER.ubj|BOOSTER.json|BOOSTER.txt [--sample SAMPLE.json] --out DIR
    python app/convert.py --describe --model MODEL.joblib [--sample SAMPLE.json] [--out DIR]
    python app/convert.py --describe --model MODEL.onnx [--sample REQUEST.json] [--out DIR]

MODEL.joblib is a fitted scikit-learn estimator or pipeline: fitted on an array, on a DataFrame (a
ColumnTransformer over string, integer, float and boolean columns converts to one input per column), or on
texts (a TfidfVectorizer or CountVectorizer pipeline); it may end in XGBoost's or LightGBM's estimators.
A booster saved by XGBoost (.ubj, .json) or LightGBM (.txt) converts too.

SAMPLE.json is a document the function accepts ({"instances": [...]}: rows as lists, objects by column name,
or texts), with nulls where values may be missing. Without it, rows are made from what the model learnt.
Every sample row is answered by the original model and by ONNX Runtime, through the function's own code;
parity means identical labels for a classifier, and probabilities or regression values within 1e-5
(absolute, or relative for large values). float32 inputs are tried first, double next: trees that split
float64 inputs on float64 thresholds (LightGBM, HistGradientBoosting) get their exact thresholds. Each
feature is then probed for missing values. On success DIR gets model.onnx and model.json, its signature
(signature.py). Otherwise the exit status is 1, one line says what failed and what will work instead, and
no model.onnx is written.

Runs in the project's venv (the converters are development requirements; the Lambda image never contains
them). MODEL.joblib is your own file: loading it runs its pickle, as training's own tools do.
"""

import inference  # noqa: F401 - first: it turns ONNX Runtime's telemetry off before onnxruntime loads

# isort: split
import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np
import onnxruntime as ort
import sklearn
from sklearn.base import is_classifier

import signature
from conversion import ConversionError, boosters, double_trees, parity, probes, samples, to_onnx
from conversion.describe import BOOSTER_INSTEAD, describe
from conversion.loading import booster_library, culprit, load_estimator, unconvertible
from conversion.samples import Sample
from inference.runtimes import onnx as runtime_onnx
from inference.runtimes.features import Table
from inference.runtimes.onnx import METADATA_PREFIX
from inference.runtimes.sklearn_features import table_of
from inference.storage.model_store import sha256_of

TOLERANCE = parity.TOLERANCE
DEFAULT_OPSET = 21  # ai.onnx opset; the pinned onnxruntime runs it
SKLEARN_RUNTIME = 'serve this model with the scikit-learn runtime (modelFormat "sklearn")'
Make = Callable[[type[np.floating[Any]]], tuple[Any, Table]]
"""Converts for inputs of one float type: the ONNX model and its table (each feature's input named)."""


def metadata_props(onx: Any, described: dict[str, Any]) -> None:
    """What the function's ONNX runtime reads back, and the signature itself: the model says what it is,
    even without its model.json (the signature's own file name and sha256 cannot be inside the file)."""
    inside = {k: v for k, v in described.items() if k not in ("file", "sha256")}
    del onx.metadata_props[:]
    for key, value in (
        ("task", described["task"]),
        ("classes", signature.json_text(described["classes"])),
        ("probabilities", "true" if described["probabilities"] else "false"),
        ("n_features", str(described["n_features"])),
        ("feature_names", signature.json_text(described["feature_names"])),
        ("feature_names_generated", "true" if described["feature_names_generated"] else "false"),
        ("signature", signature.json_text(inside)),
    ):
        entry = onx.metadata_props.add()
        entry.key, entry.value = METADATA_PREFIX + key, value


def served(onx: Any, described: dict[str, Any]) -> runtime_onnx.OnnxPredictor:
    """The converted model as the function's own ONNX runtime loads it, its signature inside."""
    metadata_props(onx, described)
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return runtime_onnx.OnnxPredictor(session, "the converted model")


def _attempt(make: Make, dtype: type[np.floating[Any]], described: Callable[[Table, str], dict[str, Any]]) -> Any:
    onx, table = make(dtype)
    return onx, table, served(onx, described(table, np.dtype(dtype).name))


def convert_with_parity(
    model: Any, sample: Sample, make: Make, described: Callable[[Table, str], dict[str, Any]], instead: str
) -> tuple[Any, Any, parity.Parity, list[str]]:
    """(the ONNX model, the runtime serving it, its parity, the input types tried): float32 first, then double;
    `instead` says what to do when nothing passes."""
    classifier = is_classifier_model(model)
    has_proba = classifier and hasattr(model, "predict_proba")
    expected = parity.original(model, samples.original_input(model, sample), classifier, has_proba)
    attempts: list[tuple[str, parity.Parity]] = []
    errors: list[Exception] = []
    for dtype in (np.float32, np.float64):
        try:
            onx, _, predictor = _attempt(make, dtype, described)
            got = probes.answers_of(predictor.predict_columns(sample.columns), classifier)
        except Exception as e:  # noqa: BLE001 - converters and onnxruntime raise many kinds; all mean "not this way"
            errors.append(e)
            continue
        result = parity.compare(expected, got, classifier)
        attempts.append((np.dtype(dtype).name, result))
        if result.passed:
            return onx, predictor, result, [name for name, _ in attempts]
    if not attempts:
        raise ConversionError(f"{culprit(model, errors[0])}; {instead}")
    _, worst = min(attempts, key=lambda a: (not a[1].labels_identical, a[1].worst_diff))
    raise ConversionError(
        f"parity failed ({', '.join(d for d, _ in attempts)} inputs tried): "
        f"{parity.describe_failure(worst, classifier, sample.label)}; no model.onnx written; {instead}"
    )


def is_classifier_model(model: Any) -> bool:
    """A booster says its task; is_classifier would ask scikit-learn's tags, which it has none of."""
    return model.task == "classifier" if isinstance(model, boosters.Booster) else bool(is_classifier(model))


def exact_double(make: Make, model: Any) -> Make:
    """`make`, whose double graph of a tree model that splits float64 inputs keeps the model's own thresholds."""
    exact = double_trees.exact_values(model)
    if exact is None:
        return make

    def made(dtype: type[np.floating[Any]]) -> tuple[Any, Table]:
        if dtype == np.float32:
            return make(dtype)
        onx, table = make(np.float32)
        doubled = double_trees.in_double(onx, exact)
        return (doubled, table) if doubled is not None else make(dtype)

    return made


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


def tools_used(*libraries: str) -> dict[str, str]:
    import onnx  # noqa: PLC0415

    versions = {library: __import__(library).__version__ for library in libraries}
    return {**versions, "onnx": onnx.__version__, "onnxruntime": ort.__version__}


def classes_of(model: Any) -> list[Any] | None:
    if isinstance(model, boosters.Booster):
        return list(range(model.n_classes)) if model.task == "classifier" else None
    return [c.item() if hasattr(c, "item") else c for c in model.classes_] if is_classifier(model) else None


def describer(
    model: Any, sample: Sample, trained_with: dict[str, str], tools: dict[str, str]
) -> Callable[[Table, str], dict[str, Any]]:
    """The signature of the converted model, for its table and input type."""
    classifier = is_classifier_model(model)

    def described(table: Table, input_type: str) -> dict[str, Any]:
        return signature.build(
            model_file="model.onnx",
            sha256="",
            model_format="onnx",
            task="classifier" if classifier else "regressor",
            table=table,
            input_type=input_type,
            classes=classes_of(model),
            probabilities=classifier and hasattr(model, "predict_proba"),
            sample=sample.document,
            trained_with=trained_with,
            tools=tools,
        )

    return described


def converted(
    model: Any, sample: Sample, make: Make, *, versions: tuple[dict[str, str], dict[str, str]], instead: str,
    args: argparse.Namespace,
) -> dict[str, Any]:  # fmt: skip
    """Converts with parity, probes each feature for missing values, and writes model.onnx and model.json."""
    described = describer(model, sample, *versions)
    onx, predictor, result, tried = convert_with_parity(model, sample, exact_double(make, model), described, instead)
    classifier = is_classifier_model(model)
    reference = samples.original_input

    def original(columns: list[list[Any]]) -> parity.Answers:
        has_proba = classifier and hasattr(model, "predict_proba")
        return parity.original(model, reference(model, sample, columns), classifier, has_proba)

    def served_answers(columns: list[list[Any]]) -> parity.Answers:
        return probes.answers_of(predictor.predict_columns(columns), classifier)

    table = probes.with_missing(predictor.table, sample, served_answers, original, classifier)
    final = described(table, tried[-1])
    metadata_props(onx, final)
    return finish(onx, final, args, sample=sample, parity_of=result, tried=tried)


def finish(
    onx: Any, described: dict[str, Any], args: argparse.Namespace, *, sample: Sample, parity_of: parity.Parity,
    tried: list[str],
) -> dict[str, Any]:  # fmt: skip
    """model.onnx with the signature in its metadata, and model.json beside it with the parity report."""
    target = write_model(onx, args.out)
    report = {
        **signature.with_tensors(described, runtime_onnx.load(target, target)),
        "sha256": sha256_of(target),
        "source": {"file": os.path.basename(args.model), "sha256": sha256_of(args.model)},
        "opset": {entry.domain or "ai.onnx": entry.version for entry in onx.opset_import},
        "parity": {
            "sample": sample.label,
            "rows": parity_of.rows,
            "labels_identical": parity_of.labels_identical if described["task"] == "classifier" else None,
            "max_abs_diff": float(f"{parity_of.max_abs_diff:.3g}"),
            "tolerance": TOLERANCE,
            "inputs_tried": tried,
        },
    }
    signature.write(report, args.out)
    return report


def sample_for(model: Any, table: Table, path: str | None) -> Sample:
    return samples.read(path, table) if path else samples.generated(model, table)


def convert_booster(args: argparse.Namespace, library: str) -> dict[str, Any]:
    """A booster saved by XGBoost or LightGBM, converted with onnxmltools and checked for parity."""
    try:
        model = boosters.load(args.model, library)
    except ValueError as e:
        raise ConversionError(f"{args.model}: {e}") from None
    except Exception as e:  # noqa: BLE001 - the libraries raise their own types for every bad file
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise ConversionError(f"cannot load {args.model} with {library}: {type(e).__name__}: {first}") from None
    sample = sample_for(model, samples.plain_features(model.n_features_in_, model.feature_names), args.sample)

    def make(dtype: type[np.floating[Any]]) -> tuple[Any, Table]:
        return boosters.convert(model, dtype), sample.table

    versions = ({library: model.version}, tools_used(library, "onnxmltools"))
    return converted(model, sample, make, versions=versions, instead=BOOSTER_INSTEAD, args=args)


def convert_estimator(args: argparse.Namespace) -> dict[str, Any]:
    """A scikit-learn estimator or pipeline (boosters' estimators included), converted with skl2onnx."""
    model, trained = load_estimator(args.model)
    missing = unconvertible(model)
    if missing:
        where, estimator = missing
        raise ConversionError(f"no ONNX converter for {type(estimator).__name__} ({where}); {SKLEARN_RUNTIME}")
    sample = sample_for(model, table_of(model), args.sample)

    def make(dtype: type[np.floating[Any]]) -> tuple[Any, Table]:
        return to_onnx.convert(model, sample.table, dtype, args.opset)

    import skl2onnx  # noqa: PLC0415

    inside = boosters.library_of(model)
    tools = {
        "scikit-learn": sklearn.__version__,
        "skl2onnx": skl2onnx.__version__,
        **tools_used(*([inside, "onnxmltools"] if inside else [])),
    }
    instead = BOOSTER_INSTEAD if inside else SKLEARN_RUNTIME
    return converted(model, sample, make, versions=({"scikit-learn": trained}, tools), instead=instead, args=args)


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="convert.py", description=__doc__.split("\n\n")[0])
    made.add_argument(
        "--model",
        required=True,
        help="a joblib file of a fitted scikit-learn estimator or pipeline (on an array, a DataFrame or texts; "
        "XGBoost's and LightGBM's estimators included), or a booster saved by XGBoost (.ubj, .json) or LightGBM "
        "(.txt); with --describe, also an .onnx file",
    )
    made.add_argument(
        "--sample",
        help='a JSON document the function accepts: {"instances": [...]} (rows as lists, objects by column name, or '
        "texts; null where a value is missing); for an ONNX model that is not tabular, an inference request",
    )
    made.add_argument(
        "--out", help="the folder to write model.onnx and model.json to (with --describe: the model's folder)"
    )
    made.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ai.onnx opset (default {DEFAULT_OPSET})")
    made.add_argument(
        "--describe",
        action="store_true",
        help="write only the signature (model.json) of a model served as it is: a pickle, or an ONNX file",
    )
    return made


def run(argv: list[str] | None = None) -> dict[str, Any]:
    made = parser()
    args = made.parse_args(argv)
    if args.describe:
        return describe(args)
    if args.out is None:
        made.error("--out is required to convert (the folder for model.onnx and model.json)")
    library = booster_library(args.model)
    return convert_booster(args, library) if library else convert_estimator(args)


def summary(report: dict[str, Any]) -> list[str]:
    """What convert.py prints on success."""
    if "parity" not in report and report.get("text"):
        text = report["text"]
        what = (
            f"labels {', '.join(map(str, text['labels']))}" if "labels" in text else f"{text['dimension']} dimensions"
        )
        return [
            f"wrote model.json for {report['file']} (sha256 {report['sha256'][:12]}, {text['task']}, {what}, "
            f"at most {text['maxLength']} tokens; with {', '.join(report['files'])})"
        ]
    if "parity" not in report:
        names = "generated names" if report["feature_names_generated"] else "named features"
        trained = report["versions"]["trained_with"].get("scikit-learn")
        count = f"{report['n_features']} {names}" if report["n_features"] is not None else "tensors"
        return [
            f"wrote model.json for {report['file']} (sha256 {report['sha256'][:12]}, {count}"
            + (f", trained with scikit-learn {trained})" if trained else ")")
        ]
    checked = report["parity"]
    lines = [
        f"wrote model.onnx (sha256 {report['sha256'][:12]}, {report['input_type']} inputs): "
        f"{checked['rows']} rows match the original model within {checked['tolerance']:g} "
        f"(largest difference {checked['max_abs_diff']:.3g})"
    ]
    missing = [f["name"] for f in report["features"] or [] if f["missing"]]
    if missing:
        lines.append(f"may be missing (null): {', '.join(missing)}")
    if checked["sample"] == "generated":
        lines.append(
            f"note: parity was checked on {checked['rows']} generated rows, not on your data (no --sample): they may "
            "miss the regions your inputs reach, such as a tree's thresholds; pass --sample with real rows"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    try:
        report = run(argv)
    except ConversionError as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 1
    print("\n".join(summary(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
