"""The app's S3 client, with the AWS Common Runtime (awscrt): one object version to a file (the
model), an object's bytes (a queued message's input), and a put (a result, a batch's lines, capture).

awscrt is AWS's native S3 client (the one boto3's CRT transfer and AWS CLI v2
use): it signs with SigV4 from the standard credential chain (in Lambda, the
role's keys in the environment), retries throttling and 5xx, and splits a
large object into parallel ranged GETs by itself. It is imported only when the
model comes from S3, and costs about a quarter of botocore's import and client
set-up, which used to be most of an S3 cold start.

AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) points it at another S3 API, such as
moto_server in local runs and tests; requests then use path-style addresses.
"""

import contextlib
import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from ..contract import S3_ENV
from ..types import Env

# Bounded buffering for small functions: at most four ranged GETs of 8 MiB in flight.
PART_BYTES = 8 * 1024 * 1024
MAX_CONNECTIONS = 4
THROUGHPUT_GBPS = 1.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024  # the lowest limit the CRT accepts
MAX_RETRIES = 5
# A connection that is not up by then is retried, within the download's deadline.
CONNECT_TIMEOUT_MS = 3000
# What S3Failure.code says when the deadline passed before the object arrived.
DEADLINE_EXCEEDED = "DeadlineExceeded"
# How long the CRT may take to wind a cancelled request down: cancelled this long before the deadline.
CANCEL_GRACE_SECONDS = 0.5


def _wait(request: Any, deadline: float | None) -> None:
    """Until the request finishes; just before the deadline, cancel it, let it wind down, and say so."""
    import concurrent.futures  # noqa: PLC0415 - only the S3 path pays for it

    remaining = None if deadline is None else max(deadline - time.perf_counter() - CANCEL_GRACE_SECONDS, 0.0)
    try:
        request.finished_future.result(timeout=remaining)
    except concurrent.futures.TimeoutError:
        request.cancel()
        with contextlib.suppress(Exception):
            request.finished_future.result(timeout=CANCEL_GRACE_SECONDS)
        raise S3Failure(DEADLINE_EXCEEDED, None, "S3 did not deliver the object in time") from None


class _Sink:
    """Where a hashed download's bytes go: the file and the digest, each fed by a thread of its own, so that the
    CRT's event loop goes on receiving the next parts while one part is written and another hashed (all three
    release the GIL for large buffers; on two cores, writing then hashing in one thread made the download wait
    for the sum of both). The CRT delivers a GET's body in order; an out-of-order part would break the hash, so
    it fails the download."""

    # Parts queued for each worker at most: a slow disk holds the download back rather than filling memory.
    QUEUED = 8

    def __init__(self, path: str, digest: Any):
        import queue  # noqa: PLC0415 - only a hashed download pays for it

        self.digest = digest
        self.path = path
        self.written = 0
        self.failure: OSError | None = None
        self.queues: tuple[Any, Any] = (queue.Queue(self.QUEUED), queue.Queue(self.QUEUED))
        self.threads = (
            threading.Thread(target=self._write, name="model-writer", daemon=True),
            threading.Thread(target=self._hash, name="model-hasher", daemon=True),
        )
        if digest is not None:
            for thread in self.threads:
                thread.start()

    def __enter__(self) -> "_Sink":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.digest is None:
            return
        for queue, thread in zip(self.queues, self.threads, strict=True):
            queue.put(None)
            thread.join()
        if self.failure is not None and exc[0] is None:
            raise self.failure

    def write(self, chunk: bytes, offset: int, **_: Any) -> None:
        if offset != self.written:
            raise OSError(f"the object's bytes arrived out of order (at {offset}, expected {self.written})")
        self.written += len(chunk)
        for queue in self.queues:
            queue.put(chunk)

    def _write(self) -> None:
        queue = self.queues[0]
        try:
            with open(self.path, "wb") as f:
                while (chunk := queue.get()) is not None:
                    f.write(chunk)
        except OSError as e:
            self.failure = e
            while queue.get() is not None:  # let the download finish; the error is raised at the end
                pass

    def _hash(self) -> None:
        queue = self.queues[1]
        while (chunk := queue.get()) is not None:
            self.digest.update(chunk)


class S3Failure(Exception):
    """A request S3 answered with an error, or one that never got an answer."""

    def __init__(self, code: str, status: int | None, message: str):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code  # S3's error code (NoSuchKey, AccessDenied, ...), or the CRT's name for a transport failure
        self.status = status  # the HTTP status, or None when there was no response
        self.message = message  # S3's <Message>, or the CRT's description


# The CRT's errors for an S3 that kept answering 5xx until the retries ran out, as S3's code and status.
_RETRIES_EXHAUSTED = {
    "AWS_ERROR_S3_SLOW_DOWN": ("SlowDown", 503),
    "AWS_ERROR_S3_INTERNAL_ERROR": ("InternalError", 500),
}


