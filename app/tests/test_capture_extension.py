"""Data capture's extension (inference/capture/extension.py) against a stand-in of Lambda's Extensions API
(register, next, init error, served over HTTP as Lambda serves it) and S3 on loopback (moto's server):
an invocation is held open until its records are on disk, the spool goes to S3 by date partition, a
shutdown uploads what is left, and a refused upload loses nothing."""

import itertools
import json
import os
import queue
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import CREDENTIALS, empty_s3, make_app, predictor_for

from inference.capture import delivery as capture_delivery
from inference.capture import extension as capture_extension
from inference.capture.delivery import Uploader
from inference.capture.extension import NAME, ExtensionsApi, run
from inference.capture.spool import CaptureSettings
from inference.capture.writer import Capture
from inference.storage.s3 import S3Client
from inference.storage.s3uri import S3Uri

BUCKET = "capture-bucket"
ROW = [5.1, 3.5, 1.4, 0.2]


class FakeLambda:
    """The Extensions API: registrations, each `next` (when it was asked), and the events to hand out."""

    def __init__(self):
        self.events: queue.Queue[dict] = queue.Queue()
        self.registered: list[tuple[str, list[str]]] = []
        self.next_calls: list[float] = []
        self.init_errors: list[tuple[str, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(200)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path == "/2020-01-01/extension/register":
                    fake.registered.append((self.headers["Lambda-Extension-Name"], body["events"]))
                    self._reply({"functionName": "f"}, {"Lambda-Extension-Identifier": "ext-1"})
                elif self.path == "/2020-01-01/extension/init/error":
                    fake.init_errors.append((self.headers["Lambda-Extension-Function-Error-Type"], body))
                    self._reply({"status": "OK"})

            def do_GET(self):
                assert self.path == "/2020-01-01/extension/event/next"
                assert self.headers["Lambda-Extension-Identifier"] == "ext-1"
                fake.next_calls.append(time.time())
                self._reply(fake.events.get())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def invoke(self, request_id: str, seconds: float = 30):
        self.events.put({"eventType": "INVOKE", "requestId": request_id, "deadlineMs": (time.time() + seconds) * 1000})

    def shutdown(self, seconds: float = 2):
        self.events.put(
            {"eventType": "SHUTDOWN", "shutdownReason": "spindown", "deadlineMs": (time.time() + seconds) * 1000}
        )

    def wait_for_next(self, count: int, timeout: float = 5) -> bool:
        end = time.time() + timeout
        while time.time() < end:
            if len(self.next_calls) >= count:
                return True
            time.sleep(0.01)
        return False


@pytest.fixture
def s3(endpoint, monkeypatch):
    return empty_s3(endpoint, monkeypatch, BUCKET)


@pytest.fixture
def lam():
    fake = FakeLambda()
    yield fake
    fake.server.shutdown()


def environment(endpoint, spool, **extra):
    return {
        **CREDENTIALS,
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_LAMBDA_FUNCTION_VERSION": "7",
        "CAPTURE_URI": f"s3://{BUCKET}/records/",
        "CAPTURE_DIR": str(spool),
        "CAPTURE_MAX_SECONDS": "3600",
        **extra,
    }


def start(env, lam) -> tuple[threading.Thread, list[int]]:
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(run(env, ExtensionsApi(lam.address))), daemon=True)
    thread.start()
    deadline = time.time() + 5
    while not lam.registered and time.time() < deadline:
        time.sleep(0.01)
    return thread, status


def objects(s3) -> dict[str, list[dict]]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        o["Key"]: [json.loads(line) for line in s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read().splitlines()]
        for o in listed
    }


