"""The model store against a real S3 API on loopback (moto's server): the function's own client
(awscrt) signs and sends real HTTP requests, as it does against S3."""

import hashlib
import io
import json
import os

import joblib
import numpy as np
import pytest
from awscrt.exceptions import AwsCrtError
from awscrt.s3 import S3ResponseError
from support import empty_s3, free_port

from inference.runtimes import sklearn as runtime_sklearn
from inference.storage import model_store
from inference.storage import s3 as s3_download
from inference.storage.model_store import ModelLoadError, ModelSource, fetch
from inference.storage.s3 import S3Client, S3Failure

BUCKET = "models-bucket"
KEY = "models/model.joblib"


@pytest.fixture
def s3(endpoint, monkeypatch):
    """An empty versioned bucket; the credentials the function's client finds in its environment."""
    client = empty_s3(endpoint, monkeypatch, BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return client


@pytest.fixture
def downloader(endpoint, s3):
    return S3Client("us-east-1", endpoint)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(client, data: bytes, key: str = KEY) -> str:
    return client.put_object(Bucket=BUCKET, Key=key, Body=data)["VersionId"]


@pytest.fixture
def demo_bytes():
    with open(os.path.join(os.path.dirname(__file__), "..", "model", "sklearn", "model.joblib"), "rb") as f:
        return f.read()


@pytest.fixture
def downloads(monkeypatch):
    """Records every object download the store makes, and still performs it."""
    seen = []
    real = S3Client.download

    def recording(self, bucket, key, version_id, path, *, deadline=None, digest=None):
        seen.append((bucket, key, version_id))
        return real(self, bucket, key, version_id, path, deadline=deadline, digest=digest)

    monkeypatch.setattr(S3Client, "download", recording)
    return seen


def env(version, digest):
    return {"MODEL_BUCKET": BUCKET, "MODEL_KEY": KEY, "MODEL_VERSION_ID": version, "MODEL_SHA256": digest}


def fetch_and_load(environment, cache_dir, downloader=None):
    """What init does with a scikit-learn model: fetch and verify, then unpickle."""
    source = ModelSource.from_env(environment)
    path = model_store.fetch(source, cache_dir, downloader)
    return runtime_sklearn.load(path, source.describe()), source


class TestFromEnv:
    def test_names_every_missing_variable(self):
        with pytest.raises(ModelLoadError) as info:
            ModelSource.from_env({"MODEL_KEY": "k"})
        assert str(info.value) == (
            "model location is not configured: set MODEL_BUCKET, MODEL_SHA256 (or MODEL_PATH for a local file)"
        )

    def test_version_is_optional(self):
        source = ModelSource.from_env({"MODEL_BUCKET": "b", "MODEL_KEY": "k", "MODEL_SHA256": "AB" * 32})
        assert source == ModelSource("b", "k", None, "ab" * 32)
        assert source.describe() == "s3://b/k (version latest)"


class TestFetch:
    def test_downloads_verifies_and_loads(self, s3, downloader, demo_bytes, tmp_path):
        version = upload(s3, demo_bytes)
        model, source = fetch_and_load(env(version, sha(demo_bytes)), str(tmp_path), downloader)
        assert model.predict(np.array([[5.1, 3.5, 1.4, 0.2]])).predictions.tolist() == ["setosa"]
        assert source.version_id == version
        assert sorted(model_store.cache_files(tmp_path)) == [f"model-{sha(demo_bytes)}.bin"]

    def test_the_client_is_made_from_the_environment(self, endpoint):
        made = S3Client.from_env({"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_S3": endpoint})
        assert (made.region, made.endpoint) == ("eu-west-1", endpoint)
        made = S3Client.from_env({"AWS_DEFAULT_REGION": "ap-south-1", "AWS_ENDPOINT_URL": "https://s3.local"})
        assert (made.region, made.endpoint) == ("ap-south-1", "https://s3.local")
        assert S3Client.from_env({}) == S3Client("us-east-1", None)

    def test_reuses_a_verified_copy_in_tmp(self, s3, downloader, demo_bytes, tmp_path, downloads):
        version = upload(s3, demo_bytes)
        source = ModelSource(BUCKET, KEY, version, sha(demo_bytes))
        first = model_store.fetch(source, str(tmp_path), downloader)
        second = model_store.fetch(source, str(tmp_path), downloader)
        assert first == second
        assert downloads == [(BUCKET, KEY, version)]

    def test_replaces_a_tampered_cached_copy(self, s3, downloader, demo_bytes, tmp_path, downloads):
        version = upload(s3, demo_bytes)
        source = ModelSource(BUCKET, KEY, version, sha(demo_bytes))
        path = model_store.fetch(source, str(tmp_path), downloader)
        with open(path, "ab") as f:
            f.write(b"tampered")
        assert model_store.fetch(source, str(tmp_path), downloader) == path
        assert len(downloads) == 2
        assert model_store.sha256_of(path) == sha(demo_bytes)

    def test_a_model_larger_than_one_part_arrives_whole(self, s3, downloader, tmp_path):
        """Above the part size the CRT fetches ranges in parallel; the file must still be the object, byte for byte."""
        data = os.urandom(2 * s3_download.PART_BYTES + 12345)
        version = upload(s3, data)
        path = model_store.fetch(ModelSource(BUCKET, KEY, version, sha(data)), str(tmp_path), downloader)
        assert os.path.getsize(path) == len(data) and model_store.sha256_of(path) == sha(data)

    def test_keys_that_need_encoding(self, s3, downloader, tmp_path):
        key = "models/team a/ñ+model (v2).onnx"
        data = b"weights"
        version = upload(s3, data, key)
        path = model_store.fetch(ModelSource(BUCKET, key, version, sha(data)), str(tmp_path), downloader)
        with open(path, "rb") as f:
            assert f.read() == data

    def test_fetches_exactly_the_pinned_version(self, s3, downloader, demo_bytes, tmp_path):
        old = upload(s3, demo_bytes)
        upload(s3, b"a newer model uploaded after the deploy")
        path = model_store.fetch(ModelSource(BUCKET, KEY, old, sha(demo_bytes)), str(tmp_path), downloader)
        with open(path, "rb") as f:
            assert f.read() == demo_bytes

    def test_refuses_a_checksum_mismatch_and_keeps_nothing(self, s3, downloader, demo_bytes, tmp_path):
        version = upload(s3, demo_bytes)
        wrong = "0" * 64
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, KEY, version, wrong), str(tmp_path), downloader)
        assert str(info.value) == (
            f"checksum mismatch for s3://{BUCKET}/{KEY} (version {version}): expected sha256 {wrong}, "
            f"got {sha(demo_bytes)}; refusing to load it"
        )
        assert model_store.cache_files(tmp_path) == []

    def test_refuses_a_corrupt_file_that_matches_its_checksum(self, s3, downloader, tmp_path):
        data = b"\x80\x04 this is not a pickle"
        version = upload(s3, data)
        with pytest.raises(ModelLoadError) as info:
            fetch_and_load(env(version, sha(data)), str(tmp_path), downloader)
        assert str(info.value).startswith(f"could not load the model from s3://{BUCKET}/{KEY} (version {version}): ")

    def test_refuses_a_pickle_that_is_not_an_estimator(self, s3, downloader, tmp_path):
        buffer = io.BytesIO()
        joblib.dump({"weights": [1, 2]}, buffer)
        data = buffer.getvalue()
        version = upload(s3, data)
        with pytest.raises(ModelLoadError) as info:
            fetch_and_load(env(version, sha(data)), str(tmp_path), downloader)
        assert str(info.value) == (
            f"the object at s3://{BUCKET}/{KEY} (version {version}) is not a fitted scikit-learn estimator "
            "(it needs predict and n_features_in_, or a text vectorizer first)"
        )

    def test_missing_object(self, s3, downloader, tmp_path):
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, "models/absent.joblib", None, "0" * 64), str(tmp_path), downloader)
        assert str(info.value) == (f"model not found at s3://{BUCKET}/models/absent.joblib (version latest): NoSuchKey")
        assert model_store.cache_files(tmp_path) == []

    def test_missing_version(self, s3, downloader, demo_bytes, tmp_path):
        upload(s3, demo_bytes)
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, KEY, "no-such-version", sha(demo_bytes)), str(tmp_path), downloader)
        assert str(info.value) == (
            "model not found at s3://models-bucket/models/model.joblib (version no-such-version): NoSuchVersion"
        )
        assert model_store.cache_files(tmp_path) == []

    def test_missing_bucket(self, s3, downloader, tmp_path):
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource("other-bucket", KEY, None, "0" * 64), str(tmp_path), downloader)
        assert (
            str(info.value) == "model not found at s3://other-bucket/models/model.joblib (version latest): NoSuchBucket"
        )

    def test_no_s3_at_all(self, s3, tmp_path, monkeypatch):
        monkeypatch.setattr(s3_download, "MAX_RETRIES", 1)
        nothing_there = S3Client("us-east-1", f"http://127.0.0.1:{free_port()}")
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, KEY, "v1", "0" * 64), str(tmp_path), nothing_there)
        assert str(info.value).startswith(
            f"could not download s3://{BUCKET}/{KEY} (version v1): AWS_IO_SOCKET_CONNECTION_REFUSED: "
        )
        assert model_store.cache_files(tmp_path) == []