def _xml_field(body: bytes | None, name: str) -> str:
    match = re.search(rf"<{name}>([^<]*)</{name}>".encode(), body or b"")
    return match.group(1).decode("utf-8", "replace") if match else ""


def _failure(error: Exception) -> S3Failure:
    """An awscrt exception as an S3Failure: S3's own error code when S3 answered."""
    from awscrt.s3 import S3ResponseError  # noqa: PLC0415

    if isinstance(error, S3ResponseError):
        status = int(error.status_code) if error.status_code is not None else None
        code = _xml_field(error.body, "Code") or (str(status) if status else error.name)
        return S3Failure(code, status, _xml_field(error.body, "Message"))
    name = getattr(error, "name", type(error).__name__)
    if name in _RETRIES_EXHAUSTED:
        # The CRT gives up on a throttled or failing S3 with its own error, not S3's answer: said as S3's
        # code, so that it reads the same whichever way the retries end.
        code, status = _RETRIES_EXHAUSTED[name]
        return S3Failure(code, status, f"S3 still answered {status} after {MAX_RETRIES} retries")
    return S3Failure(name, None, getattr(error, "message", str(error)))


def _region_of(error: Exception) -> str | None:
    """The bucket's region, where S3 tells it when asked in the wrong one (301 or 400)."""
    headers = getattr(error, "headers", None) or []
    for name, value in headers:
        if name.lower() == "x-amz-bucket-region":
            return str(value)
    return _xml_field(getattr(error, "body", None), "Region") or None