def test_an_invocation_is_held_until_its_records_are_written_and_a_shutdown_uploads_them(endpoint, s3, lam, tmp_path):
    env = environment(endpoint, tmp_path)
    thread, status = start(env, lam)
    assert lam.registered == [(NAME, ["INVOKE", "SHUTDOWN"])]
    app = make_app(
        predictor_for("onnx"), capture=Capture(CaptureSettings.from_env(env), {"name": "model", "sha256": "abc"})
    )

    class Ctx:
        aws_request_id = "invocation-1"

    lam.invoke("invocation-1")
    assert lam.wait_for_next(1)
    time.sleep(0.3)
    assert len(lam.next_calls) == 1, "the extension asked for the next event before the function answered"
    app({"features": ROW}, Ctx())
    assert lam.wait_for_next(2), "the extension never let the invocation finish"
    assert objects(s3) == {}, "one record is not worth a PUT before the buffer time"

    lam.shutdown()
    thread.join(5)
    assert status == [0]
    [(key, records)] = objects(s3).items()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert key.startswith(f"records/dt={today}/7-{os.getpid()}-") and key.endswith(".jsonl")
    assert [(r["requestId"], r["input"]) for r in records] == [("invocation-1", {"features": ROW})]
    assert [f for f in os.listdir(tmp_path / f"dt={today}")] == [], "the spool keeps nothing S3 has"


def test_an_answer_written_before_the_extension_hears_of_the_invocation_is_not_waited_for(endpoint, s3, lam, tmp_path):
    # A quick answer: the writer says "written" before Lambda's INVOKE event reaches the extension.
    env = environment(endpoint, tmp_path)
    thread, status = start(env, lam)
    app = make_app(
        predictor_for("onnx"), capture=Capture(CaptureSettings.from_env(env), {"name": "model", "sha256": "abc"})
    )

    class Ctx:
        aws_request_id = "quick-1"

    app({"features": ROW[:2]}, Ctx())  # a 400: nothing captured, the invocation still ends
    assert app.services.observer.capture.drain()
    time.sleep(0.2)
    lam.invoke("quick-1")
    assert lam.wait_for_next(2, timeout=2), "the extension waited for a signal it had already received"
    lam.shutdown()
    thread.join(5)
    assert status == [0]


def test_without_a_writer_an_invocation_is_not_held(endpoint, s3, lam, tmp_path):
    # The function failed its init (no writer said hello): there is nothing to wait for.
    thread, status = start(environment(endpoint, tmp_path), lam)
    lam.invoke("invocation-1")
    assert lam.wait_for_next(2, timeout=2)
    lam.shutdown()
    thread.join(5)
    assert status == [0] and objects(s3) == {}


def spool_with(tmp_path, day: str, lines: list[str], writer: str = "123-abcd") -> None:
    folder = tmp_path / f"dt={day}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{writer}.jsonl", "a") as f:
        f.write("".join(line + "\n" for line in lines))


def test_uploads_once_records_waited_the_buffer_time_or_fill_an_object(endpoint, s3, tmp_path, monkeypatch):
    now = [1000.0]
    uploader = Uploader(
        str(tmp_path), S3Uri(BUCKET, "records/"), S3Client("us-east-1", endpoint), "3", 60, lambda: now[0]
    )
    uploader.after_invoke()
    spool_with(tmp_path, "2026-11-30", ['{"n": 1}'])
    uploader.after_invoke()
    now[0] += 59
    uploader.after_invoke()
    assert objects(s3) == {}
    now[0] += 1
    uploader.after_invoke()
    [(key, records)] = objects(s3).items()
    assert key.startswith("records/dt=2026-11-30/3-123-abcd-") and records == [{"n": 1}]

    monkeypatch.setattr(capture_delivery, "MAX_OBJECT_BYTES", 20)
    spool_with(tmp_path, "2026-12-01", ['{"n": 2}', '{"n": 3}', '{"n": 4}'])
    uploader.after_invoke()
    assert sorted(k.split("/")[1] for k in objects(s3)) == ["dt=2026-11-30", "dt=2026-12-01"]


