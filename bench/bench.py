"""`npm run bench`: performance as ratios against a baseline measured in the same
run on the same machine. Prints a table, writes JSON (with a flat `ratios`
object) and draws the cold-init and payload comparison as an SVG.

P1   cold init, fresh process to ready: our handler per runtime (onnx, sklearn) and
     delivery (s3: fetched from S3 on loopback and verified; image: a local file,
     verified) vs the seed design (joblib.load of a local file at import, pandas)
P2   warm handler p50 vs bare scikit-learn `predict` on the same model and input, same
     process; the inference protocol's /v2 infer (one row in JSON; 10,000 rows in binary) vs bare
     `predict` and bare ONNX Runtime; and our ONNX handler vs the seed handler warm (its own venv)
P3   installed dependency bytes after the Dockerfile's own pruning, per runtime, vs the seed's set
P1c  container cold start, `docker run` to the first answer, per runtime (model from S3) vs the
     article's one-stage image on the same base (only with a Docker toolchain; --no-containers skips it)
P3c  image bytes above the base, per runtime vs the article's image
P4   wall time of the component test suite and of one offline plan
P2.text / P1.text / P3.text  a transformer text classifier: one text vs tokenizers+ONNX Runtime, cold init with
     the model in the image, the text stage's bytes (bench/text.py)
P1.large / P6.large  a 300 MB ONNX model from S3 vs boto3+hash+ONNX Runtime, and its init's peak memory
     (bench/large.py)
P1.multi / P2.multi  three models behind one function: a model's first request in a warm environment vs
     the single-model cold init, and a warm request vs the single-model handler (bench/multi.py)
P5   the batch transform's in-process path (read 100,000 CSV rows, validate, predict, write the lines) vs
     bare ONNX Runtime on the same matrix; its peak memory at 1,000,000 rows vs at 100,000 (flat: ~1)

Every ratio is ours / baseline: below 1 is better.
"""

import argparse
import json
import os
import platform
import sys
from typing import Any

import chart
import jobs
import large
import measure
import mixed
import multi
import text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".bench")

# Goals, each a ceiling on a ratio (issues 9 and 10).
GOALS = {
    "P1c.onnx.image.above_floor": 0.08,
    "P6.onnx": 0.35,
    "P1.onnx.s3": 0.35,
    "P1.fastest.image": 0.2,
    "P2.onnx.single": 0.3,
    "P2.oip.single": 0.5,
    "P2.onnx.single.capture.vs_off": 1.1,
    "P3.onnx": 0.5,
    "P5.batch.onnx": 3.0,
    "P2.mixed.single": 0.3,
    "P5.batch.mixed.vs_pandas": 0.5,
    "P2.text.single": 1.3,
    "P1.text.image": 0.25,
    "P1.large.s3": 0.6,
    "P6.large": 1.3,
    "P1.multi.first_call": 0.5,
    "P2.multi.single": 1.1,
}