class TestS3Errors:
    @pytest.mark.parametrize(
        "code, status, message",
        [
            ("SlowDown", 503, "S3 error reading s3://b/k (version v1): SlowDown"),
            ("InternalError", 500, "S3 error reading s3://b/k (version v1): InternalError"),
            (
                "AccessDenied",
                403,
                "access denied reading s3://b/k (version v1): the role may read only the deployed model object "
                "(and, if the bucket encrypts with a customer-managed KMS key, give that key as kmsKeyArn)",
            ),
        ],
    )
    def test_answers_name_the_object(self, tmp_path, monkeypatch, code, status, message):
        def fail(self, *args, **kwargs):
            raise S3Failure(code, status, "x")

        monkeypatch.setattr(S3Client, "download", fail)
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource("b", "k", "v1", "0" * 64), str(tmp_path), S3Client("us-east-1"))
        assert str(info.value) == message
        assert model_store.cache_files(tmp_path) == []

    def test_s3s_error_document_gives_the_code_and_message(self):
        body = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
        error = S3ResponseError(code=14343, name="AWS_ERROR_S3_INVALID_RESPONSE_STATUS", message="Invalid response",
                                status_code=403, headers=[], body=body)  # fmt: skip
        failure = s3_download._failure(error)
        assert (failure.code, failure.status, failure.message) == ("AccessDenied", 403, "Access Denied")
        bare = S3ResponseError(code=1, name="X", message="m", status_code=404, headers=[], body=None)
        assert s3_download._failure(bare).code == "404"

    @pytest.mark.parametrize(
        "name, code, status",
        [("AWS_ERROR_S3_SLOW_DOWN", "SlowDown", 503), ("AWS_ERROR_S3_INTERNAL_ERROR", "InternalError", 500)],
    )
    def test_retries_run_out_read_as_s3s_own_answer(self, name, code, status):
        failure = s3_download._failure(AwsCrtError(code=14342, name=name, message="Response code indicates x"))
        assert (failure.code, failure.status, failure.message) == (
            code,
            status,
            f"S3 still answered {status} after 5 retries",
        )


