"""The real Lambda runtime path: awslambdaric under the AWS Lambda Runtime
Interface Emulator, with moto_server as the S3 API holding the demo model.
Everything runs on loopback, on free ports, and is stopped by pid."""

import json
import os
import time

import pytest

import local_lambda

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.skipif(
    not os.path.exists(local_lambda.RIE), reason="aws-lambda-rie not built; run scripts/setup.sh"
)

TIMINGS = {}


def events(name):
    with open(os.path.join(ROOT, "app", "events", f"{name}.json")) as f:
        document = json.load(f)
    return document["event"] if "expect" in document else document


@pytest.fixture(
    scope="module",
    params=[
        (local_lambda.DEMO_MODEL, "s3"),
        (local_lambda.DEMO_PICKLE, "s3"),
        (local_lambda.DEMO_MODEL, "image"),
        (local_lambda.DEMO_PICKLE, "image"),
    ],
    ids=["onnx-s3", "sklearn-s3", "onnx-image", "sklearn-image"],
)
def running(request):
    """The function under the emulator with each runtime's demo model, fetched from S3 or in place (image)."""
    model, delivery = request.param
    with local_lambda.LocalLambda() as lam:
        if delivery == "s3":
            lam.start_s3()
            model_env = lam.upload_model(model)
        else:
            model_env = lam.local_model(model)
        lam.start_function(model_env)
        yield lam, model_env


def test_cold_then_warm_invoke(running):
    lam, model_env = running
    cold = lam.invoke(events("direct"))
    warm = lam.invoke(events("batch"))
    TIMINGS["cold_s"], TIMINGS["warm_s"] = cold.seconds, warm.seconds
    print(f"\nruntime: cold invoke {cold.seconds * 1000:.0f} ms, warm invoke {warm.seconds * 1000:.1f} ms")
    assert cold.status == 200 and warm.status == 200
    assert cold.body["predictions"] == ["setosa"]
    assert cold.body["model"] == {
        "versionId": model_env.get("MODEL_VERSION_ID"),
        "sha256": model_env["MODEL_SHA256"][:12],
    }
    assert warm.body["predictions"] == ["setosa", "versicolor", "virginica"]
    assert warm.seconds < cold.seconds
    log = lam.log("function.log")
    lines = [json.loads(s) for s in log.splitlines() if s.startswith("{") and '"request"' in s]
    assert [r["coldStart"] for r in lines[:2]] == [True, False]
    (loaded,) = [json.loads(s) for s in log.splitlines() if s.startswith("{") and '"model loaded"' in s]
    assert loaded["format"] == model_env["MODEL_FORMAT"]


def test_function_url_event_and_bad_request(running):
    lam, _ = running
    ok = lam.invoke(events("function-url"))
    assert ok.status == 200
    assert ok.body["statusCode"] == 200 and json.loads(ok.body["body"])["predictions"] == ["virginica"]
    bad = lam.invoke({"requestContext": {"http": {"method": "POST"}}, "body": json.dumps(events("bad-request"))})
    assert bad.body["statusCode"] == 400
    assert json.loads(bad.body["body"]) == {
        "error": "not_numeric",
        "message": "features[1] must be a number; got string",
    }
    # The runtime survived both: a further invoke still answers.
    assert lam.invoke(events("direct")).body["predictions"] == ["setosa"]


def test_init_fails_for_a_wrong_sha256():
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        model_env = lam.upload_model(local_lambda.DEMO_MODEL)
        lam.start_function({**model_env, "MODEL_SHA256": "0" * 64})
        result = lam.invoke(events("direct"))
        deadline = time.monotonic() + 10
        while "checksum mismatch" not in lam.log("function.log") and time.monotonic() < deadline:
            time.sleep(0.1)
        log = lam.log("function.log")
    assert result.body.get("errorType") in ("Runtime.Unknown", "ModelLoadError"), result.body
    assert "predictions" not in result.body
    assert f"checksum mismatch for s3://local-models/models/model.onnx (version {model_env['MODEL_VERSION_ID']})" in log
