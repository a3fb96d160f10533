"""Which features a model answers without: each feature's column of the sample made missing in turn (NaN for
numbers, as pandas reads an empty cell; the empty string for a converted model's strings). A feature may be
missing when the original model answers such rows with finite values and, for a converted model, the ONNX
model answers them alike (an imputer, a booster's default branch, an encoder that ignores what it does not
know). Whatever raises, or answers NaN, says no."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from conversion.parity import Answers, compare, finite
from conversion.samples import Sample
from inference.runtimes import Prediction
from inference.runtimes.features import Table

# Enough rows to meet a tree's missing branches, few enough to probe every feature quickly.
PROBE_ROWS = 64

Answer = Callable[[list[list[Any]]], Answers]


def answers_of(prediction: Prediction, classifier: bool) -> Answers:
    """A runtime's Prediction as the parity check reads it."""
    if classifier:
        values = None if prediction.probabilities is None else np.asarray(prediction.probabilities, dtype=np.float64)
        return Answers(np.asarray(prediction.predictions), values)
    values = np.asarray(prediction.predictions, dtype=np.float64)
    return Answers(None, values.reshape(values.shape[0], -1))


def _answers(answer: Answer, columns: list[list[Any]]) -> Answers | None:
    try:
        answers = answer(columns)
    except Exception:  # noqa: BLE001 - a model that cannot take the missing value says so by raising
        return None
    return answers if finite(answers) else None


def _takes_missing(j: int, sample: Sample, served: Answer, original: Answer | None, classifier: bool) -> bool:
    rows = min(sample.rows, PROBE_ROWS)
    columns = [c[:rows] for c in sample.columns]
    columns[j] = [None] * rows
    got = _answers(served, columns)
    if got is None:
        return False
    if original is None:
        return True
    expected = _answers(original, columns)
    return expected is not None and compare(expected, got, classifier).passed


def with_missing(table: Table, sample: Sample, served: Answer, original: Answer | None, classifier: bool) -> Table:
    """The table, each feature's `missing` what the probes found."""
    features = tuple(
        replace(f, missing=_takes_missing(j, sample, served, original, classifier))
        for j, f in enumerate(table.features)
    )
    return replace(table, features=features)
