"""The environment the app reads is exactly what contract.json declares, and the component reserves
it from the same file (components/defaults.ts builds RESERVED_APP_ENV from it).

A name the app reads but the component does not reserve could be set through the component's
`environment` and point the function at another model or another S3 API."""

import ast
import json
import os
from collections.abc import Iterator

from support import DEMO_ONNX, DEMO_SHA256, PACKAGE

from inference.app import build
from inference.contract import (
    CAPTURE_ENV,
    EXTENSIONS_ENV,
    JOBS_ENV,
    LAMBDA_ENV,
    LIMITS,
    MODEL_ENV,
    S3_ENV,
    SETTINGS_ENV,
    TEXT_ENV,
)
from inference.limits import Limits
from inference.storage import model_store
from inference.storage.s3 import S3Client

ENV_PREFIXES = ("MODEL_", "AWS_", "MAX_", "CAPTURE_")
# The AWS CRT's error names (AWS_ERROR_S3_SLOW_DOWN, ...): never an environment variable.
NOT_ENV_PREFIXES = ("AWS_ERROR_",)


def contract_names():
    with open(os.path.join(PACKAGE, "contract.json")) as f:
        environment = json.load(f)["environment"]
    named = ("model", "settings", "jobs", "capture", "s3", "text", "lambda", "extensions")
    return {name for section in named for name in environment[section].values()} | {
        limit["name"] for limit in environment["limits"].values()
    }


def literal_names():
    """Every string constant in the app that looks like a variable name it might read."""
    found = set()
    for folder, _, files in os.walk(PACKAGE):
        for name in (n for n in files if n.endswith(".py")):
            with open(os.path.join(folder, name)) as f:
                tree = ast.parse(f.read())
            found |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith(ENV_PREFIXES)
                and not node.value.startswith(NOT_ENV_PREFIXES)
                and node.value.replace("_", "").isalnum()
                and node.value.isupper()
            }
    return found


class RecordingEnv(dict):
    """An environment that remembers every name asked of it."""

    def __init__(self, values):
        super().__init__(values)
        self.asked = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the app must ask for names, not list the environment")


def test_the_names_in_the_code_are_the_contracts():
    assert literal_names() <= contract_names()
    sections = (MODEL_ENV, SETTINGS_ENV, JOBS_ENV, CAPTURE_ENV, S3_ENV, TEXT_ENV, LAMBDA_ENV, EXTENSIONS_ENV)
    declared = {name for section in sections for name in section}
    assert declared | {limit.name for limit in LIMITS.values()} == contract_names()


def test_init_reads_only_what_the_contract_declares():
    env = RecordingEnv({MODEL_ENV.path: DEMO_ONNX, MODEL_ENV.sha256: DEMO_SHA256["onnx"]})
    build(env)
    s3 = RecordingEnv({MODEL_ENV.bucket: "b", MODEL_ENV.key: "k", MODEL_ENV.sha256: "a" * 64})
    model_store.ModelSource.from_env(s3)
    model_store.cache_dir_of(s3)
    S3Client.from_env(s3)
    Limits.from_env(s3)
    asked = env.asked | s3.asked
    assert asked <= contract_names()
    assert {MODEL_ENV.path, MODEL_ENV.sha256, MODEL_ENV.format, MODEL_ENV.bucket, "AWS_ENDPOINT_URL_S3"} <= asked
    lambda_sets = set(LAMBDA_ENV)
    assert {SETTINGS_ENV.metrics_namespace, SETTINGS_ENV.init_budget_seconds, *lambda_sets} <= asked
    assert {JOBS_ENV.async_output_uri, JOBS_ENV.async_input_prefixes, JOBS_ENV.batch_output_uri} <= asked
    assert {CAPTURE_ENV.uri, CAPTURE_ENV.dir} <= asked
    assert (
        {limit.name for limit in LIMITS.values()}
        == {"MAX_BATCH_ROWS", "MAX_BODY_BYTES", "MAX_QUEUED_INPUT_BYTES", "MAX_TEXT_CHARS"}
        <= asked
    )
