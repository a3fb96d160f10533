"""P1 (cold init), P2 (warm latency), P3 (payload) and P4 (component timings), on the host."""

import contextlib
import glob
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import local_lambda
import prune_site_packages
from inference.storage import model_store
from inference.types import JSON

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "app")
BENCH = os.path.join(ROOT, ".bench")
# The plain one-stage design the bench compares against: its handler, requirements and Dockerfile.
SEED_DIR = os.path.join(ROOT, "bench", "seed")
SEED_VENV = os.path.join(BENCH, "seed-venv")
SEED_PYTHON = os.path.join(SEED_VENV, "bin", "python")
SEED_MODEL_DIR = os.path.join(BENCH, "seed-model")
SEED_MODEL = os.path.join(SEED_MODEL_DIR, "model.joblib")
ROW = [5.1, 3.5, 1.4, 0.2]


def seed_model() -> str:
    """The demo model trained by the seed's own scikit-learn (1.6.1), so its pickle loads there."""
    if not os.path.exists(SEED_MODEL):
        subprocess.run([SEED_PYTHON, os.path.join(APP, "train.py"), "--out", SEED_MODEL_DIR], check=True,
                       capture_output=True)  # fmt: skip
    return SEED_MODEL


def ready_seconds(argv: list[str], env: dict[str, str], cwd: str) -> float:
    """Wall time from spawning a fresh interpreter to its 'ready' line."""
    return ready_output(argv, env, cwd)[0]


def ready_output(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, list[str]]:
    """(wall time from spawning a fresh interpreter to its 'ready' line, every line it printed). A cold start
    ends when init does: what the process does after the line, its exit included, is not counted."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = None
    assert proc.stdout is not None and proc.stderr is not None
    lines = []
    for line in proc.stdout:
        if line.strip() == "ready" and elapsed is None:
            elapsed = time.perf_counter() - start
        lines.append(line)
    proc.wait(timeout=60)
    if proc.returncode != 0 or elapsed is None:
        raise RuntimeError(f"{argv[:2]} failed: {proc.stderr.read()[-2000:]}")
    return elapsed, lines


def p1_cold_init(runs: int) -> dict[str, Any]:
    """Fresh processes, interleaved so drift on the machine hits every case alike."""
    base_env = {"PATH": os.environ["PATH"], "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    ours: dict[str, list[float]] = {}
    seed: list[float] = []
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        uploaded = {runtime: lam.upload_model(path) for runtime, path in local_lambda.DEMO_MODELS.items()}
        for _ in range(runs):
            for runtime, path in local_lambda.DEMO_MODELS.items():
                cache = tempfile.mkdtemp(dir=lam.workdir)  # an empty /tmp: a real download every time
                s3 = {**local_lambda.FAKE_CREDENTIALS, **uploaded[runtime], "AWS_ENDPOINT_URL_S3": lam.endpoint,
                      "MODEL_CACHE_DIR": cache}  # fmt: skip
                # modelDelivery "image": the file is in the image, verified against MODEL_SHA256, no S3 client.
                image = {"MODEL_PATH": path, "MODEL_SHA256": uploaded[runtime]["MODEL_SHA256"],
                         "MODEL_FORMAT": runtime}  # fmt: skip
                for delivery, model_env in (("s3", s3), ("image", image)):
                    env = {**base_env, **model_env, "PYTHONPATH": APP}
                    seconds = ready_seconds(
                        [sys.executable, "-c", "import inference.handler; print('ready')"], env, APP
                    )
                    ours.setdefault(f"{runtime}.{delivery}", []).append(seconds)
            env = {**base_env, "MODEL_PATH": seed_model(), "PYTHONPATH": SEED_DIR}
            seed.append(ready_seconds([SEED_PYTHON, "-c", "import seed_handler; print('ready')"], env, ROOT))
    return {
        "runs": runs,
        "seed": {"median_s": statistics.median(seed), "samples_s": seed},
        "ours": {key: {"median_s": statistics.median(v), "samples_s": v} for key, v in ours.items()},
    }


def p50(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def timed(fn: Callable[[], object], iterations: int) -> list[float]:
    samples = []
    for _ in range(iterations):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return samples


def interleaved(rounds: int, warmup: int, **fns: Callable[[], object]) -> dict[str, list[float]]:
    """Each function timed once per round, in turn, after `warmup` untimed rounds: drift on the machine and
    cold caches fall on every one alike."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name] += timed(fn, 1)
    return samples


