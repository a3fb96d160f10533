"""P1c and P3c: real containers, ours per runtime against the article's one-stage image, on one base."""

import os
import shutil
import statistics
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


def cold_start(
    tc: toolchain.Toolchain, image: str, model_env: dict[str, str], lam: local_lambda.LocalLambda, handler: str
) -> float:
    """`docker run` to the first answer: container start, the emulator, init, one invoke."""
    started = time.perf_counter()
    lam.start_container(tc.docker, image, model_env, handler=handler)
    answer = lam.invoke(EVENT)
    elapsed = time.perf_counter() - started
    if answer.status != 200 or not isinstance(answer.body, dict) or "predictions" not in answer.body:
        raise RuntimeError(f"{image} did not answer: {answer.body}; {lam.log('function.log')[-800:]}")
    lam.stop_container()
    return elapsed


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
    ours = {runtime: images.build_app(tc, base, runtime, tag="bench") for runtime in images.RUNTIMES}
    samples: dict[str, list[float]] = {"seed": [], **{runtime: [] for runtime in ours}}
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        uploaded = {runtime: lam.upload_model(local_lambda.DEMO_MODELS[runtime]) for runtime in ours}
        for _ in range(runs):  # interleaved
            samples["seed"].append(cold_start(tc, seed.ref, {}, lam, SEED_HANDLER))
            for runtime, image in ours.items():
                samples[runtime].append(cold_start(tc, image.ref, uploaded[runtime], lam, HANDLER))
    return {
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
