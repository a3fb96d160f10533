"""The package's command as a user meets it: `npm pack`, a fresh folder outside this repository, `npm init -y`,
`npm install` of the tarball, a model trained there, and `npx lambda-inference` converting, invoking, serving
(a request answered, Ctrl-C leaving nothing running), scoring a file and planning, every path relative to that
folder. The command makes its Python environment and emulator in the user's cache on first use."""

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from support import ROOT, free_port

PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
TRAIN = """
import json, os, joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
x, y = load_iris(return_X_y=True, as_frame=True)
os.makedirs("model", exist_ok=True)
joblib.dump(LogisticRegression(max_iter=1000).fit(x, y), "model/model.joblib")
json.dump({"instances": json.loads(x.head(30).to_json(orient="records"))}, open("model/sample.json", "w"))
x.head(40).to_csv("rows.csv", index_label="id")
"""


@pytest.fixture(scope="module")
def project():
    """A user's project with the packed package installed and a model trained in it."""
    with tempfile.TemporaryDirectory(prefix="lambda-inference-user-") as folder:
        packed = subprocess.run(["npm", "pack", "--json", "--pack-destination", folder], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
        tarball = os.path.join(folder, json.loads(packed[packed.index("[") :])[0]["filename"])
        here = os.path.join(folder, "project")
        os.makedirs(here)
        subprocess.run(["npm", "init", "-y"], cwd=here, capture_output=True, check=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", tarball], cwd=here,
                       capture_output=True, check=True)  # fmt: skip
        subprocess.run([PYTHON, "-c", TRAIN], cwd=here, check=True)
        yield here


def environment():
    """The user's environment: none of this repository's tools named."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LAMBDA_INFERENCE_", "VIRTUAL_ENV", "PYTHONPATH"))}


def npx(project, *args, timeout=900):
    return subprocess.run(["npx", "lambda-inference", *args], cwd=project, env=environment(), capture_output=True,
                          text=True, timeout=timeout, check=False)  # fmt: skip


def running(project):
    """The processes a local run starts, from the installed package."""
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if "aws-lambda-rie" in line or "moto.server" in line
            or ("awslambdaric" in line and "lambda-inference" in line)]  # fmt: skip


def test_convert_invoke_batch_and_plan_from_the_users_folder(project):
    converted = npx(project, "convert", "--model", "model/model.joblib", "--sample", "model/sample.json")
    assert converted.returncode == 0, converted.stderr
    assert converted.stdout.startswith("wrote model.onnx (sha256 ")
    assert sorted(os.listdir(os.path.join(project, "model"))) == [
        "model.joblib",
        "model.json",
        "model.onnx",
        "sample.json",
    ]
    invoked = npx(project, "invoke", "--model", "model/model.onnx")
    assert invoked.returncode == 0, invoked.stderr
    assert "  one row of the sample            status 200" in invoked.stdout
    scored = npx(project, "batch", "--model", "model/model.onnx", "--input", "rows.csv", "--out", "scores.jsonl",
                 "--passthrough", "id")  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    with open(os.path.join(project, "scores.jsonl")) as f:
        lines = [json.loads(line) for line in f]
    assert [line["row"] for line in lines] == list(range(40)) and all("prediction" in line for line in lines)
    planned = npx(project, "plan", "--model", "model/model.onnx")
    assert planned.returncode == 0, planned.stderr
    assert f"Model: {os.path.join(project, 'model', 'model.onnx')}" in planned.stdout
    # Several models behind one function, each NAME=FILE relative to the user's folder.
    many = npx(project, "invoke", "--model", "a=model/model.onnx", "--model", "b=model/model.onnx")
    assert many.returncode == 0, many.stderr
    assert "  [b] one row of the sample" in many.stdout
    planned = npx(project, "plan", "--model", "a=model/model.onnx", "--model", "b=model/model.onnx")
    assert planned.returncode == 0, planned.stderr
    assert f"Model b: {os.path.join(project, 'model', 'model.onnx')}" in planned.stdout
    assert running(project) == []


def test_serve_answers_and_ctrl_c_leaves_nothing_running(project):
    if not os.path.exists(os.path.join(project, "model", "model.onnx")):
        assert npx(project, "convert", "--model", "model/model.joblib").returncode == 0
    port = free_port()
    proc = subprocess.Popen(["npx", "lambda-inference", "serve", "--model", "model/model.onnx", "--port", str(port)],
                            cwd=project, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "the function's URL, locally" in line:
                break
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b'{"features": [5.1, 3.5, 1.4, 0.2]}',
                                         headers={"Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own loopback URL
            assert json.load(response)["predictions"] == [0]
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.5)
    assert running(project) == []


def test_bad_command_lines_say_what_is_wrong(project):
    unknown = npx(project, "frobnicate")
    assert unknown.returncode == 2 and unknown.stderr.startswith(
        "lambda-inference: unknown command frobnicate\n\nusage:"
    )
    option = npx(project, "serve", "--model", "model/model.joblib", "--prot", "80")
    assert option.returncode == 2 and option.stderr.startswith("lambda-inference: serve takes no option --prot\n\n")
    assert "usage: lambda-inference serve [options]" in option.stderr
    missing = npx(project, "invoke", "--model", "models/m.onnx")
    assert missing.returncode == 1
    assert missing.stderr == f"lambda-inference: --model models/m.onnx: no such file ({project}/models/m.onnx)\n"
    version = npx(project, "--version")
    with open(os.path.join(ROOT, "package.json")) as f:
        assert version.stdout.strip() == json.load(f)["version"]
