"""Many models behind one function (repository.py, protocols/many.py): the manifest read and refused by
name, models loaded on first use and evicted least recently used under the byte budget, a model that fails
to load answering 503 for itself alone and loading on a later request, and every route: the protocol's
/v2/models/{name}, the native POST /models/{name} and a document's `model`, the repository index, the batch
transform and the metrics naming the model that answered."""

import hashlib
import json
import os
import time

import pytest
from support import CREDENTIALS, Context, empty_s3

from inference.app import build
from inference.errors import ConfigError, ModelLoadError, NotFound, Unavailable
from inference.models import ServedModel
from inference.repository import Entry, Repository, read_manifest
from inference.storage.model_store import ModelSource

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IRIS = os.path.join(ROOT, "app", "model", "model.onnx")
WINE = os.path.join(ROOT, "examples", "your-own-model", "model", "model.onnx")
TEXT = os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx")
BUCKET = "models-bucket"
ROW = [5.1, 3.5, 1.4, 0.2]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(name: str, size: int = 10) -> Entry:
    return Entry(name, ModelSource(BUCKET, f"{name}/model.onnx", None, "a" * 64), "onnx", size)


class Loads:
    """A loader that records what it loads and fails for the names in `failing`."""

    def __init__(self, failing=()):
        self.calls: list[str] = []
        self.failing = set(failing)

    def __call__(self, e: Entry) -> ServedModel:
        self.calls.append(e.name)
        if e.name in self.failing:
            raise ModelLoadError(f"checksum mismatch for {e.name}")
        return ServedModel(e.name, object(), "b" * 64, "v1")  # type: ignore[arg-type]


def test_models_load_on_first_use_and_the_least_recently_used_leave_first():
    loads = Loads()
    repository = Repository([entry("a"), entry("b"), entry("c")], loads, budget_bytes=25)
    forgotten: list[str] = []
    repository.evicted.append(forgotten.append)
    assert [row["state"] for row in repository.index()] == ["UNLOADED"] * 3
    repository.get("a")
    repository.get("b")
    repository.get("a")  # a is now the most recent
    repository.get("c")  # 30 bytes would not fit 25: b goes
    assert (loads.calls, forgotten, list(repository.loaded)) == (["a", "b", "c"], ["b"], ["a", "c"])
    assert repository.index() == [
        {"name": "a", "version": "v1", "state": "READY"},
        {"name": "b", "state": "UNLOADED"},
        {"name": "c", "version": "v1", "state": "READY"},
    ]
    with pytest.raises(NotFound, match=r"^model 'd' is not served here; this function serves 'a', 'b', 'c'$"):
        repository.get("d")


def test_a_model_that_fails_to_load_is_a_503_for_itself_and_is_tried_again():
    loads = Loads(failing={"b"})
    repository = Repository([entry("a"), entry("b")], loads, budget_bytes=100)
    with pytest.raises(Unavailable) as failed:
        repository.get("b")
    assert (failed.value.status, failed.value.code) == (503, "model_unavailable")
    assert str(failed.value) == (
        "model 'b' could not be loaded (checksum mismatch for b); it is tried again on the next request"
    )
    assert repository.get("a").name == "a"
    assert repository.index()[1] == {"name": "b", "state": "UNAVAILABLE", "reason": "checksum mismatch for b"}
    loads.failing.clear()
    assert repository.get("b").name == "b" and loads.calls == ["b", "a", "b"]
    assert repository.index()[1]["state"] == "READY"


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("[]", "the models' manifest must list from 1 to 100 models"),
        ('{"models": [1]}', "models[0] must be an object"),
        ('{"models": [{"name": "a b"}]}', "models[0].name must be a model name; got 'a b'"),
        ('{"models": [{"name": "a", "bucket": "b"}]}', "models[0] (a) must give its bucket and key"),
        ('{"models": [{"name": "a", "bucket": "b", "key": "k", "sha256": "x"}]}',
         "models[0] (a).sha256 must be 64 hex characters"),
        ('{"models": [{"name": "a", "bucket": "b", "key": "k", "sha256": "' + "a" * 64 + '"}]}',
         "models[0] (a).bytes must be the model's size in bytes"),
    ],
)  # fmt: skip
def test_a_malformed_manifest_is_refused_naming_what_is_wrong(manifest, message):
    with pytest.raises(ConfigError) as refused:
        read_manifest(manifest)
    assert str(refused.value) == message


