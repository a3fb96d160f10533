"""`npm run bench`: performance figures as ratios against a baseline measured
in the same run on the same machine. Prints a table and writes JSON.

P1 cold init   fresh process to ready: our handler (S3 on loopback, sha256, load)
               vs the seed design (joblib.load of a local file at import, pandas)
P2 warm        handler p50/p99 vs bare model.predict on the same input, same process
P3 payload     installed dependency bytes after the Dockerfile's own pruning, ours vs seed
P4 component   wall time of the component test suite and of one offline plan
"""

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "app")
BENCH = os.path.join(ROOT, ".bench")
SEED_VENV = os.path.join(BENCH, "seed-venv")
FUNCTION = os.path.join(APP, "function")
sys.path[:0] = [FUNCTION, APP, os.path.join(ROOT, "local")]

import local_lambda  # noqa: E402
import model_store  # noqa: E402
import prune_site_packages  # noqa: E402

GOALS = {"P1": 0.8, "P2 single row p50": 1.3, "P2 100 rows p50": 1.1, "P3": 0.5}


def ready_seconds(argv, env, cwd):
    """Wall time from spawning a fresh interpreter to its 'ready' line."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = None
    for line in proc.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - start
            break
    proc.wait(timeout=60)
    if proc.returncode != 0 or elapsed is None:
        raise RuntimeError(f"{argv} failed: {proc.stderr.read()}")
    return elapsed


def p1_cold_init(runs):
    seed_model = os.path.join(BENCH, "seed-model")
    subprocess.run(
        [os.path.join(SEED_VENV, "bin", "python"), os.path.join(APP, "train.py"), "--out", seed_model],
        check=True,
        capture_output=True,
    )
    base_env = {"PATH": os.environ["PATH"], "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        model_env = lam.upload_model(local_lambda.DEMO_MODEL)
        ours, seed = [], []
        # Interleaved, so drift on the machine hits both sides alike.
        for _ in range(runs):
            cache = tempfile.mkdtemp(dir=lam.workdir)  # empty /tmp: a real download every time
            env = {
                **base_env,
                **local_lambda.FAKE_CREDENTIALS,
                **model_env,
                "AWS_ENDPOINT_URL_S3": lam.endpoint,
                "MODEL_CACHE_DIR": cache,
                "PYTHONPATH": FUNCTION,
            }
            ours.append(ready_seconds([sys.executable, "-c", "import handler; print('ready')"], env, FUNCTION))
            env = {
                **base_env,
                "MODEL_PATH": os.path.join(seed_model, "model.joblib"),
                "PYTHONPATH": os.path.join(ROOT, "bench"),
            }
            seed.append(
                ready_seconds(
                    [os.path.join(SEED_VENV, "bin", "python"), "-c", "import seed_handler; print('ready')"], env, ROOT
                )
            )
    o, s = statistics.median(ours), statistics.median(seed)
    return {"ours_s": o, "seed_s": s, "ratio": o / s, "runs": runs}


def percentiles(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def p2_warm(iterations):
    import numpy as np

    os.environ["MODEL_PATH"] = local_lambda.DEMO_MODEL
    os.environ["MODEL_SHA256"] = model_store.sha256_of(local_lambda.DEMO_MODEL)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        import handler
        from validation import Limits

        app = handler.App(handler.lambda_handler.predictor, Limits())
        model = handler.lambda_handler.predictor.model

        class Context:
            aws_request_id = "bench"

        row = [5.1, 3.5, 1.4, 0.2]
        results = {}
        for label, event, rows in (
            ("single row", {"features": row}, [row]),
            ("100 rows", {"instances": [row] * 100}, [row] * 100),
        ):
            x = np.asarray(rows)
            base, floor, ours = [], [], []
            for _ in range(200):  # warm-up
                model.predict(x), app(event, Context())
            for _ in range(iterations):
                t = time.perf_counter()
                model.predict(np.asarray(rows))
                base.append(time.perf_counter() - t)
                t = time.perf_counter()
                model.predict_proba(np.asarray(rows))
                floor.append(time.perf_counter() - t)
                t = time.perf_counter()
                app(event, Context())
                ours.append(time.perf_counter() - t)
            (b50, b99), (f50, _), (o50, o99) = percentiles(base), percentiles(floor), percentiles(ours)
            results[label] = {
                "predict_p50_us": b50 * 1e6,
                "predict_p99_us": b99 * 1e6,
                "predict_proba_p50_us": f50 * 1e6,
                "handler_p50_us": o50 * 1e6,
                "handler_p99_us": o99 * 1e6,
                "ratio_p50": o50 / b50,
                "ratio_p99": o99 / b99,
                "floor_ratio_p50": f50 / b50,
            }
    return results


def installed_bytes(requirements, name):
    """Bytes after pruning. The wheels (CPython 3.12, manylinux x86_64: what the
    Lambda image installs) are fetched once into .bench/<name>-raw; every run
    copies them and applies the Dockerfile's own pruning code afresh."""
    raw, pruned = os.path.join(BENCH, f"{name}-raw"), os.path.join(BENCH, name)
    if not os.path.isdir(raw):
        platforms = [
            f"--platform={p}_x86_64" for p in ("manylinux2014", "manylinux_2_17", "manylinux_2_27", "manylinux_2_28")
        ]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-warn-conflicts",
                "--only-binary=:all:",
                "--python-version=3.12",
                "--implementation=cp",
                *platforms,
                "--target",
                raw,
                "-r",
                requirements,
            ],
            check=True,
        )
    shutil.rmtree(pruned, ignore_errors=True)
    shutil.copytree(raw, pruned, symlinks=True)
    prune_site_packages.prune(pruned)  # the very code the Dockerfile runs
    return prune_site_packages.tree_size(pruned)


