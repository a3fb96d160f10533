"""The local function URL (local/serve.py): requests become the events Lambda would send, and answers
the responses it would give."""

import base64
import http.client
import json
import socket

import pytest
from support import free_port

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


@pytest.fixture
def endpoint(monkeypatch):
    """The local function URL in front of a function that echoes the body's length; a body late by half a
    second is given up."""
    monkeypatch.setattr(serve, "BODY_SECONDS", 0.5)
    seen: list[dict] = []

    def invoke(event):
        seen.append(event)
        return {"statusCode": 200, "body": str(len(event.get("body", "")))}, False

    port = free_port()
    running = serve.Endpoint(invoke, port).start()
    yield port, seen
    running.stop()


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """The status and body of the answer to `request` sent as it is, on a fresh connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        response = http.client.HTTPResponse(s)
        response.begin()
        return response.status, response.read()


def test_a_request_to_another_host_name_is_refused_as_dns_rebinding_would_send_it(endpoint):
    port, seen = endpoint
    status, body = raw(port, f"GET /v2 HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n".encode())
    assert (status, json.loads(body)) == (403, {"Message": f"Host must be 127.0.0.1:{port} or localhost:{port}"})
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert raw(port, f"GET /v2 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())[0] == 200
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("length", "status", "message"),
    [
        ("abc", 400, "Content-Length must be a number of bytes"),
        ("-1", 400, "Content-Length must be a number of bytes"),
        ("3", 400, "the body ended before its Content-Length (3 bytes)"),
        (
            str(serve.MAX_BODY_BYTES + 1),
            413,
            "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        ),
    ],
)
def test_a_body_length_that_lies_or_is_too_large_is_refused_without_reading_it(endpoint, length, status, message):
    port, seen = endpoint
    request = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
    assert raw(port, request) == (status, json.dumps({"Message": message}).encode())
    assert seen == []


def test_a_chunked_body_is_refused_for_want_of_a_length(endpoint):
    port, _ = endpoint
    request = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".encode()
    assert raw(port, request)[0] == 411
