"""`npm start` end to end, and its answers to bad input: one clear line,
a non-zero exit, and no process left behind."""

import os
import socket
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RIE = os.path.join(ROOT, ".tools", "bin", "aws-lambda-rie")
pytestmark = pytest.mark.skipif(not os.path.exists(RIE), reason="aws-lambda-rie not built; run scripts/setup.sh")


def ours_running():
    """Processes npm start may leave: the emulator, its runtime, moto_server (matched on this checkout's paths)."""
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [
        line
        for line in out.splitlines()
        if ROOT in line and ("aws-lambda-rie" in line or "moto.server" in line or "awslambdaric" in line)
    ]


def npm_start(*args, timeout=240):
    before = ours_running()
    result = subprocess.run(
        ["npm", "start", "--silent", "--", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert ours_running() == before, "npm start left processes behind"
    return result


def test_end_to_end():
    result = npm_start()
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "/models/model.onnx version " in out and " format onnx" in out, "the ONNX demo model by default"
    # The sample events come from the model's signature: one row, a batch, the function URL, and a refusal.
    assert "  one row of the sample            status 200" in out and "predictions=['setosa']" in out
    assert "  the sample's 3 rows              status 200" in out
    assert "  one row, function URL            status 200" in out
    assert "  a value of the wrong type        status 400" in out and '"error": "not_numeric"' in out
    assert (
        "(cold start: init + invoke)" in out
        and "[start] cold init (imports, S3 fetch, sha256 check, model load):" in out
    )
    # The plan that follows is of the same model.
    assert "NOTHING WAS DEPLOYED" in out and f"Model: {os.path.join(ROOT, 'app', 'model', 'model.onnx')}" in out
    assert "25 passed, 0 failed, 1 to do (warn)" in out
    assert "[start] stopped every process it started" in out


def test_own_event_and_model_without_plan(tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"instances": [[6.0, 2.2, 5.0, 1.5]]}')
    result = npm_start(
        "--event", str(event), "--model", os.path.join(ROOT, "app", "model", "sklearn", "model.joblib"), "--no-plan"
    )
    assert result.returncode == 0, result.stderr
    assert f"{event}" in result.stdout and "status 200" in result.stdout
    assert " format sklearn" in result.stdout, "a pickle is still served, by scikit-learn"
    assert "Offline plan" not in result.stdout


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def test_missing_model(tmp_path):
    missing = tmp_path / "none.joblib"
    result = npm_start("--model", str(missing), "--no-plan")
    assert result.returncode == 1
    assert last_line(result) == (
        f"npm start: model file {missing} does not exist; pass --model PATH to an .onnx or .joblib file"
    )


def signed(path, **fields):
    """A model.json beside `path` that describes it, as convert.py would write for a 4-feature model."""
    import hashlib
    import json

    signature = {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "format": "sklearn" if path.suffix == ".joblib" else "onnx",
        "n_features": 4,
        "feature_names": ["f0", "f1", "f2", "f3"],
        "feature_names_generated": True,
        "sample": {"features": [5.1, 3.5, 1.4, 0.2]},
        **fields,
    }
    (path.parent / "model.json").write_text(json.dumps(signature))


def test_corrupt_model(tmp_path):
    corrupt = tmp_path / "corrupt.joblib"
    corrupt.write_bytes(b"not a pickle at all")
    signed(corrupt)
    result = npm_start("--model", str(corrupt), "--no-plan")
    assert result.returncode == 1
    assert last_line(result).startswith(
        "npm start: init failed: could not load the model from s3://local-models/models/corrupt.joblib (version "
    )


def test_malformed_event_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = npm_start("--event", str(bad), "--no-plan")
    assert result.returncode == 1
    assert last_line(result).startswith(f"npm start: event file {bad} is not valid JSON (")


def test_busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        result = npm_start("--port", str(port), "--no-plan")
    assert result.returncode == 1
    assert last_line(result) == f"npm start: port {port} is busy; choose another with --port or stop what uses it"


def interrupted(*args, ready, stream="stdout", timeout=30):
    """`npm start`'s own process with `args`, sent Ctrl-C once a line of its `stream` is `ready`; returns its exit
    code, the rest of its stderr, and how many of our processes ran just before the Ctrl-C."""
    import signal

    proc = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "local", "start.py"), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in getattr(proc, stream):
            if ready(line):
                break
        up = len(ours_running())
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err, up


def test_ctrl_c_stops_everything():
    before = ours_running()
    code, err, up = interrupted(ready=lambda line: line.startswith("[start] Lambda runtime emulator:"))
    assert up > len(before), "the emulator and S3 API are up"
    assert code == 130
    assert err.strip().splitlines()[-1] == "npm start: interrupted; every process it started was stopped"
    assert ours_running() == before


def test_model_delivered_in_the_image_needs_no_s3():
    result = npm_start("--delivery", "image")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[start] the model in the image: " in out and "(no S3)" in out and "moto_server" not in out
    assert "  one row of the sample            status 200" in out and "predictions=['setosa']" in out
    assert "[start] cold init (imports, no S3, sha256 check, model load):" in out
    assert "Resources: 20 to create" in out and "20 passed, 0 failed, 1 to do (warn)" in out


def test_help_lists_every_option_and_runs_nothing():
    result = npm_start("--help")
    assert result.returncode == 0
    for option in ("--model", "--delivery", "--event", "--serve", "--port", "--s3-port", "--docker", "--no-plan"):
        assert option in result.stdout
    assert "[start]" not in result.stdout and "Offline plan" not in result.stdout


def test_an_unknown_option_is_an_error():
    result = npm_start("--models", "x.onnx")
    assert result.returncode == 2
    assert "unrecognized arguments: --models x.onnx" in result.stderr


def test_an_answer_not_as_expected_is_printed_whole_with_the_reason_for_the_exit(tmp_path):
    refused = tmp_path / "three-features.json"
    refused.write_text('{"features": [1, 2, 3]}')
    expected = tmp_path / "expects-400.json"
    expected.write_text('{"event": {"features": [1, 2, 3]}, "expect": {"status": 400}}')
    result = npm_start("--event", str(refused), "--event", str(expected), "--no-plan")
    assert result.returncode == 1
    body = (
        '{"status": 400, "error": "wrong_feature_count", "message": "features has 3 values; the model takes exactly 4"}'
    )
    assert f"{refused}" in result.stdout and "status 400" in result.stdout and body in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        f"npm start: exit 1: {refused} answered status 400 where it expects a 2xx status"
    )
    assert f"{expected} answered" not in result.stderr, "an event that expects its 400 is not a failure"


