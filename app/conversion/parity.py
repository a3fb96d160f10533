"""The proof that a converted model answers as the original: identical labels for a classifier, and
probabilities or regression values within TOLERANCE (absolute, or relative for large values), row by row."""

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

TOLERANCE = 1e-5


@dataclass
class Answers:
    """What a model answers to the sample: labels (a classifier), and probabilities or values."""

    labels: npt.NDArray[Any] | None
    values: npt.NDArray[np.float64] | None


@dataclass
class Parity:
    rows: int
    labels_identical: bool
    max_abs_diff: float
    worst_row: int
    worst_diff: float
    passed: bool


def original(model: Any, x: Any, classifier: bool, has_proba: bool) -> Answers:
    """The original model's answers (numpy's warnings about extreme inputs silenced: the check reports them)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        if classifier:
            labels = np.asarray(model.predict(x))
            return Answers(labels, np.asarray(model.predict_proba(x), dtype=np.float64) if has_proba else None)
        values = np.asarray(model.predict(x), dtype=np.float64)
        return Answers(None, values.reshape(values.shape[0], -1))


def converted(run: Callable[[], list[Any]], rows: int, classifier: bool, has_proba: bool) -> Answers:
    """The converted model's answers, from its outputs (label and probabilities, or one value per row)."""
    outputs = run()
    if classifier:
        probabilities = np.asarray(outputs[1], dtype=np.float64) if has_proba else None
        return Answers(np.asarray(outputs[0]).reshape(rows), probabilities)
    return Answers(None, np.asarray(outputs[0], dtype=np.float64).reshape(rows, -1))


def compare(expected: Answers, got: Answers, classifier: bool) -> Parity:
    rows = len(expected.labels) if expected.labels is not None else len(expected.values)  # type: ignore[arg-type]
    if classifier:
        assert expected.labels is not None and got.labels is not None
        labels_ok = got.labels.astype(str) == expected.labels.astype(str)
        if expected.values is not None and got.values is not None:
            diff = np.abs(got.values - expected.values).max(axis=1)
        else:
            diff = np.zeros(rows)
        diff = np.where(np.isnan(diff), np.inf, diff)
        # A flipped label is the worst a row can do: rank those first.
        badness = np.where(labels_ok, diff, np.inf)
        passed = bool(labels_ok.all() and (diff <= TOLERANCE).all())
    else:
        assert expected.values is not None and got.values is not None
        diff = np.abs(got.values - expected.values).max(axis=1)
        diff = np.where(np.isnan(diff), np.inf, diff)
        allowed = np.maximum(TOLERANCE, TOLERANCE * np.abs(expected.values).max(axis=1))
        labels_ok = np.ones(rows, dtype=bool)
        badness = diff / allowed
        passed = bool((diff <= allowed).all())
    worst = int(np.argmax(badness)) if rows else 0
    return Parity(
        rows=rows,
        labels_identical=bool(labels_ok.all()),
        max_abs_diff=float(diff.max()) if len(diff) else 0.0,
        worst_row=worst,
        worst_diff=float(diff[worst]) if len(diff) else 0.0,
        passed=passed,
    )


def finite(answers: Answers) -> bool:
    return answers.values is None or bool(np.isfinite(answers.values).all())


def describe_failure(parity: Parity, classifier: bool, sample: str) -> str:
    rows = "the generated rows" if sample == "generated" else sample
    if classifier and not parity.labels_identical:
        return f"row {parity.worst_row} of {rows} gets a different label from ONNX Runtime than from the original model"
    return (
        f"row {parity.worst_row} of {rows} differs by {parity.worst_diff:.3g} "
        f"(tolerance {TOLERANCE:g}{'' if classifier else ' absolute or relative'})"
    )
