"""What a fitted scikit-learn model takes, read from the model itself (a pickle has no signature inside):
- a pipeline that starts with a text vectorizer takes one text;
- a pipeline that starts with a ColumnTransformer selecting columns by name takes a DataFrame's columns,
  each typed by the encoder that reads it (its categories' type) or a number, and their categories;
- anything else takes a matrix of numbers.
A value may be missing where it meets an imputer before any step that cannot take NaN, or where every
step up to the estimator takes NaN (scikit-learn's `allow_nan` tag: trees, HistGradientBoosting).
convert.py reads the same, to type the samples it makes and the ONNX inputs it declares.
"""

from typing import Any

import numpy as np

from .features import BOOLEAN, COLUMNS, INTEGER, MATRIX, NUMBER, STRING, TEXT, Feature, Table

TEXT_FEATURE = "text"
"""The name of a text model's one feature (a text pipeline has no column names)."""
# The kinds of a numpy array of categories, as a feature's type.
_TYPE_OF_KIND = {"O": STRING, "U": STRING, "T": STRING, "b": BOOLEAN, "i": INTEGER, "u": INTEGER, "f": NUMBER}


def steps_of(model: Any) -> list[Any]:
    """A pipeline's steps, or the model alone."""
    return [step for _, step in getattr(model, "steps", [])] or [model]


def _allows_nan(estimator: Any) -> bool:
    from sklearn.utils import get_tags  # noqa: PLC0415

    if not hasattr(estimator, "__sklearn_tags__"):
        return False  # not a scikit-learn estimator: nothing says it takes NaN
    try:
        return bool(get_tags(estimator).input_tags.allow_nan)
    except Exception:  # noqa: BLE001 - an estimator of another library without scikit-learn's tags
        return False


def takes_missing(chain: list[Any]) -> bool:
    """True when NaN may enter this chain of steps: an imputer takes it out before any step that cannot
    take it; "passthrough" and "drop" pass it on."""
    for step in chain:
        if isinstance(step, str):
            continue
        if type(step).__name__.endswith("Imputer"):
            return True
        if not _allows_nan(step):
            return False
    return True


def is_text_model(model: Any) -> bool:
    return hasattr(steps_of(model)[0], "build_analyzer")


def _categories(chain: list[Any], position: int) -> tuple[np.ndarray[Any, Any] | None, bool]:
    """The categories an encoder in the chain learnt for the column at `position` of its input, and whether
    a value outside them is refused (handle_unknown="error")."""
    for step in chain:
        found = getattr(step, "categories_", None)
        if found is not None and position < len(found):
            return np.asarray(found[position]), getattr(step, "handle_unknown", "error") == "error"
    return None, False


def _column_feature(name: str, chain: list[Any], position: int, after: list[Any]) -> Feature:
    categories, only = _categories(chain, position)
    kind = categories.dtype.kind if categories is not None else "f"
    known = [c.item() if hasattr(c, "item") else c for c in categories] if categories is not None else None
    if known is not None:
        known = [c for c in known if not (isinstance(c, float) and np.isnan(c)) and c is not None]
    return Feature(
        name,
        _TYPE_OF_KIND.get(kind, NUMBER),
        missing=takes_missing(chain + after),
        categories=tuple(known) if known is not None else None,
        categories_only=only,
        input=name,
    )


def _by_name(transformer: Any) -> bool:
    """A ColumnTransformer whose columns are named (it needs a DataFrame)."""
    return any(
        isinstance(columns, str) or (isinstance(columns, list | tuple) and columns and isinstance(columns[0], str))
        for _, _, columns in getattr(transformer, "transformers_", [])
    )


def _columns_table(model: Any, transformer: Any, names: list[str]) -> Table:
    after = steps_of(model)[1:]
    found: dict[str, Feature] = {}
    for _, step, columns in transformer.transformers_:
        chain = steps_of(step) if not isinstance(step, str) else [step]
        listed = [columns] if isinstance(columns, str) else [names[c] if isinstance(c, int) else c for c in columns]
        if chain == ["drop"]:
            for name in listed:
                found.setdefault(name, Feature(name, NUMBER, missing=True, input=name))
            continue
        for position, name in enumerate(listed):
            found[name] = _column_feature(str(name), chain, position, after)
    return Table(COLUMNS, tuple(found.get(n, Feature(n, NUMBER, input=n)) for n in names))


def table_of(model: Any) -> Table:
    """The features of a fitted estimator or pipeline (fitted: n_features_in_ or a vectorizer's vocabulary)."""
    if is_text_model(model):
        # The model's own vectorizer lowercases, if it does: the text goes to it as it is.
        return Table(TEXT, (Feature(TEXT_FEATURE, STRING, input=TEXT_FEATURE),))
    raw = getattr(model, "feature_names_in_", None)
    names = [str(n) for n in raw] if raw is not None else None
    first = steps_of(model)[0]
    if names is not None and _by_name(first):
        return _columns_table(model, first, names)
    n = int(model.n_features_in_)
    missing = takes_missing(steps_of(model))
    if names is None:
        return Table(MATRIX, tuple(Feature(f"f{i}", NUMBER, missing=missing) for i in range(n)), named=False)
    return Table(MATRIX, tuple(Feature(name, NUMBER, missing=missing) for name in names))