def p2_warm(iterations: int) -> dict[str, Any]:
    """Each runtime's handler against bare scikit-learn `predict` on the same model and rows."""
    import numpy as np

    os.environ["MODEL_PATH"] = local_lambda.DEMO_MODELS["onnx"]
    os.environ["MODEL_SHA256"] = model_store.sha256_of(local_lambda.DEMO_MODELS["onnx"])
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        from inference import runtimes
        from inference.app import assemble, served_model

        sklearn_model = runtimes.runtime("sklearn").load(local_lambda.DEMO_MODELS["sklearn"], "bench")
        bare = sklearn_model.model  # type: ignore[attr-defined]  # the fitted pipeline itself

        class Context:
            aws_request_id = "bench"

        onnx_model = runtimes.runtime("onnx").load(local_lambda.DEMO_MODELS["onnx"], "bench")
        apps = {"onnx": assemble(served_model(onnx_model)), "sklearn": assemble(served_model(sklearn_model))}
        cases: dict[str, tuple[JSON, list[list[float]]]] = {
            "single": ({"features": list(ROW)}, [ROW]),
            "batch100": ({"instances": [list(ROW)] * 100}, [ROW] * 100),
        }
        results: dict[str, Any] = {"handlers": {}}
        for runtime, app in apps.items():
            results["handlers"][runtime] = {}
            for case, (event, rows) in cases.items():
                samples = interleaved(
                    iterations,
                    200,
                    base=partial(bare.predict, np.asarray(rows)),
                    ours=partial(app, event, Context()),
                )
                base, ours = samples["base"], samples["ours"]
                results["handlers"][runtime][case] = {
                    "predict_p50_us": p50(base) * 1e6,
                    "handler_p50_us": p50(ours) * 1e6,
                    "handler_p99_us": sorted(ours)[int(len(ours) * 0.99)] * 1e6,
                }
        results["protocol"] = p2_protocol(onnx_model, bare, iterations)
        results["capture"] = p2_capture(onnx_model, bare, iterations)
    # The seed handler warm, in its own venv (pandas, its scikit-learn): one row, p50.
    env = {"PATH": os.environ["PATH"], "MODEL_PATH": seed_model(), "PYTHONPATH": SEED_DIR,
           "OMP_NUM_THREADS": "1"}  # fmt: skip
    out = subprocess.run([SEED_PYTHON, os.path.join(SEED_DIR, "seed_warm.py"), str(iterations)], env=env,
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    results["seed_handler_p50_us"] = json.loads(out)["p50_us"]
    return results


def p2_capture(model: Any, bare: Any, iterations: int) -> dict[str, Any]:
    """The ONNX handler on one row with data capture off and on at 100 %, against bare predict. The writer
    encodes after the answer (in Lambda, while the extension holds the invocation open): that time is
    timed apart, as the post-response time an invocation is billed for, never as the answer's latency."""
    import numpy as np

    from inference.app import assemble, served_model
    from inference.capture.spool import CaptureSettings
    from inference.capture.writer import Capture

    class Context:
        aws_request_id = "bench-capture"

    event: JSON = {"features": list(ROW)}
    with tempfile.TemporaryDirectory() as spool:
        settings = CaptureSettings.from_env({"CAPTURE_DIR": spool})
        assert settings is not None
        capture = Capture(settings, {"name": "bench", "sha256": None})
        app, on = assemble(served_model(model)), assemble(served_model(model), capture=capture)
        samples: dict[str, list[float]] = {"base": [], "off": [], "on": [], "post": []}
        predict = partial(bare.predict, np.asarray([ROW]))
        for i in range(iterations + 200):
            times = {}
            runs = (("base", predict), ("off", partial(app, event, Context())), ("on", partial(on, event, Context())))
            for name, fn in runs:
                t = time.perf_counter()
                fn()
                times[name] = time.perf_counter() - t
            t = time.perf_counter()
            capture.drain()
            times["post"] = time.perf_counter() - t
            if i >= 200:  # warm-up rounds untimed
                for name, value in times.items():
                    samples[name].append(value)
        with open(next(glob.iglob(os.path.join(spool, "*", "*.jsonl")))) as f:
            written = sum(1 for _ in f)
    return {
        "predict_p50_us": p50(samples["base"]) * 1e6,
        "handler_p50_us": p50(samples["off"]) * 1e6,
        "capture_p50_us": p50(samples["on"]) * 1e6,
        "post_response_p50_us": p50(samples["post"]) * 1e6,
        "records": written,
    }


def protocol_events(rows: int) -> dict[str, tuple[dict[str, Any], Any]]:
    """(function URL event, its rows as a matrix) for the protocol's cases: one row in JSON, and `rows`
    rows in the binary tensor data extension with the outputs asked in binary, as tritonclient sends."""
    import base64

    import numpy as np

    def event(body: bytes, headers: dict[str, str], binary: bool) -> dict[str, Any]:
        path = "/v2/models/iris/infer"
        return {
            "version": "2.0",
            "rawPath": path,
            "headers": headers,
            "requestContext": {"http": {"method": "POST", "path": path}},
            "body": base64.b64encode(body).decode() if binary else body.decode(),
            "isBase64Encoded": binary,
        }

    single = {"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": ROW}]}
    many = np.tile(np.asarray(ROW, dtype=np.float32), (rows, 1))
    binary_input = {
        "name": "X",
        "shape": [rows, 4],
        "datatype": "FP32",
        "parameters": {"binary_data_size": many.nbytes},
    }
    outputs = [{"name": n, "parameters": {"binary_data": True}} for n in ("label", "probabilities")]
    header = json.dumps({"inputs": [binary_input], "outputs": outputs}).encode()
    return {
        "single": (event(json.dumps(single).encode(), {"content-type": "application/json"}, False), [ROW]),
        f"binary_{rows // 1000}k": (
            event(header + many.tobytes(), {"inference-header-content-length": str(len(header))}, True),
            many,
        ),
    }