def test_a_manifest_that_names_a_model_twice_is_refused():
    item = {"name": "a", "bucket": "b", "key": "k", "sha256": "a" * 64, "bytes": 1}
    with pytest.raises(ConfigError, match=r"^the models' manifest names a more than once$"):
        read_manifest(json.dumps({"models": [item, item]}))


def upload(s3, name: str, path: str, files=()) -> dict:
    """One model in the bucket under a key of its own, as the component puts it; its manifest item."""
    folder = os.path.dirname(path)
    data = open(path, "rb").read()  # noqa: SIM115
    version = s3.put_object(Bucket=BUCKET, Key=f"models/{name}/model.onnx", Body=data)["VersionId"]
    item = {"name": name, "bucket": BUCKET, "key": f"models/{name}/model.onnx", "versionId": version,
            "sha256": sha(data), "format": "onnx", "bytes": len(data), "files": {}}  # fmt: skip
    for file in files:
        body = open(os.path.join(folder, file), "rb").read()  # noqa: SIM115
        put = s3.put_object(Bucket=BUCKET, Key=f"models/{name}/{file}", Body=body)
        item["files"][file] = {"sha256": sha(body), "versionId": put["VersionId"]}
        item["bytes"] += len(body)
    return item


@pytest.fixture
def many(endpoint, monkeypatch, tmp_path):
    """A function with three models (iris, wine, a text classifier) and its manifest, built as init builds it."""
    s3 = empty_s3(endpoint, monkeypatch, BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    items = [upload(s3, "iris", IRIS), upload(s3, "wine", WINE),
             upload(s3, "sentiment", TEXT, ("tokenizer.json", "config.json"))]  # fmt: skip

    def make(items=items, **env):
        # Init's budget counts from this build, as it would from the function's first import.
        monkeypatch.setattr("inference.settings.INIT_STARTED", time.perf_counter())
        body = json.dumps({"models": items}).encode()
        version = s3.put_object(Bucket=BUCKET, Key="models/manifest.json", Body=body)["VersionId"]
        manifest = {"bucket": BUCKET, "key": "models/manifest.json", "versionId": version, "sha256": sha(body)}
        environment = {**CREDENTIALS, "AWS_ENDPOINT_URL_S3": endpoint, "MODELS_MANIFEST": json.dumps(manifest),
                       "MODEL_CACHE_DIR": str(tmp_path / "cache"), **env}  # fmt: skip
        return build(environment)

    make.items = items  # type: ignore[attr-defined]
    make.s3 = s3  # type: ignore[attr-defined]
    return make


def url(method: str, path: str, body: object = None) -> dict:
    return {
        "version": "2.0", "rawPath": path, "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": method, "path": path}},
        **({"body": json.dumps(body)} if body is not None else {}),
    }  # fmt: skip


def answer(app, event) -> tuple[int, dict]:
    reply = app(event, Context())
    return reply["statusCode"], json.loads(reply["body"])


def test_each_model_answers_under_its_name_on_every_route(many, capsys):
    app = many(PRELOAD_MODELS="iris")
    assert answer(app, url("POST", "/models/iris", {"features": ROW}))[1]["predictions"] == ["setosa"]
    wine = json.load(open(os.path.join(os.path.dirname(WINE), "model.json")))  # noqa: SIM115
    status, body = answer(app, url("POST", "/models/wine", {"instances": wine["sample"]["instances"][:1]}))
    assert status == 200 and len(body["predictions"]) == 1
    assert app({"model": "sentiment", "features": "a fine film"}, Context())["maxLength"] == 64
    status, metadata = answer(app, url("GET", "/v2/models/wine"))
    assert (status, metadata["name"], metadata["inputs"][0]["shape"][-1]) == (200, "wine", 13)
    request = {"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32", "data": ROW}]}
    metadata = answer(app, url("GET", "/v2/models/iris"))[1]
    request["inputs"][0]["name"] = metadata["inputs"][0]["name"]
    status, inferred = answer(app, url("POST", "/v2/models/iris/infer", request))
    assert (status, inferred["model_name"]) == (200, "iris")
    assert answer(app, url("GET", "/v2/models/iris/ready")) == (200, {"name": "iris", "ready": True})
    assert answer(app, url("GET", "/v2/health/ready")) == (200, {"ready": True})
    status, index = answer(app, url("POST", "/v2/repository/index"))
    assert [(m["name"], m["state"]) for m in index] == [
        ("iris", "READY"), ("wine", "READY"), ("sentiment", "READY")
    ]  # fmt: skip
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"message": "request"' in line]
    assert [line.get("ModelName") for line in lines][:3] == ["iris", "wine", "sentiment"]
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName", "Version"],
                                                                       ["FunctionName", "ModelName"]]  # fmt: skip


