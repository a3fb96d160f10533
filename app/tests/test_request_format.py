"""The native request format (protocols/native/format.py) against the shared vectors
(tests/vectors/native-requests.json): the app's own parser answers each as the vectors say, and the JSON
Schema the OpenAPI document is built from accepts exactly what the app accepts. The component's smoke-test
check is held to the same vectors (tests/components/signature.test.ts)."""

import json
import os

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from support import ROOT

from inference.errors import RequestError
from inference.limits import Limits
from inference.protocols.native.format import MANY_ROWS, ONE_ROW, json_type, many_rows, one_row, request_schema, rows_of
from inference.protocols.native.rows import rows_from_document, rows_in
from inference.protocols.native.typed import columns_of
from inference.runtimes.features import MATRIX, NUMBER, Feature, Table

with open(os.path.join(ROOT, "tests", "vectors", "native-requests.json")) as f:
    VECTORS = json.load(f)
CASES = VECTORS["cases"]
DTYPES = {"float32": np.float32, "float64": np.float64}


def table_of(signature):
    """The table a vector's signature declares (one written before typed features: a plain matrix)."""
    if "features" in signature:
        named = not signature["feature_names_generated"]
        return Table(signature["layout"], tuple(Feature.of(f, "f") for f in signature["features"]), named=named)
    names = signature["feature_names"]
    return Table(MATRIX, tuple(Feature(n, NUMBER) for n in names), named=not signature["feature_names_generated"])


def answer(case):
    """What the app's validation answers, as Core.prediction validates: "ok", or the error's code and message."""
    signature = VECTORS["signatures"][case["signature"]]
    names = None if signature["feature_names_generated"] else signature["feature_names"]
    table = table_of(signature)
    dtype = DTYPES.get(signature["input_type"], np.float64)
    try:
        if table.plain:
            rows_from_document(case["document"], signature["n_features"], Limits(), dtype, names)
        else:
            rows, where = rows_in(case["document"], Limits())
            columns_of(rows, where, table, dtype)
    except RequestError as e:
        return {"error": e.code, "message": e.message}
    return "ok"


@pytest.mark.parametrize("case", [c for c in CASES if "app" in c["checks"]], ids=lambda c: c["name"])
def test_the_app_answers_each_vector_as_declared(case):
    assert answer(case) == case["expect"]


@pytest.mark.parametrize("case", [c for c in CASES if "schema" in c["checks"]], ids=lambda c: c["name"])
def test_the_schema_accepts_exactly_what_the_app_accepts(case):
    schema = request_schema(VECTORS["signatures"][case["signature"]])
    Draft202012Validator.check_schema(schema)
    valid = Draft202012Validator(schema).is_valid(case["document"])
    assert valid == (case["expect"] == "ok")


def test_the_generic_schema_accepts_every_document_any_model_accepts():
    generic = Draft202012Validator(request_schema())
    for case in CASES:
        if case["expect"] == "ok":
            assert generic.is_valid(case["document"]), case["name"]


def test_the_vectors_cover_every_refusal_of_the_rows():
    refused = {c["expect"]["error"] for c in CASES if c["expect"] != "ok"}
    assert refused == {
        "wrong_feature_count", "features_not_named", "missing_features", "unknown_features", "not_numeric",
        "invalid_request", "invalid_shape", "out_of_range", "missing_value", "wrong_type", "unknown_category",
    }  # fmt: skip


def test_a_batch_beyond_the_limit_is_named_with_the_limit():
    schema = Draft202012Validator(request_schema(VECTORS["signatures"]["s4"], max_rows=2))
    assert not schema.is_valid(many_rows([[1, 2, 3, 4]] * 3))
    with pytest.raises(RequestError, match="instances has 3 rows; at most 2 are allowed"):
        rows_from_document(many_rows([[1, 2, 3, 4]] * 3), 4, Limits(max_batch_rows=2))


def test_the_format_builds_and_reads_its_own_documents():
    assert (one_row([1]), many_rows([[1]])) == ({ONE_ROW: [1]}, {MANY_ROWS: [[1]]})
    assert rows_of(one_row([1])) == [[1]] and rows_of(many_rows([[1], [2]])) == [[1], [2]]
    assert [json_type(v) for v in (None, True, 1, 1.5, "s", [], {})] == [
        "null", "boolean", "number", "number", "string", "array", "object",
    ]  # fmt: skip
