"""A STAND-IN for `public.ecr.aws/lambda/python`, for machines that cannot pull it.

Built from Debian's archive (debootstrap: bookworm's Python 3.11 standing in for Lambda's 3.12, trixie's
Python 3.13 for Lambda's 3.13), PyPI
(awslambdaric and boto3 at the versions the tests pin) and the Go module
proxy (the Runtime Interface Emulator, built by scripts/setup.sh), with the
AWS base image's layout and entrypoint contract: the function in
/var/task ($LAMBDA_TASK_ROOT), the runtime client and boto3 in /var/runtime,
/lambda-entrypoint.sh taking the handler as CMD and running the emulator when
AWS_LAMBDA_RUNTIME_API is unset.

How it differs from the real image: Debian's Python 3.11 instead of Amazon
Linux 2023's Python 3.12 (wheels are cp311); no Lambda extensions API; pip
installs with PIP_BREAK_SYSTEM_PACKAGES (Debian marks its Python externally
managed) and trusts this machine's CA bundle (PIP_CERT), so that `pip install`
in the app's Dockerfile reaches PyPI through this network.

The image is tagged by a hash of everything it is built from, so it is built
once per set of inputs:  python local/standin.py  prints its reference.
"""

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile

from toolchain import ROOT, TOOLS_BIN, ToolchainError, docker_cli, go_arch, go_install, host_platform, run, say

HERE = os.path.join(ROOT, "local", "standin")
NAME = "lambda-inference/lambda-python-standin"
# The Debian release, and its Python, that stand in for each of Lambda's Python base images.
SUITES = {"3.12": ("bookworm", "3.11"), "3.13": ("trixie", "3.13")}
DEFAULT_PYTHON = "3.12"
MIRROR = "http://deb.debian.org/debian"
# The AWS image has a system trust store too; awscrt (the function's S3 client) needs one.
DEBIAN_PACKAGES = ("python3", "ca-certificates")
# What the AWS base image ships besides Python: the runtime client, and boto3 with botocore and s3transfer.
RUNTIME_PACKAGES = ("awslambdaric", "boto3", "botocore", "s3transfer")
PIP_VERSION = "25.3"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
ENV = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "LAMBDA_RUNTIME_DIR": "/var/runtime",
    "LANG": "C.UTF-8",
    "TZ": ":/etc/localtime",
    "PIP_BREAK_SYSTEM_PACKAGES": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_CERT": "/etc/lambda-standin/ca.pem",
}


def pins() -> list[str]:
    """The runtime packages at the versions the test venv freezes (app/constraints-dev.txt)."""
    wanted = {p.lower() for p in RUNTIME_PACKAGES}
    with open(os.path.join(ROOT, "app", "constraints-dev.txt")) as f:
        lines = [line.strip() for line in f if "==" in line and not line.startswith("#")]
    found = sorted(line for line in lines if line.split("==")[0].lower() in wanted)
    if len(found) != len(wanted):
        raise ToolchainError(f"app/constraints-dev.txt must pin {', '.join(sorted(wanted))}")
    return found


RIE_MODULE = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"


def rie_version() -> str:
    """The emulator's version, as scripts/setup.sh and the package's command build it for the host."""
    with open(os.path.join(ROOT, "local", "rie.version")) as f:
        return f.read().strip()


def rie_binary(platform_name: str | None = None) -> str:
    """The emulator for the image's platform: the host's (scripts/setup.sh), or one cross-compiled."""
    if platform_name is not None and platform_name != host_platform():
        return go_install("aws-lambda-rie", RIE_MODULE, rie_version(), platform_name)
    path = os.environ.get("LAMBDA_INFERENCE_RIE") or os.path.join(TOOLS_BIN, "aws-lambda-rie")
    if not os.path.exists(path):
        raise ToolchainError(f"{path} is missing; run scripts/setup.sh")
    return path


def machine_of(platform_name: str) -> str:
    """`linux/arm64` -> `aarch64`: the machine name wheels are tagged with."""
    return {"amd64": "x86_64", "arm64": "aarch64"}[go_arch(platform_name)]


