"""Shared fixtures. The handler loads its model at import, as Lambda's init
does, so the demo model is configured through the environment first."""

import json
import os
import sys

import pytest

APP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(APP, "model")
DEMO_MODEL = os.path.join(MODEL_DIR, "model.joblib")
with open(os.path.join(MODEL_DIR, "model.json")) as f:
    DEMO_METADATA = json.load(f)

FUNCTION = os.path.join(APP, "function")
sys.path.insert(0, FUNCTION)
os.environ["MODEL_PATH"] = DEMO_MODEL
os.environ["MODEL_SHA256"] = DEMO_METADATA["sha256"]


@pytest.fixture
def demo_metadata():
    return DEMO_METADATA


class Context:
    aws_request_id = "req-test-0001"


@pytest.fixture
def context():
    return Context()


@pytest.fixture
def app():
    """A fresh App (cold) around the one demo model the handler module loaded."""
    import handler
    from validation import Limits

    return handler.App(handler.lambda_handler.predictor, Limits())
