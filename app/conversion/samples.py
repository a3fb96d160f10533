"""The rows a model is converted and checked on: the user's sample (a document the function accepts) or rows
generated from what the model learnt, each checked by the function's own validation, typed feature by
feature, and given to the original model the way it was fitted (an array, a DataFrame, a list of texts)."""

import json
import os
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import signature
from conversion import ConversionError
from inference.errors import RequestError
from inference.limits import Limits
from inference.protocols.native.rows import rows_in
from inference.protocols.native.typed import columns_of
from inference.runtimes.features import BOOLEAN, COLUMNS, INTEGER, MATRIX, NUMBER, STRING, TEXT, Feature, Table
from inference.runtimes.sklearn import frame_of as dataframe_of
from inference.runtimes.sklearn_features import steps_of

GENERATED_ROWS = 256
# Rows of a sample file are bounded by the machine, not by a request's limits.
_NO_LIMITS = Limits(max_batch_rows=10**7, max_body_bytes=10**10)


@dataclass
class Sample:
    table: Table
    """The model's features, typed by the sample where the model itself does not say."""
    columns: list[list[Any]]
    """The rows, validated, one list per feature (None: missing)."""
    document: dict[str, Any]
    """The first rows, as a document the function accepts: the signature's sample and the smoke test."""
    label: str
    """What the sample is (its basename), or "generated"."""

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def with_column(self, j: int, values: list[Any]) -> "Sample":
        return replace(self, columns=[values if k == j else c for k, c in enumerate(self.columns)])


def read_document(path: str) -> Any:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise ConversionError(f"cannot read the sample {path}: {e}") from None


def _typed_by(values: list[Any]) -> str | None:
    """The type every given value of a column has, when it says more than "number"."""
    given = [v for v in values if v is not None]
    if not given:
        return None
    if all(isinstance(v, bool) for v in given):
        return BOOLEAN
    if all(isinstance(v, str) for v in given):
        return STRING
    if all(isinstance(v, int) and not isinstance(v, bool) for v in given):
        return INTEGER
    return None


def typed(table: Table, rows: list[Any]) -> Table:
    """The table, each number feature the model says nothing more of typed by the sample's values (integers,
    booleans or strings, as the DataFrame it was fitted on held them; a matrix only takes booleans)."""
    if table.layout == TEXT:
        return table
    features = list(table.features)
    for j, feature in enumerate(features):
        if feature.type != NUMBER or feature.categories is not None:
            continue
        values = [_value(row, j, feature.name) for row in rows]
        kind = _typed_by(values)
        # A matrix is numbers: booleans (fed as 0 and 1) say more, integers only narrow what a request may send.
        if kind is not None and (table.layout == COLUMNS or kind == BOOLEAN):
            features[j] = replace(feature, type=kind)
    return replace(table, features=tuple(features))


