"""`npm run pin-base-image`: resolves the base image's current digest and pins the Dockerfile to it.

    python local/pin_base_image.py [--image REF] [--dockerfile PATH] [--check]

Asks the registry (the Docker Registry HTTP API, with its anonymous token
flow, as `docker pull` does) for the digest of REF (default: the tag in the
Dockerfile's `ARG BASE_IMAGE=` line, `public.ecr.aws/lambda/python:3.12`) and
rewrites that line to `REF@sha256:...`: the multi-platform index's digest, so
both architectures stay pinned and BuildKit picks the platform. Run it to bump
the base image (AWS republishes it with security fixes), review the diff, and
commit it. --check only reports whether the Dockerfile is pinned.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKERFILE = os.path.join(ROOT, "app", "Dockerfile")
ARG_LINE = re.compile(r"^ARG BASE_IMAGE=(?P<ref>\S+)$", re.MULTILINE)
PINNED = re.compile(r"@sha256:[0-9a-f]{64}$")
ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)


class PinError(RuntimeError):
    """One line: what could not be resolved, and why."""


def split_ref(ref: str) -> tuple[str, str, str]:
    """(registry, repository, tag) of `registry/repository:tag` (an existing @digest is dropped)."""
    ref = ref.split("@", 1)[0]
    registry, _, rest = ref.partition("/")
    if "." not in registry and ":" not in registry and registry != "localhost":
        raise PinError(f"{ref}: give the registry explicitly (e.g. public.ecr.aws/lambda/python:3.12)")
    repository, _, tag = rest.rpartition(":") if ":" in rest else (rest, "", "latest")
    return registry, repository, tag or "latest"


def scheme_of(registry: str) -> str:
    host = registry.split(":", maxsplit=1)[0]
    return "http" if host in ("localhost", "127.0.0.1") else "https"


def bearer_token(challenge: str) -> str:
    """The anonymous token a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge points to."""
    fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    if "realm" not in fields:
        raise PinError(f"the registry asked for authentication this tool does not speak: {challenge}")
    query = urllib.parse.urlencode({k: v for k, v in fields.items() if k in ("service", "scope")})
    with urllib.request.urlopen(f"{fields['realm']}?{query}", timeout=30) as response:  # noqa: S310 - https realm
        body = json.load(response)
    return str(body.get("token") or body.get("access_token"))


def resolve_digest(ref: str) -> str:
    """The digest the registry serves for ref's tag (HEAD of the manifest, as `docker pull` resolves it)."""
    registry, repository, tag = split_ref(ref)
    url = f"{scheme_of(registry)}://{registry}/v2/{repository}/manifests/{tag}"
    headers = {"Accept": ACCEPT}
    for _ in range(2):
        request = urllib.request.Request(url, method="HEAD", headers=headers)  # noqa: S310 - a registry URL
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a registry URL
                digest = str(response.headers.get("Docker-Content-Digest", ""))
                if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
                    raise PinError(f"{ref}: the registry gave no usable digest ({digest!r})")
                return digest
        except urllib.error.HTTPError as e:
            if e.code == 401 and "Authorization" not in headers:
                headers["Authorization"] = f"Bearer {bearer_token(e.headers.get('WWW-Authenticate', ''))}"
                continue
            raise PinError(f"{ref}: the registry answered {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            raise PinError(f"{ref}: cannot reach {registry} ({e.reason})") from None
    raise PinError(f"{ref}: the registry refused the anonymous token")


def pin(dockerfile: str, image: str | None) -> tuple[str, str]:
    """Rewrites the Dockerfile's BASE_IMAGE default to image@digest; returns (old, new) references."""
    try:
        with open(dockerfile) as f:
            text = f.read()
    except OSError as e:
        raise PinError(f"cannot read {dockerfile}: {e.strerror}") from None
    match = ARG_LINE.search(text)
    if not match:
        raise PinError(f"{dockerfile} has no 'ARG BASE_IMAGE=' line")
    old = match.group("ref")
    base = (image or old).split("@", 1)[0]
    new = f"{base}@{resolve_digest(base)}"
    with open(dockerfile, "w") as f:
        f.write(text[: match.start("ref")] + new + text[match.end("ref") :])
    return old, new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pin-base-image", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--image", help="the image to pin (default: the Dockerfile's current BASE_IMAGE, unpinned)")
    parser.add_argument("--dockerfile", default=DOCKERFILE, help="the Dockerfile to rewrite (default app/Dockerfile)")
    parser.add_argument("--check", action="store_true", help="only say whether the Dockerfile is pinned")
    args = parser.parse_args(argv)
    try:
        if args.check:
            with open(args.dockerfile) as f:
                match = ARG_LINE.search(f.read())
            ref = match.group("ref") if match else ""
            print(f"{'pinned' if PINNED.search(ref) else 'NOT pinned'}: BASE_IMAGE={ref}")
            return 0 if PINNED.search(ref) else 1
        old, new = pin(args.dockerfile, args.image)
    except PinError as e:
        print(f"pin-base-image: {e}", file=sys.stderr)
        return 1
    print(f"BASE_IMAGE {old} -> {new} in {os.path.relpath(args.dockerfile)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
