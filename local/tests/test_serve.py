"""The local function URL (local/serve.py): requests become the events Lambda would send, and answers
the responses it would give."""

import base64
import json

import serve


def test_a_json_request_becomes_a_function_url_event():
    event = serve.event_of(
        "POST",
        "/predict?explain=1&x=",
        {"Content-Type": "application/json", "User-Agent": "curl/8"},
        b'{"features": [1]}',
        client="127.0.0.1",
        host="127.0.0.1:8080",
    )
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert (event["rawPath"], event["rawQueryString"]) == ("/predict", "explain=1&x=")
    assert event["queryStringParameters"] == {"explain": "1", "x": ""}
    assert event["headers"] == {"content-type": "application/json", "user-agent": "curl/8"}
    assert event["requestContext"]["http"] == {
        "method": "POST",
        "path": "/predict",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "curl/8",
    }
    assert (event["body"], event["isBase64Encoded"]) == ('{"features": [1]}', False)


def test_a_binary_body_is_base64_encoded_and_no_body_is_no_body():
    event = serve.event_of("POST", "/", {"Content-Type": "application/octet-stream"}, b"\x00\xff", client="c", host="h")
    assert (event["body"], event["isBase64Encoded"]) == (base64.b64encode(b"\x00\xff").decode(), True)
    event = serve.event_of("GET", "/v2", {}, b"", client="c", host="h")
    assert "body" not in event and event["isBase64Encoded"] is False and "queryStringParameters" not in event
    assert serve.is_text("application/vnd.api+json; charset=utf-8") and not serve.is_text("image/png")


def test_answers_become_http_as_lambda_makes_them():
    proxy = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/octet-stream"},
        "cookies": ["a=1"],
        "body": base64.b64encode(b"\x01\x02").decode(),
        "isBase64Encoded": True,
    }
    reply = serve.reply_of(proxy, failed=False)
    assert (reply.status, reply.body) == (201, b"\x01\x02")
    assert reply.headers == [("Content-Type", "application/octet-stream"), ("Set-Cookie", "a=1")]
    plain = serve.reply_of({"predictions": [1]}, failed=False)
    assert (plain.status, json.loads(plain.body), plain.headers) == (
        200,
        {"predictions": [1]},
        [("Content-Type", "application/json")],
    )
    assert serve.reply_of({"errorType": "Runtime.ExitError"}, failed=True).status == 502
