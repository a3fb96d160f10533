"""Malformed events, generated: every one gets a 4xx JSON error, none escapes."""

import base64
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import app_for

from inference.sources import SOURCES, direct

TRIED = {"count": 0}

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
json_value = st.recursive(
    json_leaf,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _is_valid_number(v):
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    if isinstance(v, float):
        return math.isfinite(v)
    try:
        float(v)
        return True
    except OverflowError:
        return False


def _is_valid_row(row, n):
    return isinstance(row, list) and len(row) == n and all(_is_valid_number(v) for v in row)


def _is_valid_document(doc, n=4):
    if not isinstance(doc, dict) or (("features" in doc) == ("instances" in doc)):
        return False
    if "features" in doc:
        return _is_valid_row(doc["features"], n)
    rows = doc["instances"]
    return isinstance(rows, list) and 0 < len(rows) <= 1000 and all(_is_valid_row(r, n) for r in rows)


def _another_sources(document):
    """An event another source takes before the direct invoke (an HTTP event, an SQS batch, an item batch, whose
    malformed shapes fail the invocation by design: tested with those sources), not a direct invoke's document."""
    return any(source.matches(document) for source in SOURCES if source is not direct)


bad_rows = st.one_of(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=8).filter(lambda r: len(r) != 4),
    st.lists(json_leaf, min_size=4, max_size=4).filter(lambda r: not _is_valid_row(r, 4)),
    json_value.filter(lambda v: not isinstance(v, list)),
)
bad_documents = st.one_of(
    json_value,
    st.builds(lambda r: {"features": r}, bad_rows),
    st.builds(lambda rows: {"instances": rows}, st.lists(bad_rows, max_size=4)),
    st.builds(lambda r, extra: {"features": r, "instances": extra}, bad_rows, json_value),
    st.dictionaries(st.sampled_from(["feature", "Features", "rows", "data"]), json_value, max_size=2),
).filter(lambda d: not _is_valid_document(d) and not _another_sources(d))


def as_http(document, b64, v1):
    body = json.dumps(document)
    if b64:
        body = base64.b64encode(body.encode()).decode()
    if v1:
        return {"httpMethod": "POST", "body": body, "isBase64Encoded": b64, "requestContext": {}}
    return {"requestContext": {"http": {"method": "POST"}}, "body": body, "isBase64Encoded": b64}


raw_bodies = st.one_of(st.text(max_size=40), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))


class Ctx:
    aws_request_id = "prop-test"


CURRENT = {}


def app():
    """The App of the runtime the running test chose."""
    return CURRENT["app"]


def assert_error(response, http):
    TRIED["count"] += 1
    if http:
        assert response["statusCode"] == 400
        assert response["headers"] == {"Content-Type": "application/json"}
        body = json.loads(response["body"])
    else:
        assert response["status"] == 400
        body = {k: v for k, v in response.items() if k != "status"}
    assert set(body) == {"error", "message"}
    assert isinstance(body["error"], str) and isinstance(body["message"], str) and body["message"]


SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@SETTINGS
@given(bad_documents)
def direct_invokes(document):
    assert_error(app()(document, Ctx()), http=False)


@SETTINGS
@given(bad_documents, st.booleans(), st.booleans())
def http_documents(document, b64, v1):
    assert_error(app()(as_http(document, b64, v1), Ctx()), http=True)


def _parses_valid(s):
    try:
        return _is_valid_document(json.loads(s))
    except ValueError:
        return False


@SETTINGS
@given(raw_bodies.filter(lambda s: not _parses_valid(s)), st.booleans())
def http_raw_bodies(body, b64):
    event = {"requestContext": {"http": {"method": "POST"}}, "body": body, "isBase64Encoded": b64}
    assert_error(app()(event, Ctx()), http=True)


@pytest.mark.parametrize("runtime", ["onnx", "sklearn"])
@pytest.mark.parametrize("prop", [direct_invokes, http_documents, http_raw_bodies], ids=lambda p: p.__name__)
def test_malformed_events_get_a_400_json_error(prop, runtime):
    """Each property counts the events it really sent, so the total does not hang on test order."""
    CURRENT["app"] = app_for(runtime)
    before = TRIED["count"]
    prop()
    tried = TRIED["count"] - before
    print(f"{prop.__name__}: {tried} malformed events")
    assert tried >= 350, f"only {tried} examples were generated"
