"""`s3://bucket/key` addresses of the queued and batch paths, and the prefixes that bound them.

A message may only name objects under the prefixes the component allowed (ASYNC_INPUT_PREFIXES) and
write under its output location: the role's permissions say the same, but a clear refusal from the
app beats an AccessDenied from S3.
"""

import re
from typing import NamedTuple

from ..errors import ConfigError, Forbidden
from ..types import Env

# S3's bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")


class S3Uri(NamedTuple):
    bucket: str
    key: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def under(self, prefix: "S3Uri") -> bool:
        """True when this address lies in `prefix` (same bucket, key starting with its key), with no
        `..` segment that a reader of the key might take as a way out of it."""
        return self.bucket == prefix.bucket and self.key.startswith(prefix.key) and ".." not in self.key.split("/")

    def join(self, name: str) -> "S3Uri":
        return S3Uri(self.bucket, self.key + name)


def parse(text: object, field: str) -> S3Uri:
    """An `s3://bucket/key` address; ValueError naming `field` otherwise."""
    if not isinstance(text, str) or not text.startswith("s3://"):
        raise ValueError(f"{field} must be an s3://bucket/key address")
    bucket, _, key = text[len("s3://") :].partition("/")
    if not _BUCKET.fullmatch(bucket):
        raise ValueError(f"{field} names no valid bucket: {bucket!r}")
    return S3Uri(bucket, key)


def prefix_of(text: str, field: str) -> S3Uri:
    """A prefix: an address whose key is empty or ends with '/' (so `data/` does not also allow `data2/`)."""
    uri = parse(text, field)
    if uri.key and not uri.key.endswith("/"):
        raise ValueError(f"{field} must end with '/' (a folder), got {text!r}")
    return uri


def prefixes_from_env(env: Env, name: str) -> tuple[S3Uri, ...]:
    """A comma-separated list of prefixes from the environment; a malformed one fails init."""
    raw = env.get(name) or ""
    try:
        return tuple(prefix_of(p.strip(), name) for p in raw.split(",") if p.strip())
    except ValueError as e:
        raise ConfigError(str(e)) from None


def require_under(uri: S3Uri, allowed: tuple[S3Uri, ...], field: str) -> None:
    """Refuses an address outside every allowed prefix, naming them."""
    if not any(uri.under(p) for p in allowed):
        where = ", ".join(map(str, allowed)) if allowed else "nowhere (the function allows no prefix)"
        raise Forbidden("location_not_allowed", f"{field} {uri} is not under an allowed prefix: {where}")