class TestAddresses:
    @pytest.mark.parametrize(
        "bucket, key, version, region, expected",
        [
            ("b", "models/m.onnx", None, "us-east-1", ("b.s3.us-east-1.amazonaws.com", "/models/m.onnx")),
            ("b", "a b/ñ+.onnx", "v/1+x", "eu-west-1",
             ("b.s3.eu-west-1.amazonaws.com", "/a%20b/%C3%B1%2B.onnx?versionId=v%2F1%2Bx")),
            ("my.models", "m", None, "us-east-1", ("s3.us-east-1.amazonaws.com", "/my.models/m")),
            ("b", "m", None, "cn-north-1", ("b.s3.cn-north-1.amazonaws.com.cn", "/m")),
        ],
    )  # fmt: skip
    def test_on_aws_virtual_hosted_unless_the_name_has_dots(self, bucket, key, version, region, expected):
        assert S3Client(region).address(bucket, key, version, region) == expected

    def test_another_s3_api_is_addressed_path_style(self):
        downloader = S3Client("us-east-1", "http://127.0.0.1:9000")
        assert downloader.address("b", "m.onnx", "v1", "us-east-1") == ("127.0.0.1:9000", "/b/m.onnx?versionId=v1")

    def test_a_bucket_in_another_region_is_asked_there_once(self, tmp_path, monkeypatch):
        asked = []

        class Request:
            def __init__(self, region):
                self.region = region

            @property
            def finished_future(self):
                class Done:
                    def result(inner, timeout=None):
                        if self.region == "us-east-1":
                            moved = [("x-amz-bucket-region", "eu-central-1")]
                            raise S3ResponseError(
                                code=1, name="X", message="moved", status_code=301, headers=moved, body=b""
                            )

                return Done()

        class Client:
            def __init__(self, region):
                self.region = region

            def make_request(self, **kwargs):
                asked.append((self.region, kwargs["request"].headers.get("host")))
                return Request(self.region)

        monkeypatch.setattr(S3Client, "_client", lambda self, region: Client(region))
        S3Client("us-east-1").download("b", "m", None, str(tmp_path / "m"))
        assert asked == [
            ("us-east-1", "b.s3.us-east-1.amazonaws.com"),
            ("eu-central-1", "b.s3.eu-central-1.amazonaws.com"),
        ]