def test_a_refused_upload_keeps_the_file_and_the_next_one_delivers_it(endpoint, s3, tmp_path, capsys):
    uploader = Uploader(str(tmp_path), S3Uri("missing-bucket", "r/"), S3Client("us-east-1", endpoint), "3", 60)
    spool_with(tmp_path, "2026-11-30", ['{"n": 1}'])
    assert uploader.upload_all() == 1
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert logged == [
        {"level": "WARN", "message": "capture failed", "reason": "upload", "error": "NoSuchBucket", "filesLeft": 1,
         "files": 1, "retryInSeconds": 1.0}
    ]  # fmt: skip
    spool_with(tmp_path, "2026-11-30", ['{"n": 2}'])  # the writer starts a new file meanwhile
    s3.create_bucket(Bucket="missing-bucket")
    assert uploader.upload_all() == 0
    listed = s3.list_objects_v2(Bucket="missing-bucket")["Contents"]
    bodies = sorted(s3.get_object(Bucket="missing-bucket", Key=o["Key"])["Body"].read() for o in listed)
    assert bodies == [b'{"n": 1}\n', b'{"n": 2}\n']


def test_a_setting_it_cannot_use_fails_init_naming_it(endpoint, lam, tmp_path):
    env = environment(endpoint, tmp_path, CAPTURE_SAMPLING_PERCENTAGE="150")
    status = run(env, ExtensionsApi(lam.address))
    assert status == 1
    assert lam.registered == [(NAME, ["INVOKE", "SHUTDOWN"])]
    assert lam.init_errors == [
        (
            "Extension.ConfigInvalid",
            {
                "errorMessage": "CAPTURE_SAMPLING_PERCENTAGE must be a number from 0 to 100; got '150'",
                "errorType": "Extension.ConfigInvalid",
            },
        )
    ]


def test_on_managed_instances_it_registers_for_shutdown_only(endpoint, s3, lam, tmp_path):
    thread, status = start(environment(endpoint, tmp_path, AWS_LAMBDA_MAX_CONCURRENCY="16"), lam)
    assert lam.registered == [(NAME, ["SHUTDOWN"])]
    spool_with(tmp_path, "2026-11-30", ['{"n": 1}'])
    lam.shutdown()
    thread.join(5)
    assert status == [0] and len(objects(s3)) == 1


def test_the_process_entry_point_reads_the_runtime_api_address(monkeypatch):
    seen = {}
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    monkeypatch.setattr(capture_extension, "run", lambda env, api: seen.setdefault("address", api.address) and 0)
    assert capture_extension.main() == 0 and seen == {"address": "127.0.0.1:9001"}


def test_it_registers_before_importing_what_only_delivery_needs():
    """Lambda starts the function's init once every extension has registered: the module that registers
    imports the standard library's sockets and json, and reads its names from the contract itself."""
    import subprocess
    import sys

    from inference.contract import (
        CAPTURE_ENV,
        CAPTURE_EXTENSION,
        CAPTURE_SOCKET,
        CAPTURE_SPOOL_DIR,
        EXTENSIONS_ENV,
        LAMBDA_ENV,
    )

    code = (
        "import sys, inference.capture.extension; "
        "print(sorted(m for m in sys.modules if m.startswith(('inference', 'http', 'dataclasses', 'typing'))))"
    )
    app = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-S", "-c", code], cwd=app, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['inference', 'inference.capture', 'inference.capture.extension']"
    assert (CAPTURE_EXTENSION, CAPTURE_SOCKET, CAPTURE_SPOOL_DIR, CAPTURE_ENV.dir) == (
        NAME,
        capture_extension.SOCKET_NAME,
        capture_extension.SPOOL_DIR,
        capture_extension.CAPTURE_DIR,
    )
    assert (EXTENSIONS_ENV.runtime_api, LAMBDA_ENV.max_concurrency) == (
        capture_extension.RUNTIME_API,
        capture_extension.MAX_CONCURRENCY,
    )


