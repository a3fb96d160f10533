"""The environment the app reads is exactly what contract.json declares, and the component reserves
it from the same file (components/defaults.ts builds RESERVED_APP_ENV from it).

A name the app reads but the component does not reserve could be set through the component's
`environment` and point the function at another model or another S3 API."""

import ast
import json
import os
from collections.abc import Iterator

from conftest import DEMO_ONNX, DEMO_SHA256, PACKAGE

from inference import handler, model_store
from inference.contract import (
    CAPTURE_ENV,
    EXTENSIONS_ENV,
    JOBS_ENV,
    LAMBDA_ENV,
    LIMIT_DEFAULTS,
    MODEL_ENV,
    S3_ENV,
    SETTINGS_ENV,
)
from inference.s3_download import S3Downloader
from inference.validation import Limits

ENV_PREFIXES = ("MODEL_", "AWS_", "MAX_", "CAPTURE_")


def contract_names():
    with open(os.path.join(PACKAGE, "contract.json")) as f:
        environment = json.load(f)["environment"]
    return (
        set(environment["model"].values())
        | set(environment["settings"].values())
        | set(environment["jobs"].values())
        | set(environment["capture"].values())
        | set(environment["s3"])
        | set(environment["lambda"])
        | set(environment["extensions"])
        | set(environment["limits"])
    )


def literal_names():
    """Every string constant in the app that looks like a variable name it might read."""
    found = set()
    for name in os.listdir(PACKAGE):
        if name.endswith(".py"):
            with open(os.path.join(PACKAGE, name)) as f:
                tree = ast.parse(f.read())
            found |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith(ENV_PREFIXES)
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
    declared = (
        {getattr(MODEL_ENV, f) for f in MODEL_ENV.__slots__}
        | {getattr(SETTINGS_ENV, f) for f in SETTINGS_ENV.__slots__}
        | {getattr(JOBS_ENV, f) for f in JOBS_ENV.__slots__}
        | {getattr(CAPTURE_ENV, f) for f in CAPTURE_ENV.__slots__}
    )
    lambda_sets = set(LAMBDA_ENV) | set(EXTENSIONS_ENV)
    assert declared | set(S3_ENV) | lambda_sets | set(LIMIT_DEFAULTS) == contract_names()


def test_init_reads_only_what_the_contract_declares():
    env = RecordingEnv({MODEL_ENV.path: DEMO_ONNX, MODEL_ENV.sha256: DEMO_SHA256["onnx"]})
    handler.init(env)
    s3 = RecordingEnv({MODEL_ENV.bucket: "b", MODEL_ENV.key: "k", MODEL_ENV.sha256: "a" * 64})
    model_store.ModelSource.from_env(s3)
    model_store.cache_dir_of(s3)
    S3Downloader.from_env(s3)
    Limits.from_env(s3)
    asked = env.asked | s3.asked
    assert asked <= contract_names()
    assert {MODEL_ENV.path, MODEL_ENV.sha256, MODEL_ENV.format, MODEL_ENV.bucket, "AWS_ENDPOINT_URL_S3"} <= asked
    assert {SETTINGS_ENV.metrics_namespace, SETTINGS_ENV.init_budget_seconds, *LAMBDA_ENV} <= asked
    assert {JOBS_ENV.async_output_uri, JOBS_ENV.async_input_prefixes, JOBS_ENV.batch_output_uri} <= asked
    assert {CAPTURE_ENV.uri, CAPTURE_ENV.dir} <= asked
    assert set(LIMIT_DEFAULTS) == {"MAX_BATCH_ROWS", "MAX_BODY_BYTES"} <= asked
