"""A Docker engine, a BuildKit builder and a registry on loopback, for building
and running the Lambda image locally (`npm run test:image`, `npm start -- --docker`,
the bench).

Uses the engine the machine has. Where none answers and this runs as root on
Linux (CI), it installs Debian's docker.io and starts dockerd itself. Builds
go through `buildx` to a BuildKit daemon and a registry started here on
loopback (both built or installed on first use): the same buildx options the
docker-build provider uses, pushed to a registry so the manifest Lambda would
receive can be inspected, then pulled into the engine to run. Everything this
module starts, it stops by pid.
"""

import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from processes import free_port, stop_session

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools")
TOOLS_BIN = os.path.join(TOOLS, "bin")

# Built from the Go module proxy on first use; buildkitd is the version buildx 0.19.3 was built against.
BUILDX_VERSION = "v0.19.3"
BUILDKIT_VERSION = "v0.18.0"
DEBIAN_PACKAGES = ("docker.io", "debootstrap", "docker-registry")
# QEMU's user-mode emulator, to build and run arm64 images on an x86_64 host: Debian trixie's static build
# (bookworm's QEMU 7.2 crashes in ONNX Runtime's import), fetched from Debian's archive and checked against
# the sha256 its Packages index lists.
QEMU_DEB = (
    "http://deb.debian.org/debian/pool/main/q/qemu/qemu-user_10.0.13+ds-0+deb13u1_amd64.deb",
    "ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336",
)
QEMU_DIR = os.path.join(TOOLS, "qemu")
BINFMT = "/proc/sys/fs/binfmt_misc"
# binfmt_misc's rule for aarch64 ELF executables (QEMU's own magic and mask). Flags: O (open the binary as
# is), C (credentials from it), F (the interpreter opened at registration, so containers and chroots of
# arm64 run without a copy of it inside).
QEMU_BINFMT = {
    "linux/arm64": (
        "qemu-aarch64",
        r"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00",
        r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff",
    )
}

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
SINGLE_IMAGE_MANIFESTS = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)


class ToolchainError(RuntimeError):
    """One line saying what is missing and how to get it."""


def say(message: str) -> None:
    print(f"[docker] {message}", flush=True)


def host_platform() -> str:
    """The Docker platform of this machine: images are built for it, so they run without emulation."""
    machine = platform.machine().lower()
    return {"x86_64": "linux/amd64", "amd64": "linux/amd64", "aarch64": "linux/arm64", "arm64": "linux/arm64"}[machine]


def go_arch(platform_name: str) -> str:
    """`linux/arm64` -> `arm64`, the GOARCH and Debian architecture of a Docker platform."""
    return platform_name.split("/", 1)[1]


def run(
    argv: list[str], *, check: bool = True, quiet: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-12:]
        raise ToolchainError(f"{' '.join(argv[:3])} ... failed ({result.returncode}):\n" + "\n".join(detail))
    if not quiet and result.returncode != 0:
        say(f"{argv[0]} exited {result.returncode}")
    return result