def _value(row: Any, j: int, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    if isinstance(row, list) and j < len(row):
        return row[j]
    return None


def with_columns_of(table: Table, rows: list[Any]) -> Table:
    """The table named as the sample's columns when the model holds them changed: LightGBM keeps a DataFrame's
    "mean radius" as "mean_radius", and a request sends what the DataFrame had."""
    given = next((list(row) for row in rows if isinstance(row, dict)), None)
    if given is None or not table.named or set(given) == set(table.names):
        return table
    renamed = {name.replace(" ", "_"): name for name in given}
    if len(renamed) != len(given) or set(renamed) != set(table.names):
        return table
    return replace(table, features=tuple(replace(f, name=renamed[f.name]) for f in table.features))


def from_document(document: Any, table: Table, label: str, *, refine: bool = True) -> Sample:
    """The sample a document gives, checked as the function checks a request; with `refine`, the table's
    number features typed by the sample's values (and named as its columns) first."""
    try:
        rows, where = rows_in(document, _NO_LIMITS)
        table = typed(with_columns_of(table, rows), rows) if refine else table
        columns = columns_of(rows, where, table, np.float64)
    except RequestError as e:
        raise ConversionError(f"the sample {label} is not a document the function accepts: {e.message}") from None
    return Sample(table, columns, signature.sample_of(document), label)


def read(path: str, table: Table, *, refine: bool = True) -> Sample:
    return from_document(read_document(path), table, os.path.basename(path), refine=refine)


def generated(model: Any, table: Table, *, refine: bool = True) -> Sample:
    """Rows made from what the model learnt: numbers around its scaler's statistics (where a linear model
    works; a tree's thresholds sit where the data is), its encoders' categories, its vocabulary's words."""
    rng = np.random.default_rng(0)
    if table.layout == TEXT:
        rows: list[Any] = _texts(model, rng)
    else:
        columns = [_generated_column(model, table, j, rng) for j in range(len(table.features))]
        rows = [list(r) for r in zip(*columns, strict=True)]
        if table.named and table.layout == COLUMNS:
            rows = [dict(zip(table.names, r, strict=True)) for r in rows]
    return from_document({"instances": rows}, table, "generated", refine=refine)


def _statistics(model: Any, j: int) -> tuple[float, float]:
    """The mean and scale a model's first scaler learnt for column j, else 0 and 1."""
    for step in steps_of(model)[:1] + _column_chain(model, j):
        mean, scale = getattr(step, "mean_", None), getattr(step, "scale_", None)
        if mean is not None and scale is not None and j < len(np.atleast_1d(mean)):
            return float(np.atleast_1d(mean)[j]), float(np.atleast_1d(scale)[j])
    return 0.0, 1.0


def _column_chain(model: Any, j: int) -> list[Any]:
    """The steps a ColumnTransformer sends column j through (its position in them is not kept: only a
    single-column transformer's statistics are read)."""
    transformer = steps_of(model)[0]
    for _, step, columns in getattr(transformer, "transformers_", []):
        if not isinstance(step, str) and isinstance(columns, list | tuple) and len(columns) == 1:
            names = list(getattr(model, "feature_names_in_", []))
            if names and columns[0] in (names[j], j):
                return steps_of(step)
    return []


def _generated_column(model: Any, table: Table, j: int, rng: np.random.Generator) -> list[Any]:
    feature = table.features[j]
    if feature.categories:
        return [feature.categories[int(i)] for i in rng.integers(0, len(feature.categories), GENERATED_ROWS)]
    if feature.type == BOOLEAN:
        return [bool(b) for b in rng.integers(0, 2, GENERATED_ROWS)]
    if feature.type == STRING:
        raise ConversionError(
            f"the model takes the string column {feature.name!r} without saying which values it knows: pass --sample "
            'with a few rows as your data has them ({"instances": [{...}, ...]})'
        )
    mean, scale = _statistics(model, j) if table.layout == MATRIX else (0.0, 1.0)
    values = mean + scale * rng.standard_normal(GENERATED_ROWS)
    if feature.type == INTEGER:
        return [int(v) for v in np.round(values)]
    return [round(float(v), 6) for v in values]


def _texts(model: Any, rng: np.random.Generator) -> list[str]:
    """Texts of 3 to 12 words of the vectorizer's vocabulary (its single words, when it keeps n-grams)."""
    vocabulary = sorted({word for term in getattr(steps_of(model)[0], "vocabulary_", {}) for word in term.split()})
    if not vocabulary:
        raise ConversionError("the text model has no vocabulary to make texts of: pass --sample with a few texts")
    return [" ".join(rng.choice(vocabulary, int(rng.integers(3, 13)))) for _ in range(GENERATED_ROWS)]


def original_input(model: Any, sample: Sample, columns: list[list[Any]] | None = None) -> Any:
    """The rows as the original model was fitted on them: a list of texts, a DataFrame of typed columns, or
    a float64 array (a DataFrame of its names when it was fitted on one)."""
    columns = sample.columns if columns is None else columns
    table = sample.table
    if table.layout == TEXT:
        return ["" if v is None else v for v in columns[0]]
    if table.layout == COLUMNS:
        return dataframe_of(table, columns)
    matrix = np.array([[np.nan if v is None else v for v in c] for c in columns], dtype=np.float64).T.copy()
    if getattr(model, "feature_names_in_", None) is not None and table.named:
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(matrix, columns=table.names)
    return matrix


def plain_features(n: int, names: list[str] | None) -> Table:
    """The table of a model known only by its feature count (and names)."""
    if names is None:
        return Table(MATRIX, tuple(Feature(f"f{i}", NUMBER) for i in range(n)), named=False)
    return Table(MATRIX, tuple(Feature(name, NUMBER) for name in names))
