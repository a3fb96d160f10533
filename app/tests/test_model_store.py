import hashlib
import os

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws

import model_store
from model_store import ModelLoadError, ModelSource

BUCKET = "models-bucket"
KEY = "models/model.joblib"


@pytest.fixture
def s3(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(client, data: bytes) -> str:
    return client.put_object(Bucket=BUCKET, Key=KEY, Body=data)["VersionId"]


@pytest.fixture
def demo_bytes():
    with open(os.path.join(os.path.dirname(__file__), "..", "model", "model.joblib"), "rb") as f:
        return f.read()


@pytest.fixture
def downloads(monkeypatch):
    """Records every object download model_store makes, and still performs it."""
    seen = []
    real = model_store.download_object

    def recording(client, bucket, key, path, version_id):
        seen.append((bucket, key, version_id))
        return real(client, bucket, key, path, version_id)

    monkeypatch.setattr(model_store, "download_object", recording)
    return seen


def env(version, digest):
    return {"MODEL_BUCKET": BUCKET, "MODEL_KEY": KEY, "MODEL_VERSION_ID": version, "MODEL_SHA256": digest}


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
    def test_downloads_verifies_and_loads(self, s3, demo_bytes, tmp_path):
        version = upload(s3, demo_bytes)
        model, source = model_store.load_from_env(env(version, sha(demo_bytes)), str(tmp_path), s3)
        assert model.predict([[5.1, 3.5, 1.4, 0.2]]).tolist() == ["setosa"]
        assert source.version_id == version
        assert sorted(os.listdir(tmp_path)) == [f"model-{sha(demo_bytes)}.bin"]

    def test_reuses_a_verified_copy_in_tmp(self, s3, demo_bytes, tmp_path, downloads):
        version = upload(s3, demo_bytes)
        source = ModelSource(BUCKET, KEY, version, sha(demo_bytes))
        first = model_store.fetch(source, str(tmp_path), s3)
        second = model_store.fetch(source, str(tmp_path), s3)
        assert first == second
        assert downloads == [(BUCKET, KEY, version)]

    def test_replaces_a_tampered_cached_copy(self, s3, demo_bytes, tmp_path, downloads):
        version = upload(s3, demo_bytes)
        source = ModelSource(BUCKET, KEY, version, sha(demo_bytes))
        path = model_store.fetch(source, str(tmp_path), s3)
        with open(path, "ab") as f:
            f.write(b"tampered")
        assert model_store.fetch(source, str(tmp_path), s3) == path
        assert len(downloads) == 2
        assert model_store.sha256_of(path) == sha(demo_bytes)

    def test_large_models_use_ranged_parallel_downloads(self, s3, demo_bytes, tmp_path, monkeypatch):
        import s3transfer.manager

        used = []
        real = s3transfer.manager.TransferManager.download
        monkeypatch.setattr(model_store, "PARALLEL_DOWNLOAD_BYTES", 100)
        monkeypatch.setattr(
            s3transfer.manager.TransferManager, "download", lambda self, *a, **k: used.append(a) or real(self, *a, **k)
        )
        version = upload(s3, demo_bytes)
        path = model_store.fetch(ModelSource(BUCKET, KEY, version, sha(demo_bytes)), str(tmp_path), s3)
        assert model_store.sha256_of(path) == sha(demo_bytes)
        assert [a[:2] for a in used] == [(BUCKET, KEY)]

    def test_fetches_exactly_the_pinned_version(self, s3, demo_bytes, tmp_path):
        old = upload(s3, demo_bytes)
        upload(s3, b"a newer model uploaded after the deploy")
        path = model_store.fetch(ModelSource(BUCKET, KEY, old, sha(demo_bytes)), str(tmp_path), s3)
        with open(path, "rb") as f:
            assert f.read() == demo_bytes

    def test_refuses_a_checksum_mismatch_and_keeps_nothing(self, s3, demo_bytes, tmp_path):
        version = upload(s3, demo_bytes)
        wrong = "0" * 64
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, KEY, version, wrong), str(tmp_path), s3)
        assert str(info.value) == (
            f"checksum mismatch for s3://{BUCKET}/{KEY} (version {version}): expected sha256 {wrong}, "
            f"got {sha(demo_bytes)}; refusing to load it"
        )
        assert os.listdir(tmp_path) == []

    def test_refuses_a_corrupt_file_that_matches_its_checksum(self, s3, tmp_path):
        data = b"\x80\x04 this is not a pickle"
        version = upload(s3, data)
        with pytest.raises(ModelLoadError) as info:
            model_store.load_from_env(env(version, sha(data)), str(tmp_path), s3)
        assert str(info.value).startswith(f"could not load the model from s3://{BUCKET}/{KEY} (version {version}): ")

    def test_refuses_a_pickle_that_is_not_an_estimator(self, s3, tmp_path):
        import io

        import joblib

        buffer = io.BytesIO()
        joblib.dump({"weights": [1, 2]}, buffer)
        data = buffer.getvalue()
        version = upload(s3, data)
        with pytest.raises(ModelLoadError) as info:
            model_store.load_from_env(env(version, sha(data)), str(tmp_path), s3)
        assert str(info.value) == (
            f"the object at s3://{BUCKET}/{KEY} (version {version}) is not a fitted scikit-learn estimator "
            "(it needs predict and n_features_in_)"
        )

    def test_missing_object(self, s3, tmp_path):
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource(BUCKET, "models/absent.joblib", None, "0" * 64), str(tmp_path), s3)
        assert str(info.value) == (f"model not found at s3://{BUCKET}/models/absent.joblib (version latest): NoSuchKey")
        assert os.listdir(tmp_path) == []

    def test_missing_version(self, s3, demo_bytes, tmp_path):
        upload(s3, demo_bytes)
        with pytest.raises(
            ModelLoadError,
            match=r"^model not found at s3://models-bucket/models/model.joblib \(version no-such-version\): ",
        ):
            model_store.fetch(ModelSource(BUCKET, KEY, "no-such-version", sha(demo_bytes)), str(tmp_path), s3)

    def test_missing_bucket(self, s3, tmp_path):
        with pytest.raises(ModelLoadError, match=r"^model not found at s3://other-bucket/"):
            model_store.fetch(ModelSource("other-bucket", KEY, None, "0" * 64), str(tmp_path), s3)


