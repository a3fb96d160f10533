"""The app's images: which targets and delivery modes exist, how each is built
and what environment it runs with. Shared by the image tests, `npm start --
--docker` and the bench, so all three build and run the same things."""

import os
import subprocess
from dataclasses import dataclass

import local_lambda
import standin
from inference.contract import CAPTURE_BUILD_ARG, FORMATS, MODEL_ENV
from toolchain import BuildResult, Toolchain, go_arch, say

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "app")
REAL_BASES = {python: f"public.ecr.aws/lambda/python:{python}" for python in standin.SUITES}

# Runtime targets of app/Dockerfile (one per format of the contract), and where the function finds its model.
RUNTIMES = list(FORMATS)
DELIVERIES = ["s3", "image"]
# Where the Dockerfile's -bundled targets put the model.
PATH_IN_IMAGE = {name: f.path_in_image for name, f in FORMATS.items()}


@dataclass(frozen=True)
class BaseImage:
    local: str  # the image in the engine
    pushed: str  # the same image in the loopback registry, where BuildKit reads it
    standin: bool


def base_image(tc: Toolchain, platform_name: str | None = None, python: str = standin.DEFAULT_PYTHON) -> BaseImage:
    """The AWS base image of `python` where it can be pulled; the stand-in (local/standin.py) where it cannot. For
    the host's platform, or `platform_name` (built and run under emulation)."""
    real = REAL_BASES[python]
    platform_args = ["--platform", platform_name] if platform_name else []
    pulled = subprocess.run(
        [tc.docker, "pull", "-q", *platform_args, real], capture_output=True, timeout=300, check=False
    )
    if pulled.returncode == 0:
        local, is_standin = real, False
    else:
        say(f"{real} cannot be pulled here; using the stand-in base image (local/standin.py)")
        local, is_standin = standin.ensure(tc.docker, platform_name, python), True
    suffix = f"-{go_arch(platform_name)}" if platform_name else ""
    return BaseImage(local, tc.push_local_image(local, "lambda-base:" + local.rsplit(":", 1)[-1] + suffix), is_standin)


def build_app(
    tc: Toolchain,
    base: BaseImage,
    runtime: str,
    *,
    attestations: bool = False,
    pull: bool = True,
    tag: str | None = None,
    platform_name: str | None = None,
    data_capture: bool = False,
) -> BuildResult:
    """One runtime target of the unchanged app/Dockerfile, as the component builds it (with data capture's
    extension when `data_capture`)."""
    return tc.build(
        APP,
        f"inference-{runtime}{'-capture' if data_capture else ''}:{tag or 'test'}",
        platform_name=platform_name,
        target=runtime,
        build_args={"BASE_IMAGE": base.pushed, **({CAPTURE_BUILD_ARG: "on"} if data_capture else {})},
        attestations=attestations,
        pull_into_engine=pull,
    )


def build_bundled(tc: Toolchain, base: BaseImage, runtime: str, model_path: str, tag: str = "test") -> BuildResult:
    """The `<runtime>-bundled` target: the model's folder as the build context `model`, as the component passes it."""
    return tc.build(
        APP,
        f"inference-{runtime}-bundled:{tag}",
        target=f"{runtime}-bundled",
        build_args={"BASE_IMAGE": base.pushed, "MODEL_FILE": os.path.basename(model_path)},
        named_contexts={"model": os.path.dirname(os.path.abspath(model_path))},
    )


def image_for(tc: Toolchain, base: BaseImage, built: dict[str, BuildResult], runtime: str, delivery: str) -> str:
    """The image reference that serves `runtime` with the demo model delivered by `delivery`."""
    if delivery == "s3":
        return built[runtime].ref
    return build_bundled(tc, base, runtime, local_lambda.DEMO_MODELS[runtime]).ref


def model_environment(
    lam: "local_lambda.LocalLambda", runtime: str, delivery: str, model: str | None = None
) -> dict[str, str]:
    """The MODEL_* environment the component gives the function for this runtime and delivery."""
    model = model or local_lambda.DEMO_MODELS[runtime]
    if delivery == "s3":
        if lam.s3_port is None:
            lam.start_s3()
        return lam.upload_model(model)
    return {**lam.local_model(model), MODEL_ENV.path: PATH_IN_IMAGE[runtime]}
