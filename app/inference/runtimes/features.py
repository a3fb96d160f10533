"""What a tabular model takes, feature by feature: each one's name, type (number, integer, boolean,
string), whether it may be missing, its categories where known, and how the model's inputs carry it.

Three layouts carry rows into a model:
- `matrix`: one [rows, features] float input (a scikit-learn model fitted on numbers, a booster);
- `columns`: one [rows, 1] input per column (a pipeline fitted on a DataFrame of several types, as
  skl2onnx converts it), strings as strings, numbers, integers and booleans as the input's type;
- `text`: one string input (a text pipeline), a row being the text itself.

The signature app/convert.py writes (model.json, and the same inside an ONNX file's metadata) declares
them; a model without one is described from its inputs alone, strictly (nothing may be missing).
"""

from dataclasses import dataclass
from typing import Any

from ..contract import FEATURE_TYPES, LAYOUTS
from .spec import TensorSpec

MATRIX, COLUMNS, TEXT = LAYOUTS
NUMBER, INTEGER, BOOLEAN, STRING = FEATURE_TYPES
# The protocol datatypes that carry one column of each kind, in a model described from its inputs alone.
_TYPE_OF_DATATYPE = {
    "BYTES": STRING,
    "BOOL": BOOLEAN,
    "INT64": INTEGER,
    "INT32": INTEGER,
    "FP32": NUMBER,
    "FP64": NUMBER,
}


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    """The column's name, as the model was trained on it (spaces and all)."""
    type: str
    """number, integer, boolean or string: what a request's value must be."""
    missing: bool = False
    """True when the model answers a row without this value (null, an empty CSV cell)."""
    categories: tuple[Any, ...] | None = None
    """The values the model was trained on, where known."""
    categories_only: bool = False
    """True when a value outside `categories` is refused (the model's encoder would fail on it)."""
    input: str | None = None
    """The model input that carries it (`columns` and `text` layouts); None in a matrix."""
    lowercase: bool = False
    """A text the function lowercases (Python's str.lower) before the model, as the model's vectorizer did."""

    @staticmethod
    def of(document: Any, where: str) -> "Feature":
        """A feature of a signature's `features`; ValueError naming what is wrong."""
        if not isinstance(document, dict) or not isinstance(document.get("name"), str):
            raise ValueError(f"{where} must be an object with a name")
        if document.get("type") not in FEATURE_TYPES:
            raise ValueError(f"{where}.type must be one of {', '.join(FEATURE_TYPES)}")
        categories = document.get("categories")
        if categories is not None and not isinstance(categories, list):
            raise ValueError(f"{where}.categories must be a list")
        return Feature(
            name=document["name"],
            type=document["type"],
            missing=document.get("missing") is True,
            categories=tuple(categories) if categories is not None else None,
            categories_only=document.get("categories_only") is True and categories is not None,
            input=document.get("input") if isinstance(document.get("input"), str) else None,
            lowercase=document.get("lowercase") is True,
        )

    def document(self) -> dict[str, Any]:
        """As a signature writes it: only what is set."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "missing": self.missing}
        if self.categories is not None:
            out["categories"] = list(self.categories)
            out["categories_only"] = self.categories_only
        if self.input is not None:
            out["input"] = self.input
        if self.lowercase:
            out["lowercase"] = True
        return out


@dataclass(frozen=True, slots=True)
class Table:
    """The features of a tabular model in its order, and the layout that carries them."""

    layout: str
    features: tuple[Feature, ...]
    named: bool = True
    """False when the names are positions (f0, f1, ...) of a model trained on an array: rows may not name them."""

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def plain(self) -> bool:
        """A matrix of numbers that may not be missing: the fast path of plain number rows is all it needs."""
        return self.layout == MATRIX and all(f.type == NUMBER and not f.missing for f in self.features)

    @property
    def text(self) -> Feature | None:
        """The one text feature of a text model, whose rows may be the text itself."""
        return self.features[0] if self.layout == TEXT else None

    @staticmethod
    def of(document: Any, inputs: list[TensorSpec]) -> "Table":
        """The table a signature declares (`layout`, `features`), checked against the model's inputs;
        ValueError naming what does not fit."""
        layout = document.get("layout")
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
        listed = document.get("features")
        if not isinstance(listed, list) or not listed:
            raise ValueError("features must be a non-empty list")
        features = tuple(Feature.of(f, f"features[{i}]") for i, f in enumerate(listed))
        names = {spec.name for spec in inputs}
        if layout == MATRIX:
            if len(inputs) != 1 or inputs[0].shape[1:] != (len(features),):
                raise ValueError(
                    f"a matrix of {len(features)} features must be the model's one [rows, {len(features)}] input"
                )
        else:
            unknown = [f.input for f in features if f.input not in names]
            if unknown or len(features) != len(inputs):
                raise ValueError(
                    f"the features' inputs must be the model's inputs, one each: {', '.join(sorted(names))}"
                )
        if layout == TEXT and (len(features) != 1 or features[0].type != STRING):
            raise ValueError("a text model has one string feature")
        return Table(layout, features, named=document.get("feature_names_generated") is not True)

    @staticmethod
    def from_inputs(inputs: list[TensorSpec]) -> "Table | None":
        """The table of a model known only by its inputs: one [rows, n] float matrix, one string input
        (text), or one [rows, 1] input of a column's type each (columns); None for any other model."""
        if len(inputs) == 1 and inputs[0].datatype in ("FP32", "FP64") and len(inputs[0].shape) == 2:
            n = inputs[0].shape[1]
            if n <= 0:
                return None
            return Table(MATRIX, tuple(Feature(f"f{i}", NUMBER) for i in range(n)), named=False)
        if not inputs or not all(_is_column(spec) for spec in inputs):
            return None
        if len(inputs) == 1 and inputs[0].datatype == "BYTES":
            return Table(TEXT, (Feature(inputs[0].name, STRING, input=inputs[0].name),))
        return Table(COLUMNS, tuple(Feature(s.name, _TYPE_OF_DATATYPE[s.datatype], input=s.name) for s in inputs))


def _is_column(spec: TensorSpec) -> bool:
    """A [rows, 1] or [rows] input of a type a column has."""
    return spec.datatype in _TYPE_OF_DATATYPE and spec.shape in ((-1, 1), (-1,))