def cache_key(platform_name: str, python: str = DEFAULT_PYTHON) -> str:
    digest = hashlib.sha256()
    # The host's stand-in keeps the key it always had (the machine's name), so its cached image stays valid.
    machine = platform.machine() if platform_name == host_platform() else platform_name
    suite = SUITES[python][0]
    parts = [suite, *DEBIAN_PACKAGES, *pins(), PIP_VERSION, machine, repr(sorted(ENV.items()))]
    for part in parts:
        digest.update(part.encode() + b"\0")
    for path in (
        os.path.join(HERE, "lambda-entrypoint.sh"),
        os.path.join(HERE, "bootstrap"),
        rie_binary(platform_name),
        CA_BUNDLE,
        __file__,
    ):
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def wheel_platforms(platform_name: str) -> list[str]:
    machine = machine_of(platform_name)
    return [f"--platform={tag}_{machine}" for tag in ("manylinux2014", "manylinux_2_17", "manylinux_2_28")]


def build_rootfs(rootfs: str, platform_name: str, python: str = DEFAULT_PYTHON) -> None:
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        raise ToolchainError("building the stand-in needs root and debootstrap (apt-get install debootstrap)")
    arch = go_arch(platform_name)
    suite, version = SUITES[python]
    say(f"debootstrap {suite} {arch} (minbase + {', '.join(DEBIAN_PACKAGES)}) for the stand-in base image")
    # Another architecture's packages configure under QEMU (Toolchain.enable_emulation registers it).
    run(["debootstrap", f"--arch={arch}", "--variant=minbase", f"--include={','.join(DEBIAN_PACKAGES)}", suite,
         rootfs, MIRROR])  # fmt: skip
    for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
        shutil.rmtree(os.path.join(rootfs, leftover), ignore_errors=True)
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-cache-dir",
        "--no-warn-conflicts",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        f"--python-version={version}",
        "--implementation=cp",
    ]
    say("installing " + ", ".join(pins()) + " into /var/runtime")
    run([*pip, *wheel_platforms(platform_name), "--target", os.path.join(rootfs, "var", "runtime"), *pins()])
    run(
        [
            *pip,
            "--platform=any",
            "--target",
            os.path.join(rootfs, f"usr/local/lib/python{version}/dist-packages"),
            f"pip=={PIP_VERSION}",
        ]
    )
    os.makedirs(os.path.join(rootfs, "var", "task"), exist_ok=True)
    os.makedirs(os.path.join(rootfs, "etc", "lambda-standin"), exist_ok=True)
    shutil.copy(CA_BUNDLE, os.path.join(rootfs, "etc", "lambda-standin", "ca.pem"))
    for source, target in (
        (os.path.join(HERE, "lambda-entrypoint.sh"), "lambda-entrypoint.sh"),
        (os.path.join(HERE, "bootstrap"), "var/runtime/bootstrap"),
        (rie_binary(platform_name), "usr/local/bin/aws-lambda-rie"),
    ):
        shutil.copy(source, os.path.join(rootfs, target))
    # The AWS image has `python` and `pip` on the PATH; the app's Dockerfile calls both.
    os.symlink("/usr/bin/python3", os.path.join(rootfs, "usr/local/bin/python"))
    with open(os.path.join(rootfs, "usr/local/bin/pip"), "w") as f:
        f.write('#!/bin/sh\nexec python3 -m pip "$@"\n')
    os.chmod(os.path.join(rootfs, "usr/local/bin/pip"), 0o755)  # noqa: S103 - an executable on the PATH


def ensure(docker: str | None = None, platform_name: str | None = None, python: str = DEFAULT_PYTHON) -> str:
    """The stand-in's image reference in the engine, for the host's platform or `platform_name` (run under
    emulation) and Lambda's `python`, building it when no image has these inputs."""
    docker = docker or docker_cli()
    platform_name = platform_name or host_platform()
    image = f"{NAME}:{SUITES[python][1]}-{cache_key(platform_name, python)}"
    if run([docker, "image", "inspect", image], check=False, quiet=True).returncode == 0:
        return image
    with tempfile.TemporaryDirectory(prefix="standin-") as scratch:
        rootfs = os.path.join(scratch, "rootfs")
        build_rootfs(rootfs, platform_name, python)
        changes = ['ENTRYPOINT ["/lambda-entrypoint.sh"]', "WORKDIR /var/task"]
        changes += [f"ENV {key}={value}" for key, value in ENV.items()]
        argv = [docker, "import", "--platform", platform_name]
        for change in changes:
            argv += ["--change", change]
        say(f"importing the stand-in as {image}")
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run([*argv, "-", image], stdin=tar.stdout, check=True, capture_output=True)
        tar.wait()
    return image


if __name__ == "__main__":
    try:
        print(ensure())
    except ToolchainError as e:
        sys.exit(f"stand-in: {e}")
