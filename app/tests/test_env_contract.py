"""The environment names the app reads are exactly the ones the component reserves (plus the limits users set).

A name the app reads but the component does not reserve could be set through the component's `environment`
and point the function at another model or another S3 API (the security review's item 7)."""

import ast
import os
import re

from conftest import FUNCTION

ROOT = os.path.dirname(os.path.dirname(FUNCTION))
ENV_NAME = re.compile(r"(MODEL|AWS|MAX)_[A-Z0-9_]+")


def names_the_app_reads():
    """Every string constant in the function's code that is an environment variable name (env.get("X"),
    env["X"], helpers given the name): its reads of the environment."""
    found = set()
    for name in os.listdir(FUNCTION):
        if name.endswith(".py"):
            with open(os.path.join(FUNCTION, name)) as f:
                tree = ast.parse(f.read())
            found |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value)
            }
    return found


def ts_array(source, name):
    """The string items of `export const NAME = [...]` in components/defaults.ts, spreads resolved."""
    body = re.search(rf"export const {name} = \[(.*?)\]", source, re.S).group(1)
    items = set(re.findall(r'"([A-Z0-9_]+)"', body))
    for spread in re.findall(r"\.\.\.([A-Z_]+)", body):
        items |= ts_array(source, spread)
    return items


def test_the_component_reserves_what_the_app_reads_and_nothing_else():
    with open(os.path.join(ROOT, "components", "defaults.ts")) as f:
        source = f.read()
    reserved = ts_array(source, "RESERVED_APP_ENV")
    user_settings = ts_array(source, "APP_LIMIT_SETTINGS")
    assert names_the_app_reads() == reserved | user_settings
    assert user_settings == {"MAX_BATCH_ROWS", "MAX_BODY_BYTES"}
    assert {"MODEL_PATH", "MODEL_FORMAT", "MODEL_CACHE_DIR", "AWS_ENDPOINT_URL_S3"} <= reserved