class TestLocalPath:
    def test_local_file_with_checksum(self, demo_bytes, tmp_path):
        path = tmp_path / "m.joblib"
        path.write_bytes(demo_bytes)
        model, source = fetch_and_load({"MODEL_PATH": str(path), "MODEL_SHA256": sha(demo_bytes)}, str(tmp_path))
        assert source.describe() == f"local file {path}"
        assert model.n_features == 4

    def test_local_file_mismatch(self, demo_bytes, tmp_path):
        path = tmp_path / "m.joblib"
        path.write_bytes(demo_bytes)
        with pytest.raises(ModelLoadError, match=r"^checksum mismatch for local file"):
            fetch_and_load({"MODEL_PATH": str(path), "MODEL_SHA256": "1" * 64}, str(tmp_path))

    def test_an_unhashed_local_pickle_is_refused_and_an_unhashed_onnx_file_loads(self, demo_bytes, tmp_path):
        from support import DEMO_ONNX

        pickle_path = tmp_path / "m.joblib"
        pickle_path.write_bytes(demo_bytes)
        source = ModelSource.from_env({"MODEL_PATH": str(pickle_path)})
        with pytest.raises(ModelLoadError) as info:
            model_store.refuse_unverified_pickle(source, "sklearn")
        assert str(info.value) == (
            f"refusing to load local file {pickle_path}: a sklearn model is a pickle, which runs code when loaded, "
            "and MODEL_SHA256 is not set to verify it first"
        )
        onnx = ModelSource.from_env({"MODEL_PATH": DEMO_ONNX})
        model_store.refuse_unverified_pickle(onnx, "onnx")  # data, not code: no hash needed
        assert model_store.fetch(onnx, str(tmp_path)) == DEMO_ONNX

    def test_missing_local_file(self, tmp_path):
        with pytest.raises(ModelLoadError) as info:
            fetch_and_load({"MODEL_PATH": str(tmp_path / "none")}, str(tmp_path))
        assert str(info.value) == f"model not found: local file {tmp_path / 'none'}"


def test_a_models_files_come_with_it_from_beside_its_key_each_verified(s3, downloader, tmp_path):
    """A text model's tokenizer.json and config.json, uploaded beside its key: cached with it in a folder of its
    own, where the runtime looks for them, each at its pinned version and sha256."""
    from transformer_models import save

    save(str(tmp_path / "export"), "text-classification")
    names = ("model.onnx", "tokenizer.json", "config.json")
    read = {name: (tmp_path / "export" / name).read_bytes() for name in names}
    versions = {name: upload(s3, data, f"models/text/{name}") for name, data in read.items()}
    files = {n: {"sha256": sha(read[n]), "versionId": versions[n]} for n in ("tokenizer.json", "config.json")}
    environment = {"MODEL_BUCKET": BUCKET, "MODEL_KEY": "models/text/model.onnx",
                   "MODEL_SHA256": sha(read["model.onnx"]), "MODEL_VERSION_ID": versions["model.onnx"],
                   "MODEL_FILES": json.dumps(files)}  # fmt: skip
    source = ModelSource.from_env(environment)
    path = fetch(source, str(tmp_path / "cache"), downloader)
    assert path == str(tmp_path / "cache" / f"model-{sha(read['model.onnx'])}" / "model.onnx")
    assert sorted(os.listdir(os.path.dirname(path))) == ["config.json", "model.onnx", "tokenizer.json"]
    upload(s3, b"{}", "models/text/tokenizer.json")  # a later upload does not change the pinned version
    assert fetch(source, str(tmp_path / "again"), downloader).endswith("model.onnx")
    wrong = {**files, "tokenizer.json": {**files["tokenizer.json"], "sha256": "0" * 64}}
    with pytest.raises(ModelLoadError, match=r"checksum mismatch for s3://models-bucket/models/text/tokenizer.json"):
        fetch(ModelSource.from_env({**environment, "MODEL_FILES": json.dumps(wrong)}), str(tmp_path / "x"), downloader)