def test_an_unknown_or_missing_name_is_refused_listing_the_models(many):
    app = many()
    assert answer(app, url("POST", "/models/nope", {"features": ROW})) == (404, {
        "error": "unknown_model",
        "message": "model 'nope' is not served here; this function serves 'iris', 'wine', 'sentiment'",
    })  # fmt: skip
    status, body = answer(app, url("GET", "/v2/models/nope"))
    assert (status, body["code"]) == (404, "unknown_model")
    assert app({"features": ROW}, Context()) == {
        "status": 400, "error": "model_required",
        "message": 'name the model in the document\'s "model" field (or POST /models/{name}): this function serves '
                   "'iris', 'wine', 'sentiment'",
    }  # fmt: skip


def test_a_model_that_cannot_load_answers_503_and_the_others_keep_answering(many):
    broken = [{**many.items[0], "sha256": "0" * 64}, *many.items[1:]]
    app = many(items=broken)
    status, body = answer(app, url("POST", "/models/iris", {"features": ROW}))
    assert (status, body["error"]) == (503, "model_unavailable")
    assert body["message"].startswith("model 'iris' could not be loaded (checksum mismatch for s3://models-bucket/")
    assert answer(app, url("GET", "/v2/models/wine"))[0] == 200
    index = answer(app, url("POST", "/v2/repository/index"))[1]
    assert index[0]["state"] == "UNAVAILABLE" and index[1]["state"] == "READY"


def test_the_byte_budget_evicts_the_least_recently_used(many):
    sizes = [item["bytes"] for item in many.items]
    app = many(MODEL_CACHE_BYTES=str(max(sizes[0] + sizes[1], sizes[1] + sizes[2]) + 1))
    for name in ("iris", "wine", "sentiment"):
        app({"model": name, "instances": [ROW]} if name == "iris" else {"model": name, "features": "x"}, Context())
    states = {m["name"]: m["state"] for m in answer(app, url("POST", "/v2/repository/index"))[1]}
    assert states == {"iris": "UNLOADED", "wine": "READY", "sentiment": "READY"}
    # Loaded again on its next request, from the verified copy in /tmp.
    assert app({"model": "iris", "features": ROW}, Context())["predictions"] == ["setosa"]


def test_a_batch_names_its_model(many):
    app = many()
    items = [{"index": i, "row": {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}
             for i in range(2)]  # fmt: skip
    scored = app({"Items": items, "BatchInput": {"model": "iris"}}, Context())
    assert [json.loads(line)["prediction"] for line in scored["lines"].splitlines()] == ["setosa", "setosa"]
    from inference.sources.item_batch import BatchError

    with pytest.raises(BatchError, match=r"^name the model to score with: this function serves 'iris', "):
        app({"Items": items, "BatchInput": {}}, Context())


def test_a_queued_message_names_its_model_in_its_input(many):
    from test_queue import sqs_event

    app = many(ASYNC_OUTPUT_URI=f"s3://{BUCKET}/async/")
    answer = app(sqs_event({"id": "q1", "input": {"model": "iris", "features": ROW}},
                           {"id": "q2", "input": {"features": ROW}}), Context())  # fmt: skip
    assert answer == {"batchItemFailures": []}
    written = json.loads(many.s3.get_object(Bucket=BUCKET, Key="async/q1.json")["Body"].read())
    assert (written["id"], written["predictions"]) == ("q1", ["setosa"])
    refused = json.loads(many.s3.get_object(Bucket=BUCKET, Key="async/q2.json")["Body"].read())
    assert refused["error"] == "model_required"


def test_capture_names_the_manifest_a_function_with_many_models_serves(many, tmp_path):
    """Each model's answer names that model; capture's records name what the function serves as a whole: the
    manifest, by its sha256 and S3 version."""
    app = many(CAPTURE_URI="s3://bucket/capture/", CAPTURE_DIR=str(tmp_path / "spool"))
    capture = app.services.observer.capture
    assert capture is not None
    manifest = many.s3.get_object(Bucket=BUCKET, Key="models/manifest.json")
    assert capture._model == {
        "name": "model",
        "sha256": sha(manifest["Body"].read()),
        "versionId": manifest["VersionId"],
        "functionVersion": "$LATEST",
    }
