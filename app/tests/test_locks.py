"""The image's locks (app/requirements/<runtime>.txt, one universal resolution with every distribution's
sha256) install on each Python the image may be built on (pythonVersion 3.12 and 3.13) and each
architecture (x86_64 and arm64): pip fetches the very wheels the Dockerfile installs for that
interpreter and platform, and refuses any whose sha256 the lock does not hold."""

import os
import subprocess
import sys

import pytest
from support import APP

PLATFORMS = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "arm64": ["manylinux_2_28_aarch64", "manylinux_2_27_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
}


@pytest.mark.parametrize("architecture", sorted(PLATFORMS))
@pytest.mark.parametrize("python", ["3.12", "3.13"])
@pytest.mark.parametrize("runtime", ["onnx", "sklearn"])
def test_the_lock_installs_with_its_hashes(runtime, python, architecture, tmp_path):
    platforms = [arg for tag in PLATFORMS[architecture] for arg in ("--platform", tag)]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary=:all:", "--require-hashes", "--python-version", python, *platforms,
         "-d", str(tmp_path), "-r", os.path.join(APP, "requirements", f"{runtime}.txt")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    wheels = os.listdir(tmp_path)
    tag = f"cp{python.replace('.', '')}"
    numpy = [w for w in wheels if w.startswith("numpy-")]
    assert len(numpy) == 1 and tag in numpy[0] and ("aarch64" in numpy[0]) == (architecture == "arm64"), wheels