@dataclass
class S3Client:
    region: str
    endpoint: str | None = None  # scheme://host[:port] of another S3 API
    _clients: dict[str, Any] = field(default_factory=dict)
    _bootstrap: Any = None
    # A model's parts download from threads of their own (model_store.py): one client is made for them all.
    _lock: Any = field(default_factory=threading.Lock, repr=False, compare=False)

    @staticmethod
    def from_env(env: Env) -> "S3Client":
        region = env.get(S3_ENV.region) or env.get(S3_ENV.default_region) or "us-east-1"
        return S3Client(region, env.get(S3_ENV.endpoint_s3) or env.get(S3_ENV.endpoint) or None)

    def close(self) -> None:
        """Drops the CRT clients, their connections and cached credentials: the next request makes them anew
        (after a SnapStart restore, with the restored environment's credentials)."""
        self._clients.clear()
        self._bootstrap = None

    def _client(self, region: str) -> Any:
        with self._lock:
            return self._client_locked(region)

    def _client_locked(self, region: str) -> Any:
        from awscrt import auth, io, s3  # noqa: PLC0415 - only the S3 path pays for the CRT

        if self._bootstrap is None:
            loop = io.EventLoopGroup(1)
            self._bootstrap = io.ClientBootstrap(loop, io.DefaultHostResolver(loop))
        if region not in self._clients:
            tls = s3.S3RequestTlsMode.DISABLED if self.endpoint and self.endpoint.startswith("http:") else None
            self._clients[region] = s3.S3Client(
                bootstrap=self._bootstrap,
                region=region,
                tls_mode=tls,
                credential_provider=auth.AwsCredentialsProvider.new_default_chain(self._bootstrap),
                part_size=PART_BYTES,
                throughput_target_gbps=THROUGHPUT_GBPS,
                memory_limit=MEMORY_LIMIT_BYTES,
                max_active_connections_override=MAX_CONNECTIONS,
                retry_config=s3.S3RetryConfig(max_retries=MAX_RETRIES),
                connect_timeout_ms=CONNECT_TIMEOUT_MS,
            )
        return self._clients[region]

    def address(self, bucket: str, key: str, version_id: str | None, region: str) -> tuple[str, str]:
        """(Host header, path and query) of a GetObject: virtual-hosted on AWS, path-style elsewhere."""
        object_path = "/" + quote(key, safe="/~")
        query = f"?versionId={quote(version_id, safe='~')}" if version_id else ""
        if self.endpoint:
            return urlsplit(self.endpoint).netloc, f"/{bucket}{object_path}{query}"
        suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
        if "." in bucket:  # a dotted name breaks the TLS wildcard of virtual-hosted addresses
            return f"s3.{region}{suffix}", f"/{bucket}{object_path}{query}"
        return f"{bucket}.s3.{region}{suffix}", f"{object_path}{query}"

    def download(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        path: str,
        *,
        deadline: float | None = None,
        digest: Any = None,
    ) -> None:
        """Writes the object to `path` (ranged parallel GETs for large objects), or raises S3Failure. At
        `deadline` (a time.perf_counter() value) the request is cancelled and DEADLINE_EXCEEDED raised. With a
        `digest` (a hashlib object), each part is hashed as it is written, while the next parts download: the
        file is verified when the last byte lands, not read again."""
        from awscrt import http, s3  # noqa: PLC0415

        region = self.region
        for attempt in range(2):
            host, target = self.address(bucket, key, version_id, region)
            request = http.HttpRequest("GET", target, http.HttpHeaders([("host", host)]))
            try:
                with _Sink(path, digest) as sink:
                    started = self._client(region).make_request(
                        type=s3.S3RequestType.GET_OBJECT,
                        request=request,
                        **({"on_body": sink.write} if digest is not None else {"recv_filepath": path}),
                    )
                    _wait(started, deadline)
                return
            except S3Failure:
                raise
            except Exception as e:  # noqa: BLE001 - every CRT failure becomes one S3Failure
                moved = _region_of(e) if attempt == 0 and getattr(e, "status_code", None) in (301, 400) else None
                if moved and moved != region:
                    region = moved  # the bucket lives elsewhere: ask there, once
                    if os.path.exists(path):
                        os.unlink(path)
                    continue
                raise _failure(e) from None

    def _send(
        self,
        method: str,
        bucket: str,
        key: str,
        headers: list[tuple[str, str]],
        deadline: float | None = None,
        **request: Any,
    ) -> Any:
        """One request of `method` on the object, given up at `deadline`; its finished request, or S3Failure.
        The request's own keyword arguments (a body, on_headers, on_body) go to the CRT as they are."""
        from awscrt import http, s3  # noqa: PLC0415 - only the S3 paths pay for the CRT

        host, target = self.address(bucket, key, None, self.region)
        body = request.pop("body", None)
        kind = {"GET": s3.S3RequestType.GET_OBJECT, "PUT": s3.S3RequestType.PUT_OBJECT}.get(method)
        message = http.HttpRequest(method, target, http.HttpHeaders([("host", host), *headers]), body)
        names = {"HEAD": "HeadObject"}
        try:
            started = self._client(self.region).make_request(
                type=kind if kind is not None else s3.S3RequestType.DEFAULT,
                operation_name=None if kind is not None else names[method],
                request=message,
                **request,
            )
            _wait(started, deadline)
        except S3Failure:
            raise
        except Exception as e:  # noqa: BLE001 - every CRT failure becomes one S3Failure
            raise _failure(e) from None
        return started

    def read(self, bucket: str, key: str, max_bytes: int, *, deadline: float | None = None) -> bytes:
        """The object's bytes (a queued message's input), or S3Failure; `EntityTooLarge` above `max_bytes`,
        found from a ranged GET of one byte more than that: a larger object is never downloaded whole."""
        chunks: list[bytes] = []
        size = 0

        def on_body(chunk: bytes, **_: Any) -> None:
            nonlocal size
            size += len(chunk)
            if size <= max_bytes:
                chunks.append(bytes(chunk))

        try:
            self._send("GET", bucket, key, [("range", f"bytes=0-{max_bytes}")], deadline, on_body=on_body)
        except S3Failure as e:
            if e.code != "InvalidRange":
                raise
            return b""  # an empty object has no byte 0
        if size > max_bytes:
            raise S3Failure("EntityTooLarge", None, f"the object is larger than {max_bytes} bytes")
        return b"".join(chunks)

    def write(self, bucket: str, key: str, data: bytes, content_type: str, *, deadline: float | None = None) -> None:
        """Puts `data` at the key (a capture file), or raises S3Failure."""
        import io  # noqa: PLC0415

        headers = [("content-length", str(len(data))), ("content-type", content_type)]
        self._send("PUT", bucket, key, headers, deadline, body=io.BytesIO(data))

    def write_new(self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool:
        """Puts `data` at the key only if nothing is there yet (If-None-Match: *), with `metadata` to tell
        later whose it is; False when an object already is there, S3Failure for any other refusal."""
        import io  # noqa: PLC0415

        headers = [("content-length", str(len(data))), ("content-type", content_type), ("if-none-match", "*")]
        headers += [(f"x-amz-meta-{name}", value) for name, value in metadata.items()]
        try:
            self._send("PUT", bucket, key, headers, body=io.BytesIO(data))
        except S3Failure as e:
            if e.status == 412 or e.code == "PreconditionFailed":
                return False
            raise
        return True

    def metadata_of(self, bucket: str, key: str) -> dict[str, str]:
        """The object's user metadata (`x-amz-meta-*`, by name), from a HEAD; S3Failure when it cannot be read."""
        found: dict[str, str] = {}

        def on_headers(status_code: int, headers: list[tuple[str, str]], **_: Any) -> None:
            for name, value in headers:
                if name.lower().startswith("x-amz-meta-"):
                    found[name.lower().removeprefix("x-amz-meta-")] = value

        self._send("HEAD", bucket, key, [], on_headers=on_headers)
        return found
