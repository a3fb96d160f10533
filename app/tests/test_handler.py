import base64
import json
import os

import numpy as np
import pytest
from support import DEMO_MODEL, DEMO_SAMPLE, DEMO_SHA256, app_for, make_app

from inference import handler
from inference.runtimes.sklearn import SklearnPredictor

SETOSA = [5.1, 3.5, 1.4, 0.2]
VIRGINICA = [7.7, 3.0, 6.1, 2.3]


def http(document, b64=False):
    body = json.dumps(document)
    return {
        "version": "2.0",
        "requestContext": {"http": {"method": "POST"}},
        "body": base64.b64encode(body.encode()).decode() if b64 else body,
        "isBase64Encoded": b64,
    }


class TestDirectInvoke:
    def test_single_row(self, app, context, runtime):
        result = app({"features": SETOSA}, context)
        assert result["predictions"] == ["setosa"]
        assert len(result["probabilities"]) == 1 and len(result["probabilities"][0]) == 3
        assert abs(sum(result["probabilities"][0]) - 1) < 1e-6
        assert result["model"] == {"versionId": None, "sha256": DEMO_SHA256[runtime][:12]}

    def test_both_runtimes_give_the_same_answers(self, context):
        with open(DEMO_SAMPLE) as f:
            batch = {"instances": json.load(f)["instances"]}
        onnx, sklearn = app_for("onnx")(batch, context), app_for("sklearn")(batch, context)
        assert onnx["predictions"] == sklearn["predictions"]
        assert np.abs(np.array(onnx["probabilities"]) - np.array(sklearn["probabilities"])).max() < 1e-5

    def test_batch(self, app, context):
        result = app({"instances": [SETOSA, VIRGINICA]}, context)
        assert result["predictions"] == ["setosa", "virginica"]
        assert len(result["probabilities"]) == 2

    def test_bad_request_is_the_error_document(self, app, context):
        assert app({"features": [1, 2]}, context) == {
            "status": 400,
            "error": "wrong_feature_count",
            "message": "features has 2 values; the model takes exactly 4",
        }


class TestHttp:
    def test_proxy_response(self, app, context):
        response = app(http({"features": VIRGINICA}, b64=True), context)
        assert response["statusCode"] == 200
        assert response["headers"] == {"Content-Type": "application/json"}
        assert response["isBase64Encoded"] is False
        assert json.loads(response["body"])["predictions"] == ["virginica"]

    def test_api_gateway_v1(self, app, context):
        event = {"httpMethod": "POST", "body": json.dumps({"instances": [SETOSA]}), "requestContext": {}}
        assert json.loads(app(event, context)["body"])["predictions"] == ["setosa"]

    def test_bad_request(self, app, context):
        response = app(http({"features": [1, 2, 3, "x"]}), context)
        assert response["statusCode"] == 400
        assert json.loads(response["body"]) == {
            "error": "not_numeric",
            "message": "features[3] must be a number; got string",
        }


class BrokenModel:
    n_features_in_ = 4

    def predict(self, x):
        raise RuntimeError("secret internals /var/task/model.py line 3")


class NumpyTypesModel:
    """Answers in numpy scalars, as many estimators do."""

    n_features_in_ = 2

    def predict(self, x):
        return np.array([np.int64(3)] * len(x))

    def predict_proba(self, x):
        return np.array([[np.float32(0.25), np.float32(0.75)]] * len(x))


class TestFaults:
    def test_internal_error_is_500_without_a_trace(self, context, capsys):
        app = make_app(SklearnPredictor(BrokenModel()), version_id="v1", sha256="ab" * 6)
        response = app(http({"features": SETOSA}), context)
        assert response["statusCode"] == 500
        assert json.loads(response["body"]) == {
            "error": "internal_error",
            "message": "the model could not answer this request",
            "requestId": "req-test-0001",
        }
        assert "secret internals" not in capsys.readouterr().out

    def test_direct_internal_error(self, context):
        app = make_app(SklearnPredictor(BrokenModel()), version_id=None, sha256=None)
        assert app({"features": SETOSA}, context)["status"] == 500

    def test_numpy_results_become_json_natives(self, context):
        app = make_app(SklearnPredictor(NumpyTypesModel()), version_id="v9", sha256="cd" * 6)
        result = app({"instances": [[1, 2], [3, 4]]}, context)
        assert result == {
            "predictions": [3, 3],
            "probabilities": [[0.25, 0.75], [0.25, 0.75]],
            "model": {"versionId": "v9", "sha256": "cdcdcdcdcdcd"},
        }
        assert type(result["predictions"][0]) is int and type(result["probabilities"][0][0]) is float
        json.dumps(result)

    def test_model_without_predict_proba_has_no_probabilities(self, context):
        class Regressor:
            n_features_in_ = 1

            def predict(self, x):
                return np.asarray(x)[:, 0] * 2

        app = make_app(SklearnPredictor(Regressor()), version_id=None, sha256=None)
        assert app({"features": [1.5]}, context) == {
            "predictions": [3.0],
            "model": {"versionId": None, "sha256": None},
        }


