"""P1c, P3c and P6: real containers, ours per runtime against the article's one-stage image, on one base.

P1c also starts the onnx image with the model inside (`onnx-bundled`, no S3) and the container floor: a
trivial handler on the same base, so what init itself costs above starting a container is
(ours - floor) / (design - floor). P6 reads the handler process's peak resident memory (VmHWM) inside
each container after its first answer and after 1,000 more."""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import Any

import images
import local_lambda
import measure
import toolchain
from inference.contract import HANDLER

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
EVENT = {"features": measure.ROW}


class Unavailable(RuntimeError):
    """No Docker toolchain here: the container figures are skipped, the rest of the bench stands."""


# The seed image's own CMD: its handler is a module of its own, not the app's package.
SEED_HANDLER = "handler.lambda_handler"
FLOOR_HANDLER = "floor.handler"
ARM64 = "linux/arm64"
REQUESTS = 1000
# The largest peak resident set of the container's Python processes (the runtime and its handler).
PEAK_RSS = (
    'for p in /proc/[0-9]*; do if grep -q python "$p/cmdline" 2>/dev/null; then '
    'sed -n "s/^VmHWM:[^0-9]*\\([0-9]*\\) kB/\\1/p" "$p/status"; fi; done'
)


def peak_rss_mb(tc: toolchain.Toolchain, lam: local_lambda.LocalLambda) -> float:
    """The peak resident memory of the running container's Python processes, in MB."""
    assert lam.container is not None
    _, name = lam.container
    out = subprocess.run([tc.docker, "exec", name, "sh", "-c", PEAK_RSS], capture_output=True, text=True, check=True)
    values = [int(v) for v in out.stdout.split()]
    if not values:
        raise RuntimeError(f"no Python process found in {name}")
    return max(values) / 1024


def cold_start(
    tc: toolchain.Toolchain,
    image: str,
    model_env: dict[str, str],
    lam: local_lambda.LocalLambda,
    handler: str,
    *,
    memory: dict[str, list[float]] | None = None,
) -> float:
    """`docker run` to the first answer: container start, the emulator, init, one invoke. With `memory`, also
    the peak resident memory after that answer and after REQUESTS more."""
    started = time.perf_counter()
    lam.start_container(tc.docker, image, model_env, handler=handler)
    answer = lam.invoke(EVENT)
    elapsed = time.perf_counter() - started
    if answer.status != 200 or not isinstance(answer.body, dict) or "predictions" not in answer.body:
        raise RuntimeError(f"{image} did not answer: {answer.body}; {lam.log('function.log')[-800:]}")
    if memory is not None:
        memory.setdefault("init", []).append(peak_rss_mb(tc, lam))
        for _ in range(REQUESTS):
            lam.invoke(EVENT)
        memory.setdefault("after_requests", []).append(peak_rss_mb(tc, lam))
    lam.stop_container()
    return elapsed


def build_floor(tc: toolchain.Toolchain, base: images.BaseImage) -> toolchain.BuildResult:
    """A handler that imports nothing and answers at once, on the same base: what a container start costs."""
    with tempfile.TemporaryDirectory(prefix="floor-image-") as context:
        with open(os.path.join(context, "floor.py"), "w") as f:
            f.write('def handler(event, context):\n    return {"predictions": ["floor"]}\n')
        with open(os.path.join(context, "Dockerfile"), "w") as f:
            f.write("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY floor.py ${LAMBDA_TASK_ROOT}/\n")
            f.write(f'CMD ["{FLOOR_HANDLER}"]\n')
        return tc.build(context, "floor:bench", build_args={"BASE_IMAGE": base.pushed})


