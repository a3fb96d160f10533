"""Fetches the model the function was deployed with, verifies it, loads it.

The object is read at the exact version the deployment pinned
(MODEL_VERSION_ID), cached under /tmp by its sha256, and checked against
MODEL_SHA256 before it is unpickled: a pickle runs code when loaded, so an
unverified file is never opened by joblib.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Optional

CHUNK = 1024 * 1024


class ModelLoadError(RuntimeError):
    """Init cannot go on: the message names where the model was expected."""


@dataclass(frozen=True)
class ModelSource:
    bucket: Optional[str]
    key: Optional[str]
    version_id: Optional[str]
    sha256: Optional[str]
    local_path: Optional[str] = None

    @staticmethod
    def from_env(env=os.environ) -> "ModelSource":
        local = env.get("MODEL_PATH") or None
        sha = (env.get("MODEL_SHA256") or "").strip().lower() or None
        if local:
            return ModelSource(None, None, None, sha, local_path=local)
        missing = [n for n in ("MODEL_BUCKET", "MODEL_KEY", "MODEL_SHA256") if not env.get(n)]
        if missing:
            raise ModelLoadError(
                f"model location is not configured: set {', '.join(missing)} "
                "(or MODEL_PATH for a local file)"
            )
        return ModelSource(env["MODEL_BUCKET"], env["MODEL_KEY"], env.get("MODEL_VERSION_ID") or None, sha)

    def describe(self) -> str:
        if self.local_path:
            return f"local file {self.local_path}"
        version = self.version_id or "latest"
        return f"s3://{self.bucket}/{self.key} (version {version})"

    @property
    def short_sha(self) -> Optional[str]:
        return self.sha256[:12] if self.sha256 else None


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def s3_client():
    # boto3 honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL itself, so a local S3 API can stand in.
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(retries={"mode": "standard", "total_max_attempts": 5}))


def _download(source: ModelSource, destination: str, client) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    extra = {"VersionId": source.version_id} if source.version_id else None
    directory = os.path.dirname(destination)
    fd, partial = tempfile.mkstemp(dir=directory, prefix=".download-")
    os.close(fd)
    try:
        client.download_file(source.bucket, source.key, partial, ExtraArgs=extra)
    except ClientError as e:
        os.unlink(partial)
        code = e.response.get("Error", {}).get("Code", "Unknown")
        if code in ("404", "NoSuchKey", "NoSuchVersion", "NoSuchBucket"):
            raise ModelLoadError(f"model not found at {source.describe()}: {code}") from None
        if code in ("403", "AccessDenied"):
            raise ModelLoadError(
                f"access denied reading {source.describe()}: the role may read only the deployed model object"
            ) from None
        raise ModelLoadError(f"S3 error reading {source.describe()}: {code}") from None
    except (BotoCoreError, OSError) as e:
        if os.path.exists(partial):
            os.unlink(partial)
        raise ModelLoadError(f"could not download {source.describe()}: {type(e).__name__}: {e}") from None
    os.replace(partial, destination)


def fetch(source: ModelSource, cache_dir: str = "/tmp", client=None) -> str:
    """Returns the path of a verified local copy; downloads only when no verified copy is cached."""
    if source.local_path:
        if not os.path.isfile(source.local_path):
            raise ModelLoadError(f"model not found: {source.describe()}")
        if source.sha256:
            verify(source, source.local_path)
        return source.local_path
    os.makedirs(cache_dir, exist_ok=True)
    cached = os.path.join(cache_dir, f"model-{source.sha256}.bin")
    if os.path.isfile(cached):
        try:
            verify(source, cached)
            return cached
        except ModelLoadError:
            os.unlink(cached)  # A torn or tampered copy: fetch it again.
    _download(source, cached, client or s3_client())
    try:
        verify(source, cached)
    except ModelLoadError:
        os.unlink(cached)
        raise
    return cached


def verify(source: ModelSource, path: str) -> None:
    actual = sha256_of(path)
    if actual != source.sha256:
        raise ModelLoadError(
            f"checksum mismatch for {source.describe()}: expected sha256 {source.sha256}, got {actual}; "
            "refusing to load it"
        )


def load(path: str, source: ModelSource) -> Any:
    import joblib

    try:
        model = joblib.load(path)
    except Exception as e:  # noqa: BLE001 - any unpickling failure means the same thing here
        raise ModelLoadError(f"could not load the model from {source.describe()}: {type(e).__name__}: {e}") from None
    if not hasattr(model, "predict") or not hasattr(model, "n_features_in_"):
        raise ModelLoadError(
            f"the object at {source.describe()} is not a fitted scikit-learn estimator "
            "(it needs predict and n_features_in_)"
        )
    return model


def load_from_env(env=os.environ, cache_dir: Optional[str] = None, client=None):
    """(model, source): everything init needs, or a ModelLoadError naming the model's location.

    The cache lives in /tmp (the only writable path on Lambda) unless MODEL_CACHE_DIR says otherwise.
    """
    source = ModelSource.from_env(env)
    cache_dir = cache_dir or env.get("MODEL_CACHE_DIR") or "/tmp"
    return load(fetch(source, cache_dir, client), source), source
