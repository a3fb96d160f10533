"""inference/__init__.py: what importing the package does first, before any module of it loads."""

import os
import subprocess
import sys

import pytest
from support import APP

MODEL = os.path.join(APP, "model", "model.onnx")
SESSION = f"import onnxruntime as ort\nort.InferenceSession({MODEL!r}, providers=['CPUExecutionProvider'])\n"


def cache_after(home, first_import, **env):
    """What ONNX Runtime left under $HOME after `first_import` and a session, in a fresh interpreter."""
    subprocess.run(
        [sys.executable, "-c", first_import + SESSION],
        cwd=APP,
        env={"PATH": os.environ["PATH"], "HOME": str(home), **env},
        check=True,
        capture_output=True,
    )
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())


@pytest.mark.parametrize("first_import", ["import inference\n", "import convert\n"])
def test_onnx_runtime_keeps_and_sends_no_telemetry_once_the_app_is_imported(tmp_path, first_import):
    assert cache_after(tmp_path, first_import) == []


def test_without_it_onnx_runtime_keeps_a_device_id_and_events_under_home(tmp_path):
    """What the line in inference/__init__.py prevents: ONNX Runtime's own default on Linux."""
    assert cache_after(tmp_path, "") == [
        ".cache/Microsoft/DeveloperTools/.onnxruntime/deviceid",
        ".cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db",
    ]


def test_an_environment_that_sets_it_itself_is_left_as_it_is(tmp_path):
    assert cache_after(tmp_path, "import inference\n", ORT_DISABLE_TELEMETRY="0") != []
