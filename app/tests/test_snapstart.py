"""SnapStart (inference/snapstart.py): the handler imported as the Lambda runtime imports it, with the runtime's
hooks module present; the before-snapshot hooks run; the process forked twice, as two restores of one snapshot
would make two environments; the after-restore hooks run in each copy. Each copy answers, draws its own random
numbers (a snapshot would otherwise hand every copy the same sequence), builds its own S3 client, and calls its
first request a cold start of init type `restore`."""

import json
import os
import subprocess
import sys

from support import APP, DEMO_ONNX, ONNX_METADATA

RESTORES = r"""
import json, os, random, sys
import snapshot_restore_py
from awslambdaric import lambda_runtime_hooks_runner
from inference.handler import lambda_handler as app

storage = app.services.storage
before = storage._client(storage.region)            # a client made during init, as a download would
lambda_runtime_hooks_runner.run_before_snapshot()
closed = storage._clients == {} and storage._bootstrap is None
children = []
for _ in range(2):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                      # a restored environment
        os.close(read)
        lambda_runtime_hooks_runner.run_after_restore()
        class Context:
            aws_request_id = f"restored-{os.getpid()}"
        answer = app({"features": [5.1, 3.5, 1.4, 0.2]}, Context())
        capture = app.services.observer.capture
        capture.drain()
        report = {
            "predictions": answer["predictions"],
            "random": random.random(),
            "sampler": capture._draw(),
            "stem": capture._stem,
            "new_client": storage._client(storage.region) is not before,
        }
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    children.append((pid, read))
reports = []
for pid, read in children:
    os.waitpid(pid, 0)
    reports.append(json.loads(os.read(read, 65536)))
print(json.dumps({"closed": closed, "reports": reports}))
"""


def test_two_restores_of_one_snapshot_answer_with_their_own_randomness_and_clients(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": APP,
        "MODEL_PATH": DEMO_ONNX,
        "MODEL_SHA256": ONNX_METADATA["sha256"],
        "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start",
        "AWS_LAMBDA_FUNCTION_NAME": "demo",
        "AWS_LAMBDA_FUNCTION_VERSION": "3",
        "AWS_REGION": "us-east-1",
        "CAPTURE_DIR": str(tmp_path / "spool"),
    }
    result = subprocess.run([sys.executable, "-c", RESTORES], env=env, capture_output=True, text=True, check=True)
    lines = result.stdout.strip().splitlines()
    outcome = json.loads(lines[-1])
    assert outcome["closed"], "the snapshot holds no S3 client, connection or credentials"
    first, second = outcome["reports"]
    assert first["predictions"] == second["predictions"] == ["setosa"]
    assert first["new_client"] and second["new_client"]
    assert first["random"] != second["random"] and first["sampler"] != second["sampler"]
    assert first["stem"] != second["stem"], "each copy spools under a name of its own"
    requests = [json.loads(line) for line in lines if '"message": "request"' in line]
    assert [(r["coldStart"], r["InitType"], r["ColdStart"]) for r in requests] == [(True, "restore", 1)] * 2


def test_without_the_runtimes_module_nothing_is_registered_and_with_it_both_hooks_are(monkeypatch):
    from support import app_for

    from inference import snapstart

    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # an import of it raises ImportError
    assert snapstart.register(app_for("onnx")) is False

    registered: dict[str, list] = {"before": [], "after": []}

    class Hooks:
        @staticmethod
        def register_before_snapshot(func, *args):
            registered["before"].append((func, args))

        @staticmethod
        def register_after_restore(func, *args):
            registered["after"].append((func, args))

    app = app_for("onnx")
    assert snapstart.register(app, hooks=Hooks) is True
    assert registered == {"before": [(snapstart.before_snapshot, (app,))], "after": [(snapstart.after_restore, (app,))]}
