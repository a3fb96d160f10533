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
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from errors import ModelLoadError
from lambda_types import Env

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["Estimator", "ModelLoadError", "ModelSource", "fetch", "load", "load_from_env", "s3_client", "sha256_of"]

CHUNK = 1024 * 1024


class Estimator(Protocol):
    """What the handler needs of a fitted scikit-learn model."""

    n_features_in_: int

    def predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[Any]: ...


@dataclass(frozen=True)
class ModelSource:
    bucket: str | None
    key: str | None
    version_id: str | None
    sha256: str | None
    local_path: str | None = None

    @staticmethod
    def from_env(env: Env) -> "ModelSource":
        local = env.get("MODEL_PATH") or None
        sha = (env.get("MODEL_SHA256") or "").strip().lower() or None
        if local:
            return ModelSource(None, None, None, sha, local_path=local)
        missing = [n for n in ("MODEL_BUCKET", "MODEL_KEY", "MODEL_SHA256") if not env.get(n)]
        if missing:
            raise ModelLoadError(
                f"model location is not configured: set {', '.join(missing)} (or MODEL_PATH for a local file)"
            )
        return ModelSource(env["MODEL_BUCKET"], env["MODEL_KEY"], env.get("MODEL_VERSION_ID") or None, sha)

    def describe(self) -> str:
        if self.local_path:
            return f"local file {self.local_path}"
        version = self.version_id or "latest"
        return f"s3://{self.bucket}/{self.key} (version {version})"

    @property
    def short_sha(self) -> str | None:
        return self.sha256[:12] if self.sha256 else None


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def s3_client() -> "S3Client":
    """A botocore S3 client with standard retries (throttling and 5xx are retried).

    botocore and s3transfer (both in the Lambda base image) without boto3's
    session layer: the same download, tens of milliseconds less init.
    botocore honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, so a local S3 API can stand in.
    """
    import botocore.session  # noqa: PLC0415 - only the S3 path pays for botocore
    from botocore.config import Config  # noqa: PLC0415

    session = botocore.session.get_session()
    client = session.create_client("s3", config=Config(retries={"mode": "standard", "total_max_attempts": 5}))
    return cast("S3Client", client)


# Above this size, ranged parallel GETs beat one stream; below it, one GET is the fastest cold start.
PARALLEL_DOWNLOAD_BYTES = 64 * 1024 * 1024


def download_object(client: "S3Client", bucket: str, key: str, path: str, version_id: str | None) -> None:
    """One GET streamed to `path` for a model up to 64 MiB (a single round trip);
    ranged, parallel GETs through s3transfer (as boto3's download_file) above."""
    extra = {"VersionId": version_id} if version_id else {}
    response = client.get_object(Bucket=bucket, Key=key, **extra)  # type: ignore[arg-type]
    body = response["Body"]
    if response.get("ContentLength", 0) > PARALLEL_DOWNLOAD_BYTES:
        body.close()
        from s3transfer.manager import TransferManager  # noqa: PLC0415 - large models only

        with TransferManager(client) as manager:
            manager.download(bucket, key, path, extra_args=extra).result()
        return
    with open(path, "wb") as f:
        for chunk in body.iter_chunks(CHUNK):
            f.write(chunk)


def _download(source: ModelSource, destination: str, client: "S3Client") -> None:
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    assert source.bucket is not None and source.key is not None
    directory = os.path.dirname(destination)
    fd, partial = tempfile.mkstemp(dir=directory, prefix=".download-")
    os.close(fd)
    try:
        download_object(client, source.bucket, source.key, partial, source.version_id)
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


def fetch(source: ModelSource, cache_dir: str = "/tmp", client: "S3Client | None" = None) -> str:  # noqa: S108 - Lambda's only writable path
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


def load(path: str, source: ModelSource) -> Estimator:
    import joblib  # noqa: PLC0415 - imported once, at init, after the file is verified

    try:
        model = joblib.load(path)
    except Exception as e:  # noqa: BLE001 - any unpickling failure means the same thing here
        raise ModelLoadError(f"could not load the model from {source.describe()}: {type(e).__name__}: {e}") from None
    if not hasattr(model, "predict") or not hasattr(model, "n_features_in_"):
        raise ModelLoadError(
            f"the object at {source.describe()} is not a fitted scikit-learn estimator "
            "(it needs predict and n_features_in_)"
        )
    estimator: Estimator = model
    return estimator


def load_from_env(
    env: Env, cache_dir: str | None = None, client: "S3Client | None" = None
) -> tuple[Estimator, ModelSource]:
    """(model, source): everything init needs, or a ModelLoadError naming the model's location.

    The cache lives in /tmp (the only writable path on Lambda) unless MODEL_CACHE_DIR says otherwise.
    """
    source = ModelSource.from_env(env)
    cache_dir = cache_dir or env.get("MODEL_CACHE_DIR") or "/tmp"  # noqa: S108
    return load(fetch(source, cache_dir, client), source), source