class TestS3Errors:
    @pytest.fixture(autouse=True)
    def failing(self, monkeypatch):
        """Makes the next download raise the error a test puts in `self.error`."""

        def fail(*args):
            raise self.error

        monkeypatch.setattr(model_store, "download_object", fail)

    @pytest.mark.parametrize(
        "code, message",
        [
            ("SlowDown", "S3 error reading s3://b/k (version v1): SlowDown"),
            ("InternalError", "S3 error reading s3://b/k (version v1): InternalError"),
            (
                "AccessDenied",
                "access denied reading s3://b/k (version v1): the role may read only the deployed model object",
            ),
        ],
    )
    def test_client_errors_name_the_object(self, tmp_path, code, message):
        self.error = ClientError({"Error": {"Code": code, "Message": "x"}}, "GetObject")
        with pytest.raises(ModelLoadError) as info:
            model_store.fetch(ModelSource("b", "k", "v1", "0" * 64), str(tmp_path), client=object())
        assert str(info.value) == message
        assert os.listdir(tmp_path) == []

    def test_network_errors_name_the_object(self, tmp_path):
        self.error = EndpointConnectionError(endpoint_url="https://s3.example")
        with pytest.raises(
            ModelLoadError, match=r"^could not download s3://b/k \(version v1\): EndpointConnectionError"
        ):
            model_store.fetch(ModelSource("b", "k", "v1", "0" * 64), str(tmp_path), client=object())

    def test_throttling_is_retried_by_the_client(self):
        client = model_store.s3_client()
        assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 5}


class TestLocalPath:
    def test_local_file_with_checksum(self, demo_bytes, tmp_path):
        path = tmp_path / "m.joblib"
        path.write_bytes(demo_bytes)
        model, source = model_store.load_from_env({"MODEL_PATH": str(path), "MODEL_SHA256": sha(demo_bytes)})
        assert source.describe() == f"local file {path}"
        assert model.n_features_in_ == 4

    def test_local_file_mismatch(self, demo_bytes, tmp_path):
        path = tmp_path / "m.joblib"
        path.write_bytes(demo_bytes)
        with pytest.raises(ModelLoadError, match=r"^checksum mismatch for local file"):
            model_store.load_from_env({"MODEL_PATH": str(path), "MODEL_SHA256": "1" * 64})

    def test_missing_local_file(self, tmp_path):
        with pytest.raises(ModelLoadError) as info:
            model_store.load_from_env({"MODEL_PATH": str(tmp_path / "none")})
        assert str(info.value) == f"model not found: local file {tmp_path / 'none'}"
