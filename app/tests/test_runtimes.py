"""Choosing and loading a runtime: MODEL_FORMAT, the image's runtime, and inputs the model's type cannot hold."""

import importlib.util

import numpy as np
import pytest
from support import DEMO_ONNX, app_for

from inference import runtimes
from inference.errors import BadRequest, ConfigError, ModelLoadError
from inference.limits import Limits
from inference.protocols.native.rows import rows_from_document
from inference.runtimes import onnx as runtime_onnx


class TestModelFormat:
    @pytest.mark.parametrize(
        "location, expected",
        [("models/m.onnx", "onnx"), ("m.ONNX", "onnx"), ("m.joblib", "sklearn"), ("a/m.pkl", "sklearn"),
         ("m.pickle", "sklearn")],
    )  # fmt: skip
    def test_from_the_extension_when_unset(self, location, expected):
        assert runtimes.model_format({}, location) == expected

    def test_the_declared_format_wins(self):
        assert runtimes.model_format({"MODEL_FORMAT": "sklearn"}, "model.onnx") == "sklearn"

    @pytest.mark.parametrize("location", ["models/model", "models.v2/model", "m.bin"])
    def test_neither_set_nor_told_by_the_name(self, location):
        with pytest.raises(ConfigError) as info:
            runtimes.model_format({}, location)
        assert str(info.value) == (
            f"MODEL_FORMAT is not set and the model's name ({location}) does not tell: "
            "set MODEL_FORMAT to onnx or sklearn"
        )

    def test_an_unknown_format(self):
        with pytest.raises(ConfigError, match=r"^MODEL_FORMAT must be one of onnx, sklearn; got 'xgboost'$"):
            runtimes.model_format({"MODEL_FORMAT": "xgboost"}, "m.onnx")


class TestImageRuntime:
    @pytest.mark.parametrize("fmt, library", [("sklearn", "sklearn"), ("onnx", "onnxruntime")])
    def test_a_format_the_image_lacks_names_the_target_to_build(self, monkeypatch, fmt, library):
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == library else real(name, *a))
        with pytest.raises(ModelLoadError) as info:
            runtimes.runtime(fmt)
        assert str(info.value) == (
            f"MODEL_FORMAT is {fmt}, but this image has no {library}: build app/Dockerfile's `{fmt}` target "
            "(the component picks it from modelFormat)"
        )


class TestOnnxModels:
    def test_one_session_with_one_thread_per_pool(self):
        model = runtime_onnx.load(DEMO_ONNX, "demo")
        options = model.session.get_session_options()
        assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
        assert model.session.get_providers() == ["CPUExecutionProvider"]
        assert (model.n_features, model.input_dtype, model.classifier, model.has_proba) == (4, np.float32, True, True)

    def test_a_file_that_is_not_onnx(self, tmp_path):
        bad = tmp_path / "model.onnx"
        bad.write_bytes(b"\x80\x04 a pickle, not a graph")
        with pytest.raises(ModelLoadError, match=r"^could not load the ONNX model from demo: "):
            runtime_onnx.load(str(bad), "demo")

    def test_values_beyond_float32_are_the_callers_error(self, context):
        app = app_for("onnx")
        assert app({"features": [1e308, 1.0, 1.0, 1.0]}, context) == {
            "status": 400,
            "error": "out_of_range",
            "message": "features[0] is beyond the range of the model's float32 input",
        }
        answer = app({"instances": [[1.0, 2.0, 3.0, 4.0], [5.0, -3.5e38, 1.0, 1.0]]}, context)
        assert answer["message"] == "instances[1][1] is beyond the range of the model's float32 input"
        # float32's largest value itself reaches the model (whose answer may then be non-finite: a 422);
        # the float64 runtime takes any finite input.
        assert app_for("onnx")({"features": [3.4e38, 1.0, 1.0, 1.0]}, context).get("error") != "out_of_range"
        assert "predictions" in app_for("onnx")({"features": [1e30, 1.0, 1.0, 1.0]}, context)
        assert app_for("sklearn")({"features": [1e300, 1.0, 1.0, 1.0]}, context).get("error") != "out_of_range"

    def test_validation_returns_the_models_input_type(self):
        x = rows_from_document({"features": [1, 2.5]}, 2, Limits(), np.float32)
        assert (x.dtype, x.tolist()) == (np.float32, [[1.0, 2.5]])
        with pytest.raises(BadRequest):
            rows_from_document({"instances": [[1e39, 0]]}, 2, Limits(), np.float32)
