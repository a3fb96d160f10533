"""What the security review found, each with the test that fails without its fix."""

import json
import os

import numpy as np
import pytest
from support import app_for, make_app

from inference import handler
from inference.runtimes.sklearn import SklearnPredictor
from inference.storage import model_store
from inference.storage.model_store import ModelLoadError, ModelSource
from inference.storage.s3 import S3Client, S3Failure

HUGE = {"features": [1e308, 1e308, 1e308, 1e308]}


def strict_json(text):
    """json.loads that refuses NaN and Infinity, as every JSON parser but Python's does."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def url_event(document):
    return {"requestContext": {"http": {"method": "POST"}}, "body": json.dumps(document)}


class TestNoNonFiniteAnswers:
    def test_a_function_url_request_the_model_overflows_on_gets_422_in_strict_json(self, context):
        response = app_for("sklearn")(url_event(HUGE), context)
        assert response["statusCode"] == 422
        assert strict_json(response["body"]) == {
            "error": "non_finite_output",
            "message": "the model's answer for features is not a finite number: the input is outside what the model "
            "can answer",
        }

    def test_a_direct_invoke_too(self, context):
        answer = app_for("sklearn")({"instances": [[5.1, 3.5, 1.4, 0.2], [1e308, 1e308, 1e308, 1e308]]}, context)
        assert answer["status"] == 422 and answer["message"].startswith("the model's answer for instances[1] is")
        strict_json(json.dumps(answer))

    def test_the_float32_runtime_refuses_such_input_before_the_model(self, context):
        assert app_for("onnx")(HUGE, context)["error"] == "out_of_range"

    def test_a_regressor_that_answers_infinity(self, context):
        class Exploding:
            n_features_in_ = 1

            def predict(self, x):
                return np.where(np.asarray(x)[:, 0] > 1, np.inf, 1.0)

        app = make_app(SklearnPredictor(Exploding()), version_id=None, sha256=None)
        assert app({"instances": [[0.5], [2.0]]}, context)["error"] == "non_finite_output"
        assert app({"instances": [[0.5]]}, context)["predictions"] == [1.0]

    def test_log_lines_are_strict_json_too(self, capsys, context):
        capsys.readouterr()
        app_for("sklearn")(HUGE, context)
        for line in capsys.readouterr().out.splitlines():
            strict_json(line)
        with pytest.raises(ValueError):
            handler.log("INFO", "x", value=float("nan"))


class TestAccessDeniedSaysWhichCauseIsLikely:
    @pytest.mark.parametrize(
        "s3_message, cause",
        [
            (
                "User: arn:aws:sts::1:assumed-role/r/fn is not authorized to perform: kms:Decrypt on resource: "
                "arn:aws:kms:us-east-1:1:key/k because no identity-based policy allows the kms:Decrypt action",
                "the object is encrypted with a KMS key the role may not use: give the component that key as "
                "kmsKeyArn, which lets the role decrypt with it",
            ),
            (
                "Access Denied",
                "the role may read only the deployed model object (and, if the bucket encrypts with a "
                "customer-managed KMS key, give that key as kmsKeyArn)",
            ),
        ],
    )
    def test_kms_or_object_scope(self, tmp_path, monkeypatch, s3_message, cause):
        def denied(self, *args, **kwargs):
            raise S3Failure("AccessDenied", 403, s3_message)

        monkeypatch.setattr(S3Client, "download", denied)
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource("b", "k", "v1", "0" * 64), str(tmp_path), S3Client("us-east-1"))
        assert str(info.value) == f"access denied reading s3://b/k (version v1): {cause}"


def test_partial_downloads_of_an_interrupted_init_are_removed_before_downloading_again(tmp_path, monkeypatch):
    for name in (".download-a1b2", ".download-c3d4"):
        (tmp_path / name).write_bytes(b"x" * 1000)
    (tmp_path / "other.txt").write_text("kept")
    data = b"model bytes"

    def download(self, bucket, key, version_id, path, *, deadline=None, digest=None):
        assert model_store.cache_files(tmp_path) == sorted(["other.txt", os.path.basename(path)]), "cleared first"
        with open(path, "wb") as f:
            f.write(data)
        digest.update(data)

    monkeypatch.setattr(S3Client, "download", download)
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    path = model_store.fetch(ModelSource("b", "k", "v1", digest), str(tmp_path), S3Client("us-east-1"))
    assert model_store.cache_files(tmp_path) == sorted(["other.txt", os.path.basename(path)])


@pytest.mark.parametrize("value", ["abc", "0" * 63, "g" * 64, "0" * 65])
def test_model_sha256_must_be_a_sha256(value):
    from inference.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        ModelSource.from_env({"MODEL_PATH": "/var/task/model/model.onnx", "MODEL_SHA256": value})
    assert str(info.value) == f"MODEL_SHA256 must be 64 hex characters (a sha256); got {value!r}"