class _Side:
    """A downloader whose downloads must overlap: each waits for the others at a barrier (a serial fetch would
    time out there), then writes its bytes, or fails for the keys in `failing`."""

    def __init__(self, data: dict[str, bytes], failing: dict[str, S3Failure]):
        import threading

        self.data, self.failing = data, failing
        self.barrier = threading.Barrier(len(data), timeout=5)

    def download(self, bucket, key, version_id, path, *, deadline=None, digest=None):
        self.barrier.wait()
        if key in self.failing:
            raise self.failing[key]
        with open(path, "wb") as f:
            f.write(self.data[key])
        digest.update(self.data[key])


def _parts(tmp_path, failing=()):
    data = {"m/model.onnx": b"graph", "m/model.onnx.data": b"weights" * 10, "m/tokenizer.json": b"{}"}
    files = {k.split("/")[1]: {"sha256": sha(v)} for k, v in data.items() if not k.endswith("model.onnx")}
    environment = {"MODEL_BUCKET": BUCKET, "MODEL_KEY": "m/model.onnx", "MODEL_SHA256": sha(data["m/model.onnx"]),
                   "MODEL_FILES": json.dumps(files)}  # fmt: skip
    source = ModelSource.from_env(environment)
    errors = {k: S3Failure("NoSuchKey", 404, "gone") for k in failing}
    return source, _Side(data, errors)


def test_a_models_parts_download_side_by_side_each_verified(tmp_path):
    source, side = _parts(tmp_path)
    path = fetch(source, str(tmp_path / "cache"), side)  # type: ignore[arg-type]
    folder = os.path.dirname(path)
    assert sorted(os.listdir(folder)) == ["model.onnx", "model.onnx.data", "tokenizer.json"]
    assert (tmp_path / "cache" / folder / "model.onnx.data").read_bytes() == b"weights" * 10


def test_when_parts_fail_the_first_in_the_models_order_is_named_and_the_others_stay_cached(tmp_path):
    source, side = _parts(tmp_path, failing=("m/tokenizer.json", "m/model.onnx.data"))
    with pytest.raises(ModelLoadError) as info:
        fetch(source, str(tmp_path / "cache"), side)  # type: ignore[arg-type]
    assert str(info.value) == f"model not found at s3://{BUCKET}/m/model.onnx.data (version latest): NoSuchKey"
    folder = next(f for f in os.listdir(tmp_path / "cache") if not f.endswith(".lock"))
    assert sorted(os.listdir(tmp_path / "cache" / folder)) == ["model.onnx"]  # verified, renamed; no partial file


def test_a_hashed_download_writes_and_hashes_each_part_in_order_and_refuses_a_gap(tmp_path):
    from inference.storage.s3 import _Sink

    digest = hashlib.sha256()
    with _Sink(str(tmp_path / "m"), digest) as sink:
        sink.write(b"abc", offset=0)
        sink.write(b"def", offset=3)
        with pytest.raises(OSError, match=r"^the object's bytes arrived out of order \(at 9, expected 6\)$"):
            sink.write(b"xyz", offset=9)
    assert (tmp_path / "m").read_bytes() == b"abcdef"
    assert digest.hexdigest() == sha(b"abcdef")


def test_a_hashed_download_that_cannot_be_written_fails_when_it_ends(tmp_path):
    from inference.storage.s3 import _Sink

    with pytest.raises(FileNotFoundError), _Sink(str(tmp_path / "gone" / "m"), hashlib.sha256()) as sink:
        sink.write(b"abc", offset=0)  # the download goes on; the writer's error is raised at its end