def p2_protocol(model: Any, bare: Any, iterations: int) -> dict[str, Any]:
    """The inference protocol's path through the handler (a function URL event to /v2/models/iris/infer)
    against bare scikit-learn `predict` and bare ONNX Runtime on the same rows."""
    import numpy as np

    from inference.app import assemble, served_model

    class Context:
        aws_request_id = "bench"

    from inference.limits import Limits

    # 10,000 rows in one request: MAX_BATCH_ROWS raised as a caller of such batches would set it.
    app = assemble(served_model(model, name="iris"), Limits(max_batch_rows=10_000))
    results: dict[str, Any] = {}
    for case, (event, rows) in protocol_events(10_000).items():
        matrix = np.asarray(rows, dtype=np.float64)
        typed = matrix.astype(np.float32)
        rounds = iterations if len(matrix) == 1 else max(iterations // 30, 50)
        samples = interleaved(
            rounds,
            max(rounds // 10, 20),
            base=partial(bare.predict, matrix),
            onnx=partial(model.session.run, model.output_names, {model.input_name: typed}),
            ours=partial(app, event, Context()),
        )
        answer = app(event, Context())
        assert isinstance(answer, dict) and answer["statusCode"] == 200, answer
        results[case] = {
            "rows": len(matrix),
            "predict_p50_us": p50(samples["base"]) * 1e6,
            "onnx_p50_us": p50(samples["onnx"]) * 1e6,
            "handler_p50_us": p50(samples["ours"]) * 1e6,
        }
    return results


def _read_text(path: str) -> str | None:
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return f.read()


def installed_bytes(requirements: str, name: str, runtime: str | None, no_deps: bool = False) -> int:
    """Bytes after pruning. The wheels (CPython 3.12, manylinux x86_64: what the Lambda image installs) are
    fetched into .bench/<name>-raw once per version of the requirements (a changed lock fetches them again);
    every run copies them and applies the Dockerfile's own pruning afresh."""
    raw, pruned = os.path.join(BENCH, f"{name}-raw"), os.path.join(BENCH, name)
    with open(requirements, "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()
    fetched = raw + ".sha256"  # beside the wheels, so it is not counted among them
    if not os.path.isdir(raw) or _read_text(fetched) != stamp:
        shutil.rmtree(raw, ignore_errors=True)
        tags = ("manylinux2014", "manylinux_2_17", "manylinux_2_27", "manylinux_2_28")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-warn-conflicts", "--only-binary=:all:", "--python-version=3.12", "--implementation=cp",
                        *[f"--platform={t}_x86_64" for t in tags], *(["--no-deps"] if no_deps else []),
                        "--target", raw, "-r", requirements], check=True)  # fmt: skip
        with open(fetched, "w") as f:
            f.write(stamp)
    shutil.rmtree(pruned, ignore_errors=True)
    shutil.copytree(raw, pruned, symlinks=True)
    prune_site_packages.prune(pruned, runtime)  # the very code the Dockerfile runs
    return prune_site_packages.tree_size(pruned)


def p3_payload() -> dict[str, Any]:
    requirements = os.path.join(APP, "requirements")
    return {
        "ours_bytes": {
            "onnx": installed_bytes(os.path.join(requirements, "onnx.txt"), "payload-onnx", "onnx", no_deps=True),
            "sklearn": installed_bytes(os.path.join(requirements, "sklearn.txt"), "payload-sklearn", "sklearn"),
        },
        "seed_bytes": installed_bytes(os.path.join(SEED_DIR, "requirements.txt"), "payload-seed", None),
    }


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def p4_component() -> dict[str, float]:
    return {
        "component_suite_s": wall(["npx", "mocha"]),
        "offline_plan_s": wall(["npx", "ts-node", "--transpile-only", "scripts/plan.ts", "--json"]),
    }
