"""A type checker over programs using the generated SDK: a correct one passes, mistakes are caught."""

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--no-incremental", path.name],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_correct_program_type_checks() -> None:
    result = mypy(HERE / "program.py")
    assert (result.returncode, result.stdout) == (0, "")


def test_each_mistake_is_caught_on_its_line() -> None:
    result = mypy(HERE / "misuse.py")
    assert result.returncode == 1
    errors = re.findall(r"^misuse\.py:(\d+): error: (.*)$", result.stdout, re.M)
    assert errors == [
        (
            "6",
            'Unexpected keyword argument "memory_sise" for "InferenceFunctionArgs"; '
            'did you mean "memory_size"?  [call-arg]',
        ),
        (
            "7",
            'Argument "memory_size" to "InferenceFunctionArgs" has incompatible type "str"; '
            'expected "float | None"  [arg-type]',
        ),
        (
            "8",
            'Argument "enable_function_url" to "InferenceFunctionArgs" has incompatible type "str"; '
            'expected "bool | None"  [arg-type]',
        ),
        (
            "10",
            '"InferenceFunction" has no attribute "function_ur1"; maybe "function_url" or "function_arn"?  '
            "[attr-defined]",
        ),
        (
            "11",
            'Unexpected keyword argument "model_pth" for overloaded function "InferenceFunction"; '
            'did you mean "model_path"?  [call-overload]',
        ),
        ("11", 'No overload variant of "InferenceFunction" matches argument types "str", "str"  [call-overload]'),
    ]
    marked = {str(n) for n, line in enumerate((HERE / "misuse.py").read_text().splitlines(), 1) if "# error:" in line}
    assert {line for line, _ in errors} == marked
