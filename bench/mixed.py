"""P2.mixed and P5.batch.mixed: the most common production tabular model, a ColumnTransformer pipeline over a
DataFrame of two string, three numeric and one boolean column (one-hot, imputed and scaled, passed through)
and a LogisticRegression, converted by convert.py.

P2.mixed.single   one named row through the handler, against the pipeline's own predict_proba on a one-row
                  DataFrame (what a scikit-learn service does per request).
P5.batch.mixed    100,000 rows of its CSV through the batch path in-process, against the script a user would
                  write: pandas.read_csv, predict_proba, to_json(orient="records", lines=True).
"""

import contextlib
import json
import os
import subprocess
import sys
from functools import partial
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".bench", "mixed")
ROWS = 100_000
# The models of the app's tests (app/tests/tabular_models.py): the same pipeline the tests prove parity on.
sys.path.insert(0, os.path.join(ROOT, "app", "tests"))


def converted() -> tuple[Any, Any, str]:
    """(the pipeline, the DataFrame it was fitted on, its converted model.onnx), converted once."""
    import joblib
    import tabular_models

    model, frame = tabular_models.churn_model()
    onnx_path = os.path.join(BENCH, "model.onnx")
    if not os.path.exists(onnx_path):
        import convert

        os.makedirs(BENCH, exist_ok=True)
        joblib.dump(model, os.path.join(BENCH, "churn.joblib"))
        with open(os.path.join(BENCH, "sample.json"), "w") as f:
            json.dump({"instances": tabular_models.records(frame, 500)}, f)
        args = ["--model", os.path.join(BENCH, "churn.joblib"), "--sample", os.path.join(BENCH, "sample.json"),
                "--out", BENCH]  # fmt: skip
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            if convert.main(args) != 0:
                raise RuntimeError("convert.py could not convert the bench's pipeline")
    return model, frame, onnx_path


def p2_mixed(iterations: int) -> dict[str, Any]:
    """One named row through the handler, against predict_proba on a one-row DataFrame, interleaved."""
    import tabular_models

    import measure
    from inference import runtimes
    from inference.app import assemble, served_model

    model, frame, onnx_path = converted()
    app = assemble(served_model(runtimes.runtime("onnx").load(onnx_path, "bench")))
    one = frame.dropna().head(1)
    row = tabular_models.records(one)[0]

    class Context:
        aws_request_id = "bench"

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        samples = measure.interleaved(
            iterations, 200, base=partial(model.predict_proba, one), ours=partial(app, {"features": row}, Context())
        )
    return {"predict_p50_us": measure.p50(samples["base"]) * 1e6, "handler_p50_us": measure.p50(samples["ours"]) * 1e6}


def data_set(frame: Any) -> str:
    """A CSV of ROWS rows of the DataFrame's kind with an id column, as pandas writes it, written once."""
    path = os.path.join(BENCH, f"churn-{ROWS}.csv")
    if not os.path.exists(path):
        import tabular_models

        big, _ = tabular_models.churn_frame(ROWS, seed=3)
        big.to_csv(path + ".part", index_label="id")
        os.replace(path + ".part", path)
    return path


_OURS = """
import contextlib, io, json, os, sys, time
import batch_run
from inference import runtimes
from inference.app import assemble, served_model
app = assemble(served_model(runtimes.runtime("onnx").load(sys.argv[1], "bench")))
scorer = batch_run.in_process(app, ("id",))
progress = batch_run.Progress(1, stream=io.StringIO())
started = time.perf_counter()
with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
    summary = batch_run.run(sys.argv[2], sys.argv[3], scorer, max_bytes=None, progress=progress)
assert summary.errors == 0, summary
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

_PANDAS = """
import json, sys, time
import joblib, pandas as pd
model = joblib.load(sys.argv[1])
started = time.perf_counter()
frame = pd.read_csv(sys.argv[2])
scores = pd.DataFrame(model.predict_proba(frame.drop(columns=["id"])), columns=model.classes_)
scores.insert(0, "id", frame["id"])
scores.to_json(sys.argv[3], orient="records", lines=True)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def _seconds(code: str, *args: str) -> float:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True)
    seconds: float = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def p5_mixed(runs: int = 3) -> dict[str, Any]:
    """The median of `runs` fresh interpreters each side."""
    _, frame, onnx_path = converted()
    csv = data_set(frame)
    out = os.path.join(BENCH, "out.jsonl")
    pipeline = os.path.join(BENCH, "churn.joblib")
    ours = sorted(_seconds(_OURS, onnx_path, csv, out) for _ in range(runs))[runs // 2]
    pandas = sorted(_seconds(_PANDAS, pipeline, csv, out) for _ in range(runs))[runs // 2]
    os.unlink(out)
    return {"rows": ROWS, "ours_s": ours, "pandas_s": pandas}


if __name__ == "__main__":
    print(json.dumps({"P2": p2_mixed(2000), "P5": p5_mixed()}, indent=2))