def test_nan_in_an_event_file_is_named_and_is_no_init_failure(tmp_path):
    event = tmp_path / "nan.json"
    event.write_text('{"features": [5.1, NaN, 1.4, 0.2]}')
    result = npm_start("--event", str(event), "--no-plan")
    assert result.returncode == 1
    assert last_line(result) == (
        f"npm start: event file {event} holds NaN, which JSON does not allow: Lambda refuses such an event before "
        "the function sees it; send a number, or null"
    )
    assert "init failed" not in result.stderr


def test_a_model_without_its_signature_is_refused_in_one_line(tmp_path):
    bare = tmp_path / "model.onnx"
    bare.write_bytes(b"weights")
    result = npm_start("--model", str(bare), "--no-plan")
    assert result.returncode == 1
    assert last_line(result).startswith(f"npm start: {bare} has no signature: {tmp_path / 'model.json'} is missing")


def test_capture_into_a_file_or_from_a_container_is_refused_before_anything_starts(tmp_path):
    file = tmp_path / "records"
    file.write_text("")
    result = npm_start("--capture", str(file), "--no-plan")
    assert (result.returncode, last_line(result)) == (1, f"npm start: --capture {file} is a file: name a folder")
    result = npm_start("--capture", str(tmp_path), "--docker", "--no-plan")
    assert (result.returncode, last_line(result)) == (
        1,
        "npm start: --capture writes from the function on this machine: run it without --docker",
    )


def test_a_13_feature_model_trained_on_a_dataframe_answers_its_named_sample():
    model = os.path.join(ROOT, "examples", "your-own-model", "model", "model.onnx")
    result = npm_start("--model", model)
    assert result.returncode == 0, result.stderr
    assert "  the sample's 3 rows              status 200" in result.stdout
    assert "13 features: alcohol, malic_acid, ash, alcalinity_of_ash, magnesium, ... (13)" in result.stdout
    assert '"message": "features.alcohol must be a number; got string"' in result.stdout


