import base64
import json
import re

import pytest

from inference.errors import BadRequest, ConfigError, InitError, MethodNotAllowed, RequestError
from inference.limits import Limits
from inference.protocols.native.rows import rows_from_document
from inference.sources.http import adapt, matches


def is_http_event(event):
    return matches(event)


def document_from_http(event, limits):
    return adapt(event)[0].document(limits.max_body_bytes)


LIMITS = Limits(max_batch_rows=3, max_body_bytes=200)


def url_event(body, method="POST", b64=False):
    return {
        "version": "2.0",
        "requestContext": {"http": {"method": method, "path": "/"}},
        "body": base64.b64encode(body.encode()).decode() if b64 else body,
        "isBase64Encoded": b64,
    }


def v1_event(body, method="POST"):
    return {"httpMethod": method, "path": "/predict", "requestContext": {"stage": "prod"}, "body": body}


def bad(fn, *args):
    with pytest.raises(RequestError) as info:
        fn(*args)
    return info.value.status, info.value.code, info.value.message


class TestEventKinds:
    def test_function_url_and_api_gateway_v2_are_http(self):
        assert is_http_event(url_event("{}"))

    def test_api_gateway_v1_is_http(self):
        assert is_http_event(v1_event("{}"))

    def test_direct_invokes_are_not_http(self):
        assert not is_http_event({"features": [1, 2]})
        assert not is_http_event([1, 2])
        assert not is_http_event({"requestContext": "x", "features": [1]})

    def test_plain_json_body(self):
        assert document_from_http(url_event('{"features": [1]}'), LIMITS) == {"features": [1]}

    def test_base64_body(self):
        assert document_from_http(url_event('{"features": [2]}', b64=True), LIMITS) == {"features": [2]}

    def test_v1_body(self):
        assert document_from_http(v1_event('{"instances": [[1]]}'), LIMITS) == {"instances": [[1]]}


class TestHttpRules:
    def test_only_post(self):
        assert bad(document_from_http, url_event("{}", method="GET"), LIMITS) == (
            405,
            "method_not_allowed",
            "use POST with a JSON body; got GET",
        )
        assert bad(document_from_http, v1_event("{}", method="PUT"), LIMITS)[:2] == (405, "method_not_allowed")

    def test_a_wrong_method_is_not_a_bad_request(self):
        with pytest.raises(MethodNotAllowed) as info:
            document_from_http(url_event("{}", method="DELETE"), LIMITS)
        assert not isinstance(info.value, BadRequest)

    def test_missing_body(self):
        assert bad(document_from_http, url_event(None), LIMITS) == (
            400,
            "missing_body",
            "the request has no body; send a JSON document",
        )
        assert bad(document_from_http, url_event(""), LIMITS)[1] == "missing_body"

    def test_non_string_body(self):
        assert bad(document_from_http, url_event(["x"]), LIMITS)[1] == "invalid_body"

    def test_bad_base64(self):
        assert bad(document_from_http, {**url_event("@@@"), "isBase64Encoded": True}, LIMITS) == (
            400,
            "invalid_body",
            "the body is marked base64 but is not valid base64",
        )

    def test_invalid_json(self):
        assert bad(document_from_http, url_event("{nope"), LIMITS) == (
            400,
            "invalid_json",
            "the body is not valid JSON",
        )

    @pytest.mark.parametrize(
        "body",
        [
            '{"features": [99999999999999999999, -9223372036854775809, 18446744073709551615]}',
            '{"features": [NaN, Infinity, -Infinity, 1e400]}',
            '{"features": ["\\ud800"]}',
            '\ufeff{"features": [1]}',
            '{"features": [0.1, 1e-400, -0, 1.0, 12345678901234567890.5]}',
            '{"features": {"a": 1, "a": 2}}',
            "[" * 5000 + "]" * 5000,
        ],
        ids=["beyond 64 bits", "non-finite", "lone surrogate", "byte-order mark", "floats", "repeated key", "deep"],
    )
    def test_every_body_is_read_as_json_reads_it(self, body):
        """The C-speed reader (orjson) must never answer otherwise than json: big integers stay integers."""
        limits = Limits(max_batch_rows=3, max_body_bytes=1 << 20)
        # json reads text as it is, and bytes in whichever UTF it finds (a byte-order mark allowed).
        for event, raw in ((url_event(body), body), (url_event(body, b64=True), body.encode("utf-8", "surrogatepass"))):
            try:
                expected = json.loads(raw)
            except (ValueError, RecursionError):
                assert bad(document_from_http, event, limits)[1] == "invalid_json"
                continue
            got = document_from_http(event, limits)
            assert json.dumps(got) == json.dumps(expected)
            assert [type(v) for v in got["features"]] == [type(v) for v in expected["features"]]

    def test_body_cap_plain_and_base64(self):
        big = json.dumps({"features": [1.0] * 60})
        assert len(big) > 200
        assert bad(document_from_http, url_event(big), LIMITS) == (
            400,
            "body_too_large",
            "the body exceeds 200 bytes",
        )
        assert bad(document_from_http, url_event(big, b64=True), LIMITS)[1] == "body_too_large"

    def test_body_of_exactly_the_cap_passes(self):
        body = '{"features": [1]}'.ljust(200)
        assert len(body) == 200
        assert document_from_http(url_event(body), LIMITS) == {"features": [1]}
        assert bad(document_from_http, url_event(body + " "), LIMITS)[1] == "body_too_large"