def ratios_of(results: dict[str, Any]) -> dict[str, float]:
    """The flat ratios object: ours / baseline for every measure, keyed as the issues name them."""
    ratios: dict[str, float] = {}
    for key, row in results["P1"]["ours"].items():
        ratios[f"P1.{key}"] = row["median_s"] / results["P1"]["seed"]["median_s"]
    ratios["P1.fastest.image"] = min(v for k, v in ratios.items() if k.endswith(".image"))
    for runtime, cases in results["P2"]["handlers"].items():
        for case, row in cases.items():
            ratios[f"P2.{runtime}.{case}"] = row["handler_p50_us"] / row["predict_p50_us"]
    for case, row in results["P2"]["protocol"].items():
        ratios[f"P2.oip.{case}"] = row["handler_p50_us"] / row["predict_p50_us"]
        ratios[f"P2.oip.{case}.vs_onnx"] = row["handler_p50_us"] / row["onnx_p50_us"]
    mixed = results["P2"]["mixed"]
    ratios["P2.mixed.single"] = mixed["handler_p50_us"] / mixed["predict_p50_us"]
    capture = results["P2"]["capture"]
    ratios["P2.onnx.single.capture"] = capture["capture_p50_us"] / capture["predict_p50_us"]
    ratios["P2.onnx.single.capture.vs_off"] = capture["capture_p50_us"] / capture["handler_p50_us"]
    ratios["P2.onnx.vs_seed"] = (
        results["P2"]["handlers"]["onnx"]["single"]["handler_p50_us"] / results["P2"]["seed_handler_p50_us"]
    )
    for runtime, size in results["P3"]["ours_bytes"].items():
        ratios[f"P3.{runtime}"] = size / results["P3"]["seed_bytes"]
    text = results["P2"]["text"]
    ratios["P2.text.single"] = text["handler_p50_us"] / text["direct_p50_us"]
    ratios["P1.text.image"] = results["P1"]["text_image"]["median_s"] / results["P1"]["seed"]["median_s"]
    multi = results["multi"]
    ratios["P1.multi.first_call"] = multi["first_call"]["median_s"] / results["P1"]["ours"]["onnx.image"]["median_s"]
    ratios["P2.multi.single"] = multi["warm"]["many_p50_us"] / multi["warm"]["single_p50_us"]
    large_model = results["large"]
    ratios["P1.large.s3"] = large_model["ours_s"] / large_model["plain_s"]
    ratios["P6.large"] = large_model["ours_peak_bytes"] / large_model["model_bytes"]
    containers = results.get("containers")
    if containers:
        for runtime, row in containers["ours"].items():
            ratios[f"P1c.{runtime}"] = row["cold_start_s"] / containers["seed"]["cold_start_s"]
            ratios[f"P3c.{runtime}"] = row["bytes_above_base"] / containers["seed"]["bytes_above_base"]
        seed_s, floor_s = containers["seed"]["cold_start_s"], containers["floor"]["cold_start_s"]
        image_s = containers["onnx_image"]["cold_start_s"]
        ratios["P1c.onnx.image"] = image_s / seed_s
        ratios["P1c.floor"] = floor_s / seed_s
        ratios["P1c.onnx.image.above_floor"] = (image_s - floor_s) / (seed_s - floor_s)
        memory = containers["memory_mb"]
        ratios["P6.onnx"] = memory["onnx"]["after_requests"] / memory["seed"]["after_requests"]
        ratios["P6.onnx.init"] = memory["onnx"]["init"] / memory["seed"]["init"]
        ratios["P3c.onnx.arm64"] = containers["onnx_arm64"]["bytes_above_base"] / containers["seed"]["bytes_above_base"]
    p5 = results.get("P5")
    if p5:
        peak = p5["peak_mb"]
        ratios["P5.batch.onnx"] = p5["ours_s"] / p5["bare_onnx_s"]
        ratios["P5.batch.onnx.memory_1m_vs_100k"] = peak[str(p5["memory_rows"])] / peak[str(p5["rows"])]
        ratios["P5.batch.mixed.vs_pandas"] = p5["mixed"]["ours_s"] / p5["mixed"]["pandas_s"]
    return {k: round(v, 4) for k, v in sorted(ratios.items())}


