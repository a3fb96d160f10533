"""P5: the batch transform's in-process path (read the CSV, validate, predict, write the lines) against
bare ONNX Runtime on the same matrix; and its peak memory at 1,000,000 rows, against 100,000 rows (a
streamed run stays flat)."""

import json
import os
import subprocess
import sys
from typing import Any

import local_lambda

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".bench")
ROWS = 100_000
MEMORY_ROWS = 1_000_000
HEADER = "id,sepal_length,sepal_width,petal_length,petal_width\n"


def data_set(path: str, rows: int) -> str:
    """A CSV of `rows` iris-like rows with an id column, written once."""
    if not os.path.exists(path):
        import numpy as np

        values = np.round(np.random.default_rng(5).uniform([4, 2, 1, 0.1], [8, 4.5, 7, 2.5], size=(rows, 4)), 2)
        with open(path + ".part", "w") as f:
            f.write(HEADER)
            for start in range(0, rows, 100_000):
                chunk = values[start : start + 100_000]
                f.writelines(f"r{start + i}," + ",".join(map(str, row)) + "\n" for i, row in enumerate(chunk.tolist()))
        os.replace(path + ".part", path)
    return path


# Run in a fresh interpreter: the scored file's wall time and the process's peak resident memory.
_RUN = """
import io, json, sys, time
import batch_run
from inference import runtimes
from inference.app import assemble, served_model
model = runtimes.runtime("onnx").load(sys.argv[1], "bench")
app = assemble(served_model(model))
scorer = batch_run.in_process(app, ("id",))
sink = io.StringIO()
progress = batch_run.Progress(1, stream=sink)
import contextlib, os
started = time.perf_counter()
with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
    batch_run.run(sys.argv[2], sys.argv[3], scorer, max_bytes=None, progress=progress)
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: the latter carries over the forking parent's peak across exec.
peak_kb = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
print(json.dumps({"seconds": seconds, "peak_kb": peak_kb}))
"""

_BARE = """
import json, sys, time
import numpy as np, onnxruntime as ort
rows = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, usecols=(1, 2, 3, 4), dtype=np.float32)
options = ort.SessionOptions()
session = ort.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
session.run(None, {name: rows[:10]})
times = []
for _ in range(5):
    started = time.perf_counter()
    session.run(None, {name: rows})
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds": sorted(times)[2]}))
"""


def _python(code: str, *args: str) -> dict[str, Any]:
    from inference.storage import model_store

    # Importing the handler runs its init, which loads the model the environment names.
    model = local_lambda.DEMO_MODEL
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MODEL_PATH": model, "MODEL_SHA256": model_store.sha256_of(model)}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def p5_batch(runs: int = 3) -> dict[str, Any]:
    os.makedirs(BENCH, exist_ok=True)
    model = local_lambda.DEMO_MODEL
    small = data_set(os.path.join(BENCH, f"batch-{ROWS}.csv"), ROWS)
    large = data_set(os.path.join(BENCH, f"batch-{MEMORY_ROWS}.csv"), MEMORY_ROWS)
    out = os.path.join(BENCH, "batch-out.jsonl")
    ours = sorted(_python(_RUN, model, small, out)["seconds"] for _ in range(runs))[runs // 2]
    bare = _python(_BARE, model, small)["seconds"]
    peak_small = _python(_RUN, model, small, out)["peak_kb"]
    big = _python(_RUN, model, large, out)
    os.unlink(out)
    return {
        "rows": ROWS,
        "ours_s": ours,
        "bare_onnx_s": bare,
        "rows_per_s": ROWS / ours,
        "memory_rows": MEMORY_ROWS,
        "memory_rows_s": big["seconds"],
        "peak_mb": {str(ROWS): peak_small / 1024, str(MEMORY_ROWS): big["peak_kb"] / 1024},
    }


if __name__ == "__main__":
    print(json.dumps(p5_batch(), indent=2))
