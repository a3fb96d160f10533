"""Data capture's Lambda extension: the process /opt/extensions/lambda-inference-capture starts (the
Dockerfile adds it with DATA_CAPTURE=on), which delivers the capture spool to S3 (capture/delivery.py).

Why an extension: Lambda freezes an environment once the runtime and every extension have asked for the
next event, and a thread of the function's own gets no time while it is frozen; an extension decides
when it asks, and is told when the environment shuts down.

Lambda starts the function's own init only once every extension has registered, so this module binds
the spool's socket and registers with the standard library's sockets alone, reading its names from
contract.json directly, and imports the rest afterwards: about 10 ms before the function may start,
instead of the 30 ms that http.client, dataclasses and typing would take.
"""

import json
import os
import socket
import sys

with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "contract.json")) as _f:
    _CONTRACT = json.load(_f)
NAME: str = _CONTRACT["capture"]["extension"]
"""The name it registers with: Lambda requires the file name it started."""
SPOOL_DIR: str = _CONTRACT["capture"]["spoolDir"]
SOCKET_NAME: str = _CONTRACT["capture"]["socket"]
CAPTURE_DIR: str = _CONTRACT["environment"]["capture"]["dir"]
RUNTIME_API: str = _CONTRACT["environment"]["extensions"]["runtimeApi"]
MAX_CONCURRENCY: str = _CONTRACT["environment"]["lambda"]["maxConcurrency"]
API = "/2020-01-01/extension"


def _unchunked(payload: bytes) -> bytes:
    """A chunked transfer-encoded body, joined."""
    out, rest = [], payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


class ExtensionsApi:
    """The Extensions API (register, next, init error) on the runtime API's loopback address: HTTP/1.1
    over a socket, one connection per call, closed by the server after its answer (no http.client: its
    import alone would delay every cold start by more than the rest of registering)."""

    def __init__(self, address: str):
        self.address = address
        self.identifier = ""

    def _request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        host, _, port = self.address.rpartition(":")
        fields = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"{method} {API}{path} HTTP/1.1\r\nHost: {self.address}\r\nConnection: close\r\n"
            f"Content-Length: {len(body)}\r\n{fields}\r\n"
        ).encode() + body
        # No timeout: `next` blocks for as long as the environment waits for an event (or is frozen).
        with socket.create_connection((host, int(port))) as connection:
            connection.sendall(request)
            chunks = []
            while data := connection.recv(65536):
                chunks.append(data)
        head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        answer = {name.strip().lower(): value.strip() for name, _, value in (li.partition(":") for li in lines)}
        if answer.get("transfer-encoding", "").lower() == "chunked":
            payload = _unchunked(payload)
        status = status_line.split(" ", 2)
        if len(status) < 2 or status[1] != "200":
            raise RuntimeError(f"{method} {path}: {status_line} {payload[:200]!r}")
        return payload, answer

    def register(self, events: list[str]) -> None:
        body = json.dumps({"events": events}).encode()
        _, answer = self._request("POST", "/register", body, {"Lambda-Extension-Name": NAME})
        self.identifier = answer.get("lambda-extension-identifier", "")

    def next(self) -> dict[str, object]:
        payload, _ = self._request("GET", "/event/next", b"", {"Lambda-Extension-Identifier": self.identifier})
        event: dict[str, object] = json.loads(payload)
        return event

    def init_error(self, kind: str, message: str) -> None:
        body = json.dumps({"errorMessage": message, "errorType": kind}).encode()
        headers = {"Lambda-Extension-Identifier": self.identifier, "Lambda-Extension-Function-Error-Type": kind}
        self._request("POST", "/init/error", body, headers)


def listen(spool: str) -> socket.socket:
    """The spool's socket, bound before registering: the function's writer says hello during its init."""
    os.makedirs(spool, exist_ok=True)
    path = os.path.join(spool, SOCKET_NAME)
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    return listener


def run(env: "os._Environ[str] | dict[str, str]", api: ExtensionsApi) -> int:
    """Binds, registers (SHUTDOWN only on managed instances, which never freeze), then serves until
    SHUTDOWN; the exit status."""
    listener = listen(env.get(CAPTURE_DIR) or SPOOL_DIR)
    api.register(["SHUTDOWN"] if env.get(MAX_CONCURRENCY) else ["INVOKE", "SHUTDOWN"])
    from .delivery import serve  # noqa: PLC0415 - after registering: Lambda's init waits for that

    return serve(env, api, listener)


def main() -> int:
    return run(os.environ, ExtensionsApi(os.environ[RUNTIME_API]))


if __name__ == "__main__":
    sys.exit(main())