def p3_payload():
    ours = installed_bytes(os.path.join(APP, "requirements.txt"), "payload-ours")
    seed = installed_bytes(os.path.join(ROOT, "bench", "seed-requirements.txt"), "payload-seed")
    return {"ours_bytes": ours, "seed_bytes": seed, "ratio": ours / seed}


def wall(argv):
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def p4_component():
    suite = wall(["npx", "mocha"])
    plan = wall(["npx", "ts-node", "--transpile-only", "scripts/plan.ts", "--json"])
    return {"component_suite_s": suite, "offline_plan_s": plan}


def main(argv=None):
    parser = argparse.ArgumentParser(description="lambda-inference benchmarks")
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per side for P1 (median)")
    parser.add_argument("--iterations", type=int, default=3000, help="warm invokes per case for P2")
    parser.add_argument("--json", default=os.path.join(BENCH, "results.json"))
    args = parser.parse_args(argv)
    os.makedirs(BENCH, exist_ok=True)

    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    print("P1 cold init ...", file=sys.stderr, flush=True)
    results["P1"] = p1_cold_init(args.runs)
    print("P2 warm latency ...", file=sys.stderr, flush=True)
    results["P2"] = p2_warm(args.iterations)
    print("P3 dependency payload ...", file=sys.stderr, flush=True)
    results["P3"] = p3_payload()
    print("P4 component ...", file=sys.stderr, flush=True)
    results["P4"] = p4_component()

    p1, p2, p3, p4 = results["P1"], results["P2"], results["P3"], results["P4"]
    rows = [
        (
            f"P1 cold init (median of {p1['runs']})",
            f"{p1['ours_s'] * 1000:.0f} ms",
            f"{p1['seed_s'] * 1000:.0f} ms",
            p1["ratio"],
            GOALS["P1"],
        ),
    ]
    for label in ("single row", "100 rows"):
        r = p2[label]
        rows.append(
            (
                f"P2 {label} p50",
                f"{r['handler_p50_us']:.0f} us",
                f"{r['predict_p50_us']:.0f} us",
                r["ratio_p50"],
                GOALS[f"P2 {label} p50"],
            )
        )
        rows.append(
            (f"P2 {label} p99", f"{r['handler_p99_us']:.0f} us", f"{r['predict_p99_us']:.0f} us", r["ratio_p99"], None)
        )
        rows.append(
            (
                "   floor: predict_proba p50",
                f"{r['predict_proba_p50_us']:.0f} us",
                f"{r['predict_p50_us']:.0f} us",
                r["floor_ratio_p50"],
                None,
            )
        )
    rows.append(
        (
            "P3 dependency payload",
            f"{p3['ours_bytes'] / 1e6:.1f} MB",
            f"{p3['seed_bytes'] / 1e6:.1f} MB",
            p3["ratio"],
            GOALS["P3"],
        )
    )
    print(f"\nmachine: {results['machine']}")
    print(f"{'measure':34s} {'ours':>12s} {'baseline':>12s} {'ratio':>7s}  goal")
    for name, ours, base, ratio, goal in rows:
        verdict = "" if goal is None else (f"<= {goal}  {'met' if ratio <= goal else 'NOT met'}")
        print(f"{name:34s} {ours:>12s} {base:>12s} {ratio:7.2f}  {verdict}")
    print(f"P4 component suite {p4['component_suite_s']:.1f} s, one offline plan {p4['offline_plan_s']:.1f} s")
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    print(f"results written to {os.path.relpath(args.json, ROOT)}")


if __name__ == "__main__":
    main()