def table(results: dict[str, Any], ratios: dict[str, float]) -> list[str]:
    p1, p2, p3 = results["P1"], results["P2"], results["P3"]
    seed_ms = p1["seed"]["median_s"] * 1000
    # (measure, ours, baseline, ratio, the goal's key)
    rows: list[tuple[str, str, str, float | None, str]] = [
        (f"P1 cold init, seed design (median of {p1['runs']})", f"{seed_ms:.0f} ms", "", None, "")
    ]
    for key, row in p1["ours"].items():
        rows.append((f"P1.{key}", f"{row['median_s'] * 1000:.0f} ms", f"{seed_ms:.0f} ms", ratios[f"P1.{key}"],
                     f"P1.{key}"))  # fmt: skip
    for runtime, cases in p2["handlers"].items():
        for case, row in cases.items():
            rows.append(
                (
                    f"P2.{runtime}.{case} handler p50 vs bare predict",
                    f"{row['handler_p50_us']:.1f} us",
                    f"{row['predict_p50_us']:.1f} us",
                    ratios[f"P2.{runtime}.{case}"],
                    f"P2.{runtime}.{case}",
                )
            )
    for case, row in p2["protocol"].items():
        for key, base, what in (
            ("", "predict_p50_us", "bare predict"),
            (".vs_onnx", "onnx_p50_us", "bare ONNX Runtime"),
        ):
            rows.append(
                (
                    f"P2.oip.{case}{key} /v2 infer p50 vs {what}",
                    f"{row['handler_p50_us']:.1f} us",
                    f"{row[base]:.1f} us",
                    ratios[f"P2.oip.{case}{key}"],
                    f"P2.oip.{case}{key}",
                )
            )
    mixed = p2["mixed"]
    rows.append(
        (
            "P2.mixed.single DataFrame pipeline, one named row, vs predict_proba on a one-row DataFrame",
            f"{mixed['handler_p50_us']:.1f} us",
            f"{mixed['predict_p50_us']:.1f} us",
            ratios["P2.mixed.single"],
            "P2.mixed.single",
        )
    )
    capture = p2["capture"]
    rows.append(
        (
            "P2.onnx.single.capture handler p50, capture at 100 %, vs bare predict",
            f"{capture['capture_p50_us']:.1f} us",
            f"{capture['predict_p50_us']:.1f} us",
            ratios["P2.onnx.single.capture"],
            "",
        )
    )
    rows.append(
        (
            "P2.onnx.single.capture.vs_off against capture off "
            f"(after the answer: {capture['post_response_p50_us']:.0f} us)",
            f"{capture['capture_p50_us']:.1f} us",
            f"{capture['handler_p50_us']:.1f} us",
            ratios["P2.onnx.single.capture.vs_off"],
            "P2.onnx.single.capture.vs_off",
        )
    )
    rows.append(
        (
            "P2.onnx.vs_seed handler p50",
            f"{p2['handlers']['onnx']['single']['handler_p50_us']:.1f} us",
            f"{p2['seed_handler_p50_us']:.1f} us",
            ratios["P2.onnx.vs_seed"],
            "",
        )
    )
    text, seed_ms = p2["text"], p1["seed"]["median_s"] * 1000
    rows.append(("P2.text.single one 20-word text vs tokenizers+ORT+softmax", f"{text['handler_p50_us']:.1f} us",
                 f"{text['direct_p50_us']:.1f} us", ratios["P2.text.single"], "P2.text.single"))  # fmt: skip
    rows.append(("P1.text.image text classifier in the image", f"{p1['text_image']['median_s'] * 1000:.0f} ms",
                 f"{seed_ms:.0f} ms", ratios["P1.text.image"], "P1.text.image"))  # fmt: skip
    multi = results["multi"]
    rows.append(("P1.multi.first_call a model's first request, warm environment",
                 f"{multi['first_call']['median_s'] * 1000:.0f} ms",
                 f"{p1['ours']['onnx.image']['median_s'] * 1000:.0f} ms", ratios["P1.multi.first_call"],
                 "P1.multi.first_call"))  # fmt: skip
    rows.append(("P2.multi.single one of three models vs one model", f"{multi['warm']['many_p50_us']:.1f} us",
                 f"{multi['warm']['single_p50_us']:.1f} us", ratios["P2.multi.single"], "P2.multi.single"))  # fmt: skip
    large_model = results["large"]
    rows.append((f"P1.large.s3 {large_model['model_bytes'] / 1e6:.0f} MB ONNX from S3 vs boto3+hash+ORT",
                 f"{large_model['ours_s'] * 1000:.0f} ms", f"{large_model['plain_s'] * 1000:.0f} ms",
                 ratios["P1.large.s3"], "P1.large.s3"))  # fmt: skip
    rows.append(("P6.large peak memory of that init vs the model's size",
                 f"{large_model['ours_peak_bytes'] / 1e6:.0f} MB", f"{large_model['model_bytes'] / 1e6:.0f} MB",
                 ratios["P6.large"], "P6.large"))  # fmt: skip
    for runtime, size in p3["ours_bytes"].items():
        rows.append(
            (
                f"P3.{runtime} dependency payload",
                f"{size / 1e6:.1f} MB",
                f"{p3['seed_bytes'] / 1e6:.1f} MB",
                ratios[f"P3.{runtime}"],
                f"P3.{runtime}",
            )
        )
    containers = results.get("containers")
    if containers:
        seed = containers["seed"]
        for runtime, row in containers["ours"].items():
            rows.append(
                (
                    f"P1c.{runtime} container cold start",
                    f"{row['cold_start_s'] * 1000:.0f} ms",
                    f"{seed['cold_start_s'] * 1000:.0f} ms",
                    ratios[f"P1c.{runtime}"],
                    "",
                )
            )
            rows.append(
                (
                    f"P3c.{runtime} image above the base",
                    f"{row['bytes_above_base'] / 1e6:.1f} MB",
                    f"{seed['bytes_above_base'] / 1e6:.1f} MB",
                    ratios[f"P3c.{runtime}"],
                    "",
                )
            )
    if containers:
        seed_ms = containers["seed"]["cold_start_s"] * 1000
        rows.append(
            (
                "P1c.onnx.image container cold start, model inside",
                f"{containers['onnx_image']['cold_start_s'] * 1000:.0f} ms",
                f"{seed_ms:.0f} ms",
                ratios["P1c.onnx.image"],
                "",
            )
        )
        rows.append(
            (
                "P1c.onnx.image.above_floor (floor: a bare handler)",
                f"{containers['floor']['cold_start_s'] * 1000:.0f} ms floor",
                "",
                ratios["P1c.onnx.image.above_floor"],
                "P1c.onnx.image.above_floor",
            )
        )
        rows.append(
            (
                "P3c.onnx.arm64 image above the base, arm64",
                f"{containers['onnx_arm64']['bytes_above_base'] / 1e6:.1f} MB",
                f"{containers['seed']['bytes_above_base'] / 1e6:.1f} MB",
                ratios["P3c.onnx.arm64"],
                "",
            )
        )
        memory = containers["memory_mb"]
        rows.append(
            (
                f"P6.onnx peak memory after {containers['requests']} requests (init)",
                f"{memory['onnx']['after_requests']:.0f} MB ({memory['onnx']['init']:.0f})",
                f"{memory['seed']['after_requests']:.0f} MB ({memory['seed']['init']:.0f})",
                ratios["P6.onnx"],
                "P6.onnx",
            )
        )
    lines = [f"machine: {results['machine']}", f"{'measure':48s} {'ours':>10s} {'baseline':>10s} {'ratio':>7s}  goal"]
    for name, ours, base, ratio, goal_key in rows:
        goal = GOALS.get(goal_key)
        verdict = "" if goal is None or ratio is None else f"<= {goal}  {'met' if ratio <= goal else 'NOT met'}"
        ratio_text = "" if ratio is None else f"{ratio:7.3f}"
        lines.append(f"{name:48s} {ours:>10s} {base:>10s} {ratio_text:>7s}  {verdict}")
    fastest, goal = ratios["P1.fastest.image"], GOALS["P1.fastest.image"]
    verdict = "met" if fastest <= goal else "NOT met"
    lines.append(f"{'P1.fastest.image (best runtime, model in the image)':48s} {'':>10s} {'':>10s} "
                 f"{fastest:7.3f}  <= {goal}  {verdict}")  # fmt: skip
    if not containers:
        lines.append(f"P1c/P3c containers: skipped ({results.get('containers_skipped', 'not run')})")
    p5 = results.get("P5")
    if p5:
        lines.append(
            f"{'P5.batch.onnx 100,000 CSV rows in-process':48s} {p5['ours_s'] * 1000:8.0f} ms "
            f"{p5['bare_onnx_s'] * 1000:8.1f} ms {ratios['P5.batch.onnx']:7.1f}  <= {GOALS['P5.batch.onnx']}  "
            f"{'met' if ratios['P5.batch.onnx'] <= GOALS['P5.batch.onnx'] else 'NOT met'}"
        )
        mixed, key = p5["mixed"], "P5.batch.mixed.vs_pandas"
        lines.append(
            f"{'P5.batch.mixed 100,000 rows vs pandas script':48s} {mixed['ours_s'] * 1000:8.0f} ms "
            f"{mixed['pandas_s'] * 1000:8.1f} ms {ratios[key]:7.1f}  <= {GOALS[key]}  "
            f"{'met' if ratios[key] <= GOALS[key] else 'NOT met'}"
        )
        lines.append(
            f"P5 {p5['rows_per_s']:,.0f} rows/s; 1,000,000 rows in {p5['memory_rows_s']:.1f} s, peak memory "
            f"{p5['peak_mb'][str(p5['memory_rows'])]:.0f} MB (100,000 rows: {p5['peak_mb'][str(p5['rows'])]:.0f} MB)"
        )
    p4 = results["P4"]
    lines.append(f"P4 component suite {p4['component_suite_s']:.1f} s, one offline plan {p4['offline_plan_s']:.1f} s")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="lambda-inference benchmarks")
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per case for P1 (median)")
    parser.add_argument("--iterations", type=int, default=3000, help="warm invokes per case for P2")
    parser.add_argument("--container-runs", type=int, default=5, help="container starts per image for P1c")
    parser.add_argument("--no-containers", action="store_true", help="skip P1c/P3c even where Docker works")
    parser.add_argument("--json", default=os.path.join(BENCH, "results.json"), help="where to write the results")
    parser.add_argument("--svg", default=os.path.join(ROOT, "docs", "bench.svg"), help="where to draw the chart")
    args = parser.parse_args(argv)
    os.makedirs(BENCH, exist_ok=True)

    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    }
    print("P1 cold init ...", file=sys.stderr, flush=True)
    results["P1"] = {**measure.p1_cold_init(args.runs), "text_image": text.p1_text_image(args.runs)}
    print("P2 warm latency ...", file=sys.stderr, flush=True)
    results["P2"] = {
        **measure.p2_warm(args.iterations),
        "mixed": mixed.p2_mixed(args.iterations),
        "text": text.p2_text(args.iterations),
    }
    print("P3 dependency payload ...", file=sys.stderr, flush=True)
    results["P3"] = measure.p3_payload()
    results["P3"]["ours_bytes"]["text"] = text.p3_text()
    print("P1.multi/P2.multi three models behind one function ...", file=sys.stderr, flush=True)
    results["multi"] = {"first_call": multi.p1_first_call(), "warm": multi.p2_multi(args.iterations)}
    print("P1.large a 300 MB model from S3 ...", file=sys.stderr, flush=True)
    results["large"] = large.p1_large()
    if args.no_containers:
        results["containers_skipped"] = "--no-containers"
    else:
        print("P1c/P3c containers ...", file=sys.stderr, flush=True)
        try:
            import containers

            results["containers"] = containers.run(args.container_runs)
        except containers.Unavailable as e:
            results["containers_skipped"] = str(e)
    print("P5 batch transform ...", file=sys.stderr, flush=True)
    results["P5"] = {**jobs.p5_batch(), "mixed": mixed.p5_mixed()}
    print("P4 component ...", file=sys.stderr, flush=True)
    results["P4"] = measure.p4_component()

    results["ratios"] = ratios_of(results)
    results["goals"] = GOALS
    print("\n" + "\n".join(table(results, results["ratios"])))
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    chart.write(results, args.svg)
    print(f"results written to {os.path.relpath(args.json, ROOT)}; chart drawn to {os.path.relpath(args.svg, ROOT)}")


if __name__ == "__main__":
    main()