class TestDocumentRules:
    def test_single_row(self):
        x = rows_from_document({"features": [1, 2.5]}, 2, LIMITS)
        assert (x.tolist(), x.dtype.name) == ([[1.0, 2.5]], "float64")

    def test_batch(self):
        x = rows_from_document({"instances": [[1, 2], [3, 4]]}, 2, LIMITS)
        assert (x.tolist(), x.shape) == ([[1.0, 2.0], [3.0, 4.0]], (2, 2))

    def test_finds_the_offending_value_in_a_large_batch(self):
        rows = [[1.0, 2.0]] * 3
        rows = [*rows[:2], [1.0, float("nan")]]
        assert bad(rows_from_document, {"instances": rows}, 2, LIMITS) == (
            400,
            "not_finite",
            "instances[2][1] must be finite; got nan",
        )

    @pytest.mark.parametrize(
        "document, code, message",
        [
            ([1, 2], "invalid_request", 'send a JSON object with "features" or "instances"'),
            ({}, "invalid_request", 'send exactly one of "features" (one row) or "instances" (a list of rows)'),
            (
                {"features": [1, 2], "instances": [[1, 2]]},
                "invalid_request",
                'send exactly one of "features" (one row) or "instances" (a list of rows)',
            ),
            ({"features": None}, "invalid_shape", "features must be a list of 2 numbers"),
            ({"features": [1]}, "wrong_feature_count", "features has 1 values; the model takes exactly 2"),
            ({"features": [1, 2, 3]}, "wrong_feature_count", "features has 3 values; the model takes exactly 2"),
            ({"features": [1, "2"]}, "not_numeric", "features[1] must be a number; got string"),
            ({"features": [True, 2]}, "not_numeric", "features[0] must be a number; got boolean"),
            (
                {"features": [None, 2]},
                "missing_value",
                "features[0] is missing, but the model takes no missing value there: send a number",
            ),
            ({"features": [float("nan"), 2]}, "not_finite", "features[0] must be finite; got nan"),
            ({"features": [1, float("inf")]}, "not_finite", "features[1] must be finite; got inf"),
            ({"features": [1, 10**400]}, "not_finite", "features[1] is too large to be a float"),
            ({"instances": []}, "invalid_shape", "instances must be a non-empty list of rows"),
            ({"instances": {"a": 1}}, "invalid_shape", "instances must be a non-empty list of rows"),
            ({"instances": [[1, 2], 3]}, "invalid_shape", "instances[1] must be a list of 2 numbers"),
            ({"instances": [[1, 2], [1, {}]]}, "not_numeric", "instances[1][1] must be a number; got object"),
            (
                {"instances": [[1, 2]] * 4},
                "batch_too_large",
                "instances has 4 rows; at most 3 are allowed",
            ),
        ],
    )
    def test_rejections(self, document, code, message):
        with pytest.raises(BadRequest):
            rows_from_document(document, 2, LIMITS)
        assert bad(rows_from_document, document, 2, LIMITS) == (400, code, message)


class TestLimitsFromEnv:
    def test_defaults(self):
        assert Limits.from_env({}) == Limits(1000, 1024 * 1024)

    def test_overrides(self):
        assert Limits.from_env({"MAX_BATCH_ROWS": "10", "MAX_BODY_BYTES": "2048"}) == Limits(10, 2048)

    @pytest.mark.parametrize("raw", ["0", "-3", "ten", "1_000", " 10", "\u0661\u0660", "1000001"])
    def test_bad_values_name_the_variable_and_its_range(self, raw):
        message = f"MAX_BATCH_ROWS must be an integer from 1 to 1000000; got {raw!r}"
        with pytest.raises(ConfigError, match=re.escape(message)) as info:
            Limits.from_env({"MAX_BATCH_ROWS": raw})
        assert isinstance(info.value, InitError)