def test_a_chunked_answer_is_read_whole():
    assert capture_extension._unchunked(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n") == b"Wikipedia"


class Refusing:
    """S3 that refuses every upload, counting them."""

    def __init__(self):
        self.puts = 0

    def write(self, bucket, key, data, content_type, *, deadline=None):
        from inference.storage.s3 import S3Failure

        self.puts += 1
        raise S3Failure("ServiceUnavailable", 503, "slow down")


def test_while_s3_refuses_uploads_back_off_and_keep_to_their_deadline(tmp_path, capsys):
    """Finding 7: every invocation retried every leftover file, with no deadline: 4.3 million PUTs for 3,000
    invocations, and as many log lines."""
    now = [1000.0]
    s3 = Refusing()
    uploader = Uploader(str(tmp_path), S3Uri("capture-bucket", "r/"), s3, "3", max_seconds=1, clock=lambda: now[0])
    for i in range(5):
        spool_with(tmp_path, "2026-11-30", [f'{{"n": {i}}}'], writer=f"w{i}")
    rounds = []
    for _ in range(3000):  # invocations, a tenth of a second apart
        now[0] += 0.1
        before = s3.puts
        uploader.after_invoke()
        if s3.puts > before:
            rounds.append(now[0])
    # Rounds at growing intervals (1, 2, 4, ... s after the first, up to 300 s), not one per invocation.
    gaps = [round(b - a, 1) for a, b in itertools.pairwise(rounds)]
    assert gaps == sorted(gaps) and gaps[-1] <= 300.1 and len(rounds) < 15, gaps
    assert s3.puts == 5 * len(rounds)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(rounds)


def test_an_invocations_uploads_stop_at_their_deadline(tmp_path, monkeypatch):
    from inference.capture import delivery

    class Slow(Refusing):
        def write(self, bucket, key, data, content_type, *, deadline=None):
            self.puts += 1
            time.sleep(0.05)

    s3 = Slow()
    monkeypatch.setattr(delivery, "UPLOAD_SECONDS", 0.12)
    uploader = Uploader(str(tmp_path), S3Uri("capture-bucket", "r/"), s3, "3", max_seconds=1, clock=lambda: 1e9)
    for i in range(10):
        spool_with(tmp_path, "2026-11-30", [f'{{"n": {i}}}'], writer=f"w{i}")
    uploader._waiting_since = 0.0
    uploader.after_invoke()
    assert 2 <= s3.puts <= 4, s3.puts


def test_after_a_snapstart_restore_the_extension_makes_its_s3_client_anew_and_loses_no_record(
    endpoint, s3, lam, tmp_path, monkeypatch
):
    delivery = capture_delivery
    made: list[bool] = []
    original = delivery.S3Client.from_env
    # The extension's clients (made from its environment, which names the capture destination).
    monkeypatch.setattr(
        delivery.S3Client, "from_env", staticmethod(lambda env: made.append("CAPTURE_URI" in env) or original(env))
    )
    env = environment(endpoint, tmp_path)
    thread, status = start(env, lam)
    capture = Capture(CaptureSettings.from_env(env), {"name": "model", "sha256": "abc"})
    app = make_app(predictor_for("onnx"), capture=capture)
    before = capture._stem
    capture.restored()  # what the after-restore hook does, before the restored environment's first invocation

    class Ctx:
        aws_request_id = "restored-1"

    lam.invoke("restored-1")
    assert lam.wait_for_next(1)
    app({"features": ROW}, Ctx())
    assert lam.wait_for_next(2)
    assert made.count(True) == 2, "one client at start, one after the restore"
    lam.shutdown()
    thread.join(5)
    assert status == [0]
    [(key, records)] = objects(s3).items()
    assert capture._stem != before and f"-{capture._stem}-" in key
    assert [r["requestId"] for r in records] == ["restored-1"]
