"""The app's shape stays as reshaped: the module the image's CMD names is set-up only, and no function of
the function's package grows past what a reader takes in at once (the bar the reshaping set)."""

import ast
import os

from support import PACKAGE

MAX_FUNCTION_LINES = 40
MAX_HANDLER_LINES = 80


def functions():
    for folder, _, files in os.walk(PACKAGE):
        for name in (n for n in files if n.endswith(".py")):
            path = os.path.join(folder, name)
            with open(path) as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    assert node.end_lineno is not None
                    yield os.path.relpath(path, PACKAGE), node.name, node.end_lineno - node.lineno + 1


def test_no_function_of_the_package_is_longer_than_the_bar():
    long = [f"{path}:{name} ({lines} lines)" for path, name, lines in functions() if lines > MAX_FUNCTION_LINES]
    assert long == []


def test_the_handler_module_is_set_up_only():
    with open(os.path.join(PACKAGE, "handler.py")) as f:
        lines = f.read().splitlines()
    assert len(lines) < MAX_HANDLER_LINES
    assert lines[-1] == "lambda_handler = _init_or_log()"


def test_layers_never_import_upwards():
    """Sources call protocols, protocols runtimes, runtimes nothing above them; storage knows no event."""
    forbidden = {
        "protocols": ("sources", "app", "handler", "capture"),
        "runtimes": ("sources", "protocols", "storage", "app", "handler", "capture"),
        "storage": ("sources", "protocols", "runtimes", "app", "handler", "capture"),
    }
    found = []
    for layer, above in forbidden.items():
        for folder, _, files in os.walk(os.path.join(PACKAGE, layer)):
            for name in (n for n in files if n.endswith(".py")):
                with open(os.path.join(folder, name)) as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.ImportFrom) and node.module:
                        top = node.module.split(".")[0]
                        if node.level >= 2 and top in above:
                            found.append(f"{layer}/{name} imports {node.module}")
    assert found == []