class TestLogs:
    def test_one_json_line_per_request_with_cold_start_and_no_features(self, app, context, capsys):
        capsys.readouterr()
        app({"instances": [[1.23456, 2.5, 3.5, 4.5]]}, context)
        app({"features": [9.87654, 1, 1, 1]}, context)
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(r["message"], r["coldStart"], r["rows"], r["status"]) for r in lines] == [
            ("request", True, 1, 200),
            ("request", False, 1, 200),
        ]
        assert all(r["requestId"] == "req-test-0001" and r["latencyMs"] >= 0 for r in lines)
        text = json.dumps(lines)
        assert "1.23456" not in text and "9.87654" not in text

    def test_errors_log_their_code(self, app, context, capsys):
        capsys.readouterr()
        app({"features": []}, context)
        (line,) = [json.loads(s) for s in capsys.readouterr().out.splitlines()]
        assert line["status"] == 400 and line["error"] == "wrong_feature_count"


def test_module_handler_is_initialised_from_the_environment():
    """support.py points the module's init at the ONNX demo model, as the component deploys it by default."""
    from inference.runtimes import onnx as runtime_onnx

    assert isinstance(handler.lambda_handler.model, runtime_onnx.OnnxPredictor)
    assert handler.lambda_handler.model.n_features == 4
    assert handler.lambda_handler.served.identity == {"versionId": None, "sha256": DEMO_SHA256["onnx"][:12]}


@pytest.mark.parametrize("name", ["direct", "batch", "function-url", "apigateway-v1", "bad-request"])
def test_sample_events(app, context, name):
    import os

    with open(os.path.join(os.path.dirname(__file__), "..", "events", f"{name}.json")) as f:
        document = json.load(f)
    # A sample that expects something else than success says so: {"event": ..., "expect": {"status": N}}.
    event, expected = (document["event"], document["expect"]["status"]) if "expect" in document else (document, 200)
    result = app(event, context)
    assert result.get("statusCode", result.get("status", 200)) == expected


class TestOnePass:
    def test_demo_model_labels_from_probabilities_equal_predict(self):
        from sklearn.datasets import load_iris
        from support import predictor_for

        predictor = predictor_for("sklearn")
        assert predictor.labels_from_proba is True
        x = load_iris().data
        assert predictor.predict(x).predictions.tolist() == predictor.model.predict(x).tolist()

    def test_other_classifiers_call_predict_and_predict_proba(self):
        class Platt:
            """Like SVC(probability=True): predict is not the argmax of predict_proba."""

            n_features_in_ = 1
            classes_ = np.array(["a", "b"])

            def predict(self, x):
                return np.array(["a"] * len(x))

            def predict_proba(self, x):
                return np.array([[0.4, 0.6]] * len(x))

        predictor = SklearnPredictor(Platt())
        assert predictor.labels_from_proba is False
        assert predictor.predict(np.array([[1.0]])).predictions.tolist() == ["a"]


class TestInitFailures:
    """Every init failure takes the same path: one logged "init failed" line, then the error to the runtime."""

    @staticmethod
    def import_handler(**env):
        import subprocess
        import sys

        from support import APP

        return subprocess.run(
            [sys.executable, "-c", "import inference.handler"],
            cwd=APP,
            env={"PATH": os.environ["PATH"], **env},
            capture_output=True,
            text=True,
            check=False,
        )

    @pytest.mark.parametrize(
        "setting, error",
        [
            ({"MAX_BATCH_ROWS": "0"}, "MAX_BATCH_ROWS must be an integer from 1 to 1000000; got '0'"),
            ({"MAX_BODY_BYTES": "1MB"}, "MAX_BODY_BYTES must be an integer from 1 to 6291456; got '1MB'"),
            ({"MODEL_PATH": "/nonexistent/model.onnx"}, "model not found: local file /nonexistent/model.onnx"),
            ({"MODEL_FORMAT": "pmml"}, "MODEL_FORMAT must be one of onnx, sklearn; got 'pmml'"),
            ({"MODEL_SHA256": "abc"}, "MODEL_SHA256 must be 64 hex characters (a sha256); got 'abc'"),
            (
                {"INIT_BUDGET_SECONDS": "ten"},
                "INIT_BUDGET_SECONDS must be a number of seconds from 1 to 900; got 'ten'",
            ),
            ({"METRICS_NAMESPACE": "AWS/Lambda"}, "METRICS_NAMESPACE is not a CloudWatch namespace; got 'AWS/Lambda'"),
            (
                {"MODEL_PATH": DEMO_MODEL, "MODEL_SHA256": ""},
                f"refusing to load local file {DEMO_MODEL}: a sklearn model is a pickle, which runs code when "
                "loaded, and MODEL_SHA256 is not set to verify it first",
            ),
        ],
    )
    def test_logged_once_then_raised(self, demo_metadata, setting, error):
        from support import DEMO_ONNX

        env = {"MODEL_PATH": DEMO_ONNX, "MODEL_SHA256": DEMO_SHA256["onnx"], **setting}
        result = self.import_handler(**env)
        assert result.returncode == 1
        logged = [json.loads(s) for s in result.stdout.splitlines()]
        assert [{k: v for k, v in line.items() if k != "initMs"} for line in logged] == [
            {"level": "ERROR", "message": "init failed", "error": error}
        ]
        assert 0 < logged[0]["initMs"] < 10_000, "how long init ran before it failed"
        assert result.stderr.strip().splitlines()[-1].endswith(error)
