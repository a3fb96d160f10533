"""`npm start` end to end, and its answers to bad input: one clear line,
a non-zero exit, and no process left behind."""

import os
import socket
import subprocess

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
        if ROOT in line and ("aws-lambda-rie" in line or "moto_server" in line or "awslambdaric" in line)
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
    assert "app/events/direct.json       status 200" in out and "predictions=['setosa']" in out
    assert "app/events/batch.json        status 200" in out
    assert "predictions=['setosa', 'versicolor', 'virginica']" in out
    assert "app/events/function-url.json status 200" in out and "predictions=['virginica']" in out
    assert "app/events/bad-request.json  status 400" in out and '"error": "not_numeric"' in out
    assert (
        "(cold start: init + invoke)" in out
        and "[start] cold init (imports, S3 fetch, sha256 check, model load):" in out
    )
    assert "NOTHING WAS DEPLOYED" in out
    assert "25 passed, 0 failed, 1 to do (warn)" in out
    assert "[start] stopped every process it started" in out


def test_own_event_and_model_without_plan(tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"instances": [[6.0, 2.2, 5.0, 1.5]]}')
    result = npm_start(
        "--event", str(event), "--model", os.path.join(ROOT, "app", "model", "model.joblib"), "--no-plan"
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


def test_corrupt_model(tmp_path):
    corrupt = tmp_path / "corrupt.joblib"
    corrupt.write_bytes(b"not a pickle at all")
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


def test_ctrl_c_stops_everything():
    import signal

    before = ours_running()
    proc = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "local", "start.py")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stdout:
            if line.startswith("[start] Lambda runtime emulator:"):
                break
        assert len(ours_running()) > len(before), "the emulator and S3 API are up"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "npm start: interrupted; every process it started was stopped"
    assert ours_running() == before


def test_model_delivered_in_the_image_needs_no_s3():
    result = npm_start("--delivery", "image")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[start] the model in the image: " in out and "(no S3)" in out and "moto_server" not in out
    assert "app/events/direct.json       status 200" in out and "predictions=['setosa']" in out
    assert "[start] cold init (imports, no S3, sha256 check, model load):" in out
    assert "Resources: 20 to create" in out and "20 passed, 0 failed, 1 to do (warn)" in out