def build_seed(tc: toolchain.Toolchain, base: images.BaseImage) -> toolchain.BuildResult:
    """The article's image: bench/seed/Dockerfile with the seed requirements, handler and model."""
    with tempfile.TemporaryDirectory(prefix="seed-image-") as context:
        shutil.copy(os.path.join(BENCH_DIR, "seed", "Dockerfile"), os.path.join(context, "Dockerfile"))
        shutil.copy(os.path.join(BENCH_DIR, "seed", "requirements.txt"), os.path.join(context, "requirements.txt"))
        shutil.copy(os.path.join(BENCH_DIR, "seed", "seed_handler.py"), os.path.join(context, "handler.py"))
        shutil.copy(measure.seed_model(), os.path.join(context, "model.joblib"))
        return tc.build(context, "seed:bench", build_args={"BASE_IMAGE": base.pushed})


def measure_containers(tc: toolchain.Toolchain, runs: int) -> dict[str, Any]:
    base = images.base_image(tc)
    base_bytes = tc.image_bytes(base.local)
    seed = build_seed(tc, base)
    floor = build_floor(tc, base)
    ours = {runtime: images.build_app(tc, base, runtime, tag="bench") for runtime in images.RUNTIMES}
    bundled = images.build_bundled(tc, base, "onnx", local_lambda.DEMO_MODEL, tag="bench")
    # The arm64 image's size (built under emulation on another host; its cold start there would measure QEMU).
    tc.enable_emulation(ARM64)
    arm_base = images.base_image(tc, ARM64)
    arm64 = images.build_app(tc, arm_base, "onnx", tag="bench-arm64", platform_name=ARM64)
    arm64_bytes = tc.image_bytes(arm64.ref) - tc.image_bytes(arm_base.local)
    samples: dict[str, list[float]] = {"seed": [], "floor": [], "onnx.image": [], **{r: [] for r in ours}}
    memory: dict[str, dict[str, list[float]]] = {"seed": {}, "onnx": {}}
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        uploaded = {runtime: lam.upload_model(local_lambda.DEMO_MODELS[runtime]) for runtime in ours}
        in_image = {**lam.local_model(local_lambda.DEMO_MODEL), "MODEL_PATH": images.PATH_IN_IMAGE["onnx"]}
        for i in range(runs):  # interleaved; memory on the first run only (it does not vary)
            first = i == 0
            samples["seed"].append(
                cold_start(tc, seed.ref, {}, lam, SEED_HANDLER, memory=memory["seed"] if first else None)
            )
            samples["floor"].append(cold_start(tc, floor.ref, {}, lam, FLOOR_HANDLER))
            samples["onnx.image"].append(
                cold_start(tc, bundled.ref, in_image, lam, HANDLER, memory=memory["onnx"] if first else None)
            )
            for runtime, image in ours.items():
                samples[runtime].append(cold_start(tc, image.ref, uploaded[runtime], lam, HANDLER))
    return {
        "floor": {"cold_start_s": statistics.median(samples["floor"]), "samples_s": samples["floor"]},
        "onnx_image": {"cold_start_s": statistics.median(samples["onnx.image"]), "samples_s": samples["onnx.image"]},
        "memory_mb": {who: {k: v[0] for k, v in m.items()} for who, m in memory.items()},
        "onnx_arm64": {"bytes_above_base": arm64_bytes, "manifest": arm64.media_type},
        "requests": REQUESTS,
        "base": {"image": base.local, "standin": base.standin, "bytes": base_bytes},
        "runs": runs,
        "seed": {"cold_start_s": statistics.median(samples["seed"]), "samples_s": samples["seed"],
                 "bytes_above_base": tc.image_bytes(seed.ref) - base_bytes, "manifest": seed.media_type},
        "ours": {
            runtime: {"cold_start_s": statistics.median(samples[runtime]), "samples_s": samples[runtime],
                      "bytes_above_base": tc.image_bytes(image.ref) - base_bytes, "manifest": image.media_type,
                      "delivery": "s3"}
            for runtime, image in ours.items()
        },
    }  # fmt: skip


def run(runs: int) -> dict[str, Any]:
    try:
        chain = toolchain.Toolchain()
        chain.__enter__()
    except toolchain.ToolchainError as e:
        raise Unavailable(str(e)) from None
    try:
        return measure_containers(chain, runs)
    finally:
        chain.__exit__(None, None, None)