class TestServe:
    """`npm start -- --serve`: a local endpoint that answers as the deployed function URL does."""

    @pytest.fixture(scope="class")
    @classmethod
    def endpoint(cls, tmp_path_factory):
        port = free_port()
        before = ours_running()
        cls.capture = tmp_path_factory.mktemp("capture")
        proc = subprocess.Popen(
            [os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "local", "start.py"),
             "--serve", "--port", str(port), "--capture", str(cls.capture)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "InferenceServerClient" in line:
                break
        yield f"http://127.0.0.1:{port}/", lines, proc, before
        if proc.poll() is None:
            # As Ctrl-C would (a test selected alone leaves it up): a kill would orphan what it started.
            import signal

            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    @staticmethod
    def request(url, method="POST", body=None, headers=None):
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own loopback endpoint
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def test_it_prints_how_to_call_it(self, endpoint):
        url, lines, _, _ = endpoint
        text = "".join(lines)
        assert f"[start] the function's URL, locally: {url}  (Ctrl-C stops it)" in text
        body = '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'
        assert f"  curl -s -X POST {url} -H 'Content-Type: application/json' -d '{body}'" in text
        assert f"[start] the inference protocol: {url}v2/models/inference/infer" in text
        # The lines run as printed, in a shell: the native curl and Python lines, the model's metadata over
        # the protocol, and tritonclient asking whether the model is ready.
        calls = [li.strip() for li in lines if li.startswith(("  curl", "  python"))]
        assert len(calls) == 4
        expected = ["setosa", "setosa", '"platform":"onnxruntime_onnx"', "True {'name': 'inference'"]
        for printed, seen in zip(calls, expected, strict=True):
            line = printed.replace("python -c", f"{sys.executable} -c", 1)
            answer = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=30, check=True)
            assert seen in answer.stdout.replace(" ", "") if seen.startswith('"') else seen in answer.stdout, (
                line,
                answer.stdout,
                answer.stderr,
            )

    def test_a_json_request_is_answered_as_the_function_url_does(self, endpoint):
        import json

        url = endpoint[0]
        status, headers, body = self.request(url, body=b'{"instances": [[6.3, 3.3, 6.0, 2.5]]}',
                                             headers={"Content-Type": "application/json"})  # fmt: skip
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["predictions"] == ["virginica"]

    def test_each_request_prints_its_metric_record(self, endpoint):
        import select

        url, _, proc, _ = endpoint
        status, _, _ = self.request(url, body=b'{"features": [5.1, 3.5, 1.4, 0.2]}',
                                    headers={"Content-Type": "application/json"})  # fmt: skip
        assert status == 200
        deadline = time.monotonic() + 10
        line = ""
        while time.monotonic() < deadline and not line.startswith("[metrics]"):
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline()
        assert line.startswith("[metrics] LambdaInference FunctionName=inference-local "), line
        assert " Rows 1  Status2xx 1 " in line

    def test_with_capture_each_answered_request_is_recorded_in_the_folder(self, endpoint):
        import json

        url, lines, _, _ = endpoint
        assert f"[start] data capture: each answered request's record goes to {self.capture}/dt=YYYY-MM-DD/\n" in lines
        features = [6.1, 2.8, 4.7, 1.2]
        status, _, body = self.request(url, body=json.dumps({"features": features}).encode(),
                                       headers={"Content-Type": "application/json"})  # fmt: skip
        assert status == 200
        deadline = time.monotonic() + 10
        records: list[dict] = []
        while time.monotonic() < deadline and not any(r["input"] == {"features": features} for r in records):
            time.sleep(0.1)
            records = [
                json.loads(line)
                for path in sorted(self.capture.glob("dt=*/*.jsonl"))
                for line in path.read_text().splitlines()
            ]
        [record] = [r for r in records if r["input"] == {"features": features}]
        assert record["output"] == json.loads(body) and record["route"] == "native"
        assert record["model"]["name"] == "inference" and len(record["model"]["sha256"]) == 64

    def test_a_binary_body_arrives_base64_encoded_and_a_wrong_method_gets_405(self, endpoint):
        import json

        url = endpoint[0]
        # Not text: the function URL base64-encodes it, the function decodes it, and it is not JSON.
        status, _, body = self.request(url, body=b"\x00\xff\xfe", headers={"Content-Type": "application/octet-stream"})
        assert (status, json.loads(body)["error"]) == (400, "invalid_json")
        status, _, body = self.request(url + "?x=1", method="GET")
        assert (status, json.loads(body)["error"]) == (405, "method_not_allowed")

    def test_ctrl_c_stops_it_and_everything_it_started(self, endpoint):
        import signal

        _, _, proc, before = endpoint
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        *_, stopped, captured = out.strip().splitlines()
        assert stopped == "[start] stopped every process it started"
        assert captured.startswith(f"[start] captured records in {self.capture}: dt=")
        assert ours_running() == before


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_stops_when_what_started_it_is_killed():
    """npm does not pass SIGTERM on to its script: killing `npm start` must not leave the endpoint behind."""
    import signal
    import time

    before = ours_running()
    port = free_port()
    python, start = os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "local", "start.py")
    command = f"{python} {start} --serve --port {port}"
    # A parent that stays while its child runs, as npm's shell does, and is killed without passing it on.
    parent = subprocess.Popen(["bash", "-c", f"{command}; true"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for line in parent.stdout:
        if "InferenceServerClient" in line:
            break
    assert len(ours_running()) > len(before)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 30
    while ours_running() != before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert ours_running() == before


@pytest.mark.parametrize("model", ["app/model/model.onnx", "examples/your-own-model/model/model.onnx"])
def test_the_sample_events_are_requests_of_the_declared_format(model):
    """What npm start sends is built from the request format's declaration and fits its schema: the rows it
    expects answered are valid requests of that model, the one it expects refused is not."""
    from jsonschema import Draft202012Validator

    import start
    from inference.protocols.native.format import request_schema

    signature = start.signature_of(os.path.join(ROOT, model))
    schema = Draft202012Validator(request_schema(signature))
    native = [e for e in start.sample_events(signature, "m") if "requestContext" not in e.event]
    assert [(e.label, schema.is_valid(e.event)) for e in native] == [
        ("one row of the sample", True),
        (f"the sample's {len(signature['sample']['instances'])} rows", True),
        ("a value of the wrong type", False),
    ]