def find_docker() -> str | None:
    """Debian's packaged CLI builds nothing here (buildx does), so any docker CLI on the PATH will do for run/pull."""
    for candidate in (shutil.which("docker"), "/usr/bin/docker"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def docker_cli() -> str:
    docker = find_docker()
    if docker is None:
        raise ToolchainError(
            "no docker CLI found; install Docker (or, as root on Debian, let this script install docker.io)"
        )
    return docker


def engine_answers(docker: str) -> bool:
    try:
        return subprocess.run([docker, "version"], capture_output=True, timeout=15, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def wait_until(predicate: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise ToolchainError(f"{what} did not come up within {timeout:.0f}s")


def debian_package_installed(package: str) -> bool:
    """Installed, not merely known: a removed package keeps its config files and still answers `dpkg -s`."""
    status = run(["dpkg-query", "-W", "-f=${Status}", package], check=False, quiet=True)
    return status.returncode == 0 and status.stdout.strip() == "install ok installed"


def read_stamp(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def go_install(binary: str, module: str, version: str, platform_name: str | None = None) -> str:
    """`go install` into .tools/bin (.tools/bin/<os>_<arch> for another platform), skipped when the stamp says
    this version is there."""
    cross = platform_name is not None and platform_name != host_platform()
    folder = os.path.join(TOOLS_BIN, platform_name.replace("/", "_")) if cross and platform_name else TOOLS_BIN
    path = os.path.join(folder, binary)
    stamp = os.path.join(folder, f".{binary}-version")
    if os.path.exists(path) and read_stamp(stamp) == version:
        return path
    if not shutil.which("go"):
        raise ToolchainError(f"{binary} is missing and Go is not installed to build it ({module}@{version})")
    say(f"building {binary} {version} for {platform_name or host_platform()} from the Go module proxy (first run only)")
    os.makedirs(folder, exist_ok=True)
    if cross and platform_name:
        # go install will not put a cross-compiled binary in GOBIN: it goes to a GOPATH of our own, then here.
        gopath = os.path.join(TOOLS, "gopath")
        modcache = subprocess.run(
            ["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True
        ).stdout.strip()
        target = {"GOOS": "linux", "GOARCH": go_arch(platform_name)}
        env = {**os.environ, "GOPATH": gopath, "GOMODCACHE": modcache, "GOFLAGS": "-mod=mod", **target}
        run(["go", "install", f"{module}@{version}"], env=env)
        shutil.copy(os.path.join(gopath, "bin", f"linux_{go_arch(platform_name)}", binary), path)
    else:
        env = {**os.environ, "GOBIN": folder, "GOFLAGS": "-mod=mod"}
        run(["go", "install", f"{module}@{version}"], env=env)
    with open(stamp, "w") as f:
        f.write(version + "\n")
    return path


def qemu_binary(name: str) -> str:
    """QEMU's static user-mode emulator `name` from QEMU_DEB, fetched and checked once into .tools/qemu."""
    path = os.path.join(QEMU_DIR, name)
    stamp = os.path.join(QEMU_DIR, ".deb-sha256")
    url, sha256 = QEMU_DEB
    if os.path.exists(path) and read_stamp(stamp) == sha256:
        return path
    say(f"fetching QEMU from Debian's archive: {url.rsplit('/', 1)[1]}")
    os.makedirs(QEMU_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qemu-") as scratch:
        deb = os.path.join(scratch, "qemu.deb")
        with urllib.request.urlopen(url, timeout=300) as response, open(deb, "wb") as f:  # noqa: S310 - Debian's archive
            shutil.copyfileobj(response, f)
        digest = hashlib.sha256()
        with open(deb, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise ToolchainError(f"{url} does not have the sha256 Debian lists ({sha256}); refusing to use it")
        run(["dpkg-deb", "-x", deb, os.path.join(scratch, "root")])
        shutil.copy(os.path.join(scratch, "root", "usr", "bin", name), path)
    with open(stamp, "w") as f:
        f.write(sha256 + "\n")
    return path


@dataclass
class Process:
    what: str
    proc: subprocess.Popen[bytes]
    log: str


@dataclass
class BuildResult:
    """An image pushed to the loopback registry and pulled into the engine."""

    ref: str  # registry/name:tag
    digest: str  # sha256:... of the pushed manifest
    media_type: str  # of the pushed manifest

    @property
    def pinned(self) -> str:
        return f"{self.ref.rsplit(':', 1)[0]}@{self.digest}"


@dataclass
class Toolchain:
    """Use as a context manager: everything started inside is stopped on exit."""

    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="lambda-inference-docker-"))
    started: list[Process] = field(default_factory=list)
    docker: str = ""
    registry: str = ""  # host:port of the loopback registry
    builder: str = "lambda-inference"
    buildx: str = ""
    installed: list[str] = field(default_factory=list)

    def __enter__(self) -> "Toolchain":
        try:
            self._engine()
            self._registry()
            self._builder()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the engine ---------------------------------------------------------------------------------------------
    def _engine(self) -> None:
        docker = find_docker()
        if docker and engine_answers(docker):
            self.docker = docker
            return
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise ToolchainError(
                "no Docker engine answers; start Docker (or run as root on Debian, where this installs docker.io)"
            )
        self._apt_install()
        self.docker = docker_cli()
        dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
        if not os.path.exists(dockerd):
            raise ToolchainError("dockerd is missing after installing docker.io")
        say("starting dockerd (--iptables=false --bridge=none: containers use the host network)")
        self._spawn("dockerd", [dockerd, "--iptables=false", "--bridge=none", "--host", "unix:///var/run/docker.sock"])
        wait_until(lambda: engine_answers(self.docker), "dockerd", 60)

    def _apt_install(self) -> None:
        missing = [p for p in DEBIAN_PACKAGES if not debian_package_installed(p)]
        if not missing:
            return
        say(f"installing {' '.join(missing)} from Debian's archive")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if run(["apt-get", "install", "-y", "-q", *missing], check=False, quiet=True, env=env).returncode != 0:
            run(["apt-get", "update", "-q"], env=env)
            run(["apt-get", "install", "-y", "-q", *missing], env=env)
        self.installed += missing

    def _spawn(self, what: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = os.path.join(self.workdir, f"{what}.log")
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(Process(what, proc, log))
        return proc

    # -- registry and builder -----------------------------------------------------------------------------------
    def _registry(self) -> None:
        binary = shutil.which("docker-registry") or shutil.which("registry")
        if not binary:
            if os.geteuid() == 0 and shutil.which("apt-get"):
                self._apt_install()
                binary = shutil.which("docker-registry")
            if not binary:
                raise ToolchainError("the Distribution registry is missing: install Debian's docker-registry")
        port = free_port()
        self.registry = f"127.0.0.1:{port}"
        storage = os.path.join(TOOLS, "registry")
        config = os.path.join(self.workdir, "registry.yml")
        with open(config, "w") as f:
            f.write(
                f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {storage}\nhttp:\n  addr: {self.registry}\n"
            )
        self._spawn("registry", [binary, "serve", config])
        wait_until(lambda: self._http_ok(f"http://{self.registry}/v2/"), "the registry", 30)

    @staticmethod
    def _http_ok(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def _builder(self) -> None:
        """buildkitd (OCI worker, host network for RUN) behind a buildx `remote` builder of our own."""
        self.buildx = go_install("buildx", "github.com/docker/buildx/cmd/buildx", BUILDX_VERSION)
        buildkitd = go_install("buildkitd", "github.com/moby/buildkit/cmd/buildkitd", BUILDKIT_VERSION)
        if os.geteuid() != 0:
            raise ToolchainError("buildkitd needs root here (it runs builds with runc); run as root")
        socket_path = os.path.join(self.workdir, "buildkitd.sock")
        config = os.path.join(self.workdir, "buildkitd.toml")
        with open(config, "w") as f:
            f.write(
                "[worker.oci]\n  enabled = true\n[worker.containerd]\n  enabled = false\n"
                f'[registry."{self.registry}"]\n  http = true\n  insecure = true\n'
            )
        self._spawn(
            "buildkitd",
            [
                buildkitd,
                "--root",
                os.path.join(TOOLS, "buildkit"),
                "--addr",
                f"unix://{socket_path}",
                "--oci-worker-net",
                "host",
                "--config",
                config,
            ],
        )
        wait_until(lambda: os.path.exists(socket_path), "buildkitd", 30)
        os.environ["BUILDX_CONFIG"] = os.path.join(self.workdir, "buildx")
        run([self.buildx, "create", "--name", self.builder, "--driver", "remote", f"unix://{socket_path}"])
        wait_until(
            lambda: run([self.buildx, "inspect", "--bootstrap", self.builder], check=False, quiet=True).returncode == 0,
            "the buildx builder",
            30,
        )

    # -- images -------------------------------------------------------------------------------------------------
    def push_local_image(self, image: str, name: str) -> str:
        """Copies an image from the engine to the loopback registry (so BuildKit can build FROM it)."""
        ref = f"{self.registry}/{name}"
        run([self.docker, "tag", image, ref])
        run([self.docker, "push", ref])
        return ref

    def enable_emulation(self, platform_name: str) -> None:
        """Lets this machine run binaries of `platform_name` (QEMU through binfmt_misc): how an arm64 image is
        built and run on an x86_64 host. Nothing to do for the host's own platform."""
        if platform_name == host_platform():
            return
        if platform_name not in QEMU_BINFMT:
            raise ToolchainError(f"no emulator known for {platform_name}")
        name, magic, mask = QEMU_BINFMT[platform_name]
        interpreter = qemu_binary(name)
        entry = os.path.join(BINFMT, name)
        if os.path.exists(entry):
            with open(entry) as f:
                if f"interpreter {interpreter}" in f.read():
                    return
        if os.geteuid() != 0:
            raise ToolchainError(f"running {platform_name} binaries needs QEMU registered with binfmt_misc, as root")
        if not os.path.exists(os.path.join(BINFMT, "register")):
            run(["mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT])
        if os.path.exists(entry):
            with open(entry, "w") as f:
                f.write("-1")  # another QEMU's rule: replaced by ours
        say(f"registering {interpreter} with binfmt_misc, to build and run {platform_name} images under emulation")
        with open(os.path.join(BINFMT, "register"), "w") as f:
            f.write(f":{name}:M::{magic}:{mask}:{interpreter}:OCF")

    def build(
        self,
        context: str,
        name: str,
        *,
        platform_name: str | None = None,
        target: str | None = None,
        build_args: dict[str, str] | None = None,
        named_contexts: dict[str, str] | None = None,
        dockerfile: str | None = None,
        attestations: bool = False,
        pull_into_engine: bool = True,
    ) -> BuildResult:
        """`buildx build` for the host platform (or `platform_name`, emulated), pushed to the loopback registry.

        Without `attestations` it passes `--provenance=false --sbom=false`, as the
        component asks the docker-build provider; with them, buildx's defaults apply.
        """
        ref = f"{self.registry}/{name}"
        metadata = os.path.join(self.workdir, f"metadata-{name.replace('/', '_').replace(':', '_')}.json")
        argv = [
            self.buildx,
            "build",
            "--builder",
            self.builder,
            "--platform",
            platform_name or host_platform(),
            "--push",
            "-t",
            ref,
            "--metadata-file",
            metadata,
        ]
        if not attestations:
            argv += ["--provenance=false", "--sbom=false"]
        if target:
            argv += ["--target", target]
        if dockerfile:
            argv += ["-f", dockerfile]
        for key, value in (build_args or {}).items():
            argv += ["--build-arg", f"{key}={value}"]
        for key, value in (named_contexts or {}).items():
            argv += ["--build-context", f"{key}={value}"]
        run([*argv, context])
        with open(metadata) as f:
            digest = json.load(f)["containerimage.digest"]
        result = BuildResult(ref, digest, str(self.manifest(ref)["mediaType"]))
        if pull_into_engine:
            run([self.docker, "pull", "-q", ref])
        return result

    def manifest(self, ref: str) -> dict[str, object]:
        """The manifest the registry serves for `ref`, as a client accepting every image media type sees it."""
        repository, _, tag = ref.split("/", 1)[1].rpartition(":")
        request = urllib.request.Request(
            f"http://{self.registry}/v2/{repository}/manifests/{tag}", headers={"Accept": ", ".join(MANIFEST_TYPES)}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback URL
            document: dict[str, object] = json.load(response)
        return document

    def image_config(self, ref: str) -> dict[str, object]:
        """The image configuration a single-image manifest points to (its os and architecture among them)."""
        manifest = self.manifest(ref)
        config = manifest["config"]
        assert isinstance(config, dict)
        repository = ref.split("/", 1)[1].rpartition(":")[0]
        url = f"http://{self.registry}/v2/{repository}/blobs/{config['digest']}"
        with urllib.request.urlopen(url, timeout=10) as response:
            document: dict[str, object] = json.load(response)
        return document

    def image_bytes(self, image: str) -> int:
        return int(run([self.docker, "image", "inspect", "-f", "{{.Size}}", image]).stdout.strip())

    def files(self, image: str) -> list[str]:
        """Every path in the image's filesystem (from `docker export` of a created, never started, container)."""
        container = run([self.docker, "create", image]).stdout.strip()
        try:
            exported = subprocess.run([self.docker, "export", container], capture_output=True, check=True).stdout
        finally:
            run([self.docker, "rm", container], check=False, quiet=True)
        with tarfile.open(fileobj=io.BytesIO(exported)) as tar:
            return ["/" + n.lstrip("./") for n in tar.getnames()]

    # -- shutdown -----------------------------------------------------------------------------------------------
    def stop(self) -> None:
        if self.buildx:
            run([self.buildx, "rm", self.builder], check=False, quiet=True)
        for p in reversed(self.started):
            stop_session(p.proc, grace=20)
        self.started.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def toolchain() -> Iterator[Toolchain]:
    with Toolchain() as tc:
        yield tc
