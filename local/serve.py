"""`npm start -- --serve`: the function behind a local HTTP endpoint that behaves as its function URL
does. Each request becomes a function URL event (payload 2.0: method, path, query, headers, and the
body, base64-encoded unless its content type is text); the function's answer becomes the HTTP
status, headers and body, as Lambda turns it back. The function itself runs under the Runtime
Interface Emulator (local_lambda.py), so this is the deployed path, on 127.0.0.1.
"""

import base64
import http.server
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Content types a function URL hands over as text; every other body arrives base64-encoded.
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "application/x-www-form")


def is_text(content_type: str) -> bool:
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    return kind.startswith(TEXT_TYPES) or kind.endswith(("+json", "+xml"))


def event_of(
    method: str, target: str, headers: dict[str, str], body: bytes, *, client: str, host: str
) -> dict[str, Any]:
    """The function URL event (payload format 2.0) Lambda would send for this request."""
    url = urlsplit(target)
    lowered = {k.lower(): v for k, v in headers.items()}
    text = is_text(lowered.get("content-type", ""))
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path or "/",
        "rawQueryString": url.query,
        "headers": lowered,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".", maxsplit=1)[0],
            "http": {
                "method": method,
                "path": url.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": client,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": bool(body) and not text,
    }
    if url.query:
        event["queryStringParameters"] = dict(parse_qsl(url.query, keep_blank_values=True))
    if body:
        event["body"] = body.decode("utf-8", "replace") if text else base64.b64encode(body).decode()
    return event


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def reply_of(answer: object, failed: bool) -> Reply:
    """The HTTP answer Lambda makes of the function's result: a proxy response as it says, any other
    JSON value as a 200 JSON body, and an unhandled error as 502, as a function URL does."""
    if failed:
        return Reply(502, [("Content-Type", "application/json")], b'{"Message":"Internal Server Error"}')
    if isinstance(answer, dict) and "statusCode" in answer:
        headers = [(str(k), str(v)) for k, v in (answer.get("headers") or {}).items()]
        for name, values in (answer.get("multiValueHeaders") or {}).items():
            headers += [(str(name), str(v)) for v in values]
        headers += [("Set-Cookie", str(c)) for c in answer.get("cookies") or []]
        raw = answer.get("body") or ""
        body = base64.b64decode(raw) if answer.get("isBase64Encoded") else str(raw).encode()
        return Reply(int(answer["statusCode"]), headers, body)
    return Reply(200, [("Content-Type", "application/json")], json.dumps(answer).encode())


Invoke = Callable[[dict[str, Any]], tuple[object, bool]]


# A function URL refuses a request body above Lambda's synchronous payload limit.
MAX_BODY_BYTES = 6 * 1024 * 1024
# How long a request may take to send its body: a client that promises more than it sends is dropped.
BODY_SECONDS = 10.0
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def _json_reply(status: int, message: str) -> Reply:
    return Reply(status, [("Content-Type", "application/json")], json.dumps({"Message": message}).encode())


def host_refusal(host_header: str | None, port: int) -> Reply | None:
    """A request addressed to any name but this machine's loopback is refused: a web page the user visits
    could otherwise point a name of its own at 127.0.0.1 and call the model (DNS rebinding)."""
    allowed = {f"{name}:{port}" for name in LOOPBACK_NAMES} | set(LOOPBACK_NAMES)
    if (host_header or "").strip().lower() in allowed:
        return None
    return _json_reply(403, f"Host must be 127.0.0.1:{port} or localhost:{port}")


def body_length(headers: Any) -> int | Reply:
    """The body's declared length, or the refusal a function URL would give."""
    if headers.get("Transfer-Encoding"):
        return _json_reply(411, "send the body with a Content-Length")
    text = (headers.get("Content-Length") or "0").strip()
    if not text.isdigit() or not text.isascii():
        return _json_reply(400, "Content-Length must be a number of bytes")
    length = int(text)
    if length > MAX_BODY_BYTES:
        return _json_reply(413, f"Request must be smaller than {MAX_BODY_BYTES} bytes for the InvokeFunction operation")
    return length


def handler_for(invoke: Invoke, host: str) -> type[http.server.BaseHTTPRequestHandler]:
    port = int(host.rsplit(":", 1)[1])

    class FunctionUrl(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = BODY_SECONDS

        def _send(self, reply: Reply, *, close: bool = False) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(reply.body)

        def _body(self) -> bytes | Reply:
            length = body_length(self.headers)
            if isinstance(length, Reply):
                return length
            try:
                body = self.rfile.read(length) if length else b""
            except TimeoutError:
                body = b""
            if len(body) != length:
                return _json_reply(400, f"the body ended before its Content-Length ({length} bytes)")
            return body

        def _answer(self) -> None:
            refused = host_refusal(self.headers.get("Host"), port)
            body = refused or self._body()
            if isinstance(body, Reply):
                self._send(body, close=True)  # what is left of the body must not be read as a request
                return
            event = event_of(
                self.command, self.path, dict(self.headers.items()), body, client=self.client_address[0], host=host
            )
            answer, failed = invoke(event)
            self._send(reply_of(answer, failed))

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return FunctionUrl


class Endpoint:
    """A threaded HTTP server on 127.0.0.1 in front of `invoke`; stop() closes it."""

    def __init__(self, invoke: Invoke, port: int):
        self.host = f"127.0.0.1:{port}"
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler_for(invoke, self.host))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}/"

    def start(self) -> "Endpoint":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
