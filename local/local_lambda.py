"""Runs the app the way Lambda does, on loopback: moto_server as the S3 API
holding the model, and the AWS Lambda Runtime Interface Emulator running
`python -m awslambdaric handler.lambda_handler` with the same MODEL_*
environment InferenceFunction gives the real function.

Used by the runtime tests and by `npm start`. Every process is started in
its own session and stopped by its pid; every wait is bounded.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

# The app's own checksum code and format rules: the local run hashes as the handler verifies, and picks the
# runtime as init does.
from inference.contract import HANDLER, LAMBDA_ENV, MODEL_ENV, S3_ENV
from inference.errors import ConfigError
from inference.runtimes import model_format
from inference.storage.model_store import sha256_of
from processes import free_port, stop_session

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "app")
# This repository's venv and emulator (scripts/setup.sh), or, under `npx lambda-inference`, the ones its
# command made in the user's cache (cli/python.ts), named by these variables.
PYTHON_ENV, RIE_ENV = "LAMBDA_INFERENCE_PYTHON", "LAMBDA_INFERENCE_RIE"
VENV_BIN = os.path.dirname(os.environ[PYTHON_ENV]) if os.environ.get(PYTHON_ENV) else os.path.join(ROOT, ".venv", "bin")
RIE = os.environ.get(RIE_ENV) or os.path.join(ROOT, ".tools", "bin", "aws-lambda-rie")
DEMO_MODEL = os.path.join(APP, "model", "model.onnx")  # what the component deploys by default
DEMO_PICKLE = os.path.join(APP, "model", "sklearn", "model.joblib")
DEMO_MODELS = {"onnx": DEMO_MODEL, "sklearn": DEMO_PICKLE}  # the demo model for each runtime
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
REGION = "us-east-1"

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION}


class LocalRunError(RuntimeError):
    """One line telling the user what to fix."""


def files_beside(model_path: str) -> dict[str, str]:
    """The files the model's signature lists beside it (a text model's tokenizer.json, config.json), each with the
    sha256 the signature recorded, which the function verifies at init; none without a signature of this file."""
    try:
        with open(os.path.join(os.path.dirname(model_path), "model.json")) as f:
            signature = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(signature, dict) or signature.get("file") != os.path.basename(model_path):
        return {}
    files = signature.get("files")
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_for_port(port: int, proc: "subprocess.Popen[bytes] | None", what: str, timeout: float) -> None:
    """Until something listens on `port`; fails early when `proc` (what should listen) exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise LocalRunError(f"{what} exited with code {proc.returncode} before listening on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise LocalRunError(f"{what} did not listen on port {port} within {timeout:.0f}s")


@dataclass
class Invocation:
    status: int
    body: object
    seconds: float


@dataclass
class LocalLambda:
    """The processes of one local run; use as a context manager so they always stop."""

    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="lambda-inference-local-"))
    processes: "list[tuple[str, subprocess.Popen[bytes]]]" = field(default_factory=list)
    s3_port: int | None = None
    rie_port: int | None = None
    container: tuple[str, str] | None = None  # (docker CLI, container name) when the function runs in a container

    def __enter__(self) -> "LocalLambda":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(
        self, what: str, argv: list[str], env: dict[str, str], cwd: str, log_name: str
    ) -> "subprocess.Popen[bytes]":
        # The child keeps its own copy of the descriptor; ours closes when the block ends.
        with open(os.path.join(self.workdir, log_name), "wb") as log:
            proc = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append((what, proc))
        return proc

    def log(self, log_name: str) -> str:
        if log_name == "function.log" and self.container:
            docker, name = self.container
            logs = subprocess.run([docker, "logs", name], capture_output=True, text=True, check=False)
            return logs.stdout + logs.stderr
        path = os.path.join(self.workdir, log_name)
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def start_s3(self, port: int | None = None) -> str:
        self.s3_port = port or free_port()
        if not port_is_free(self.s3_port):
            raise LocalRunError(f"port {self.s3_port} is busy; choose another with --s3-port or stop what uses it")
        env = {**os.environ, **FAKE_CREDENTIALS}
        # The module, not the venv's moto_server script: a script's first line names the folder the venv was
        # made in, which the package's command renames once the venv is whole.
        argv = [os.path.join(VENV_BIN, "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)]
        proc = self._spawn("moto_server", argv, env, self.workdir, "moto.log")
        wait_for_port(self.s3_port, proc, "moto_server", 30)
        return self.endpoint

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def s3_client(self) -> Any:
        """A boto3 client of the S3 API on loopback."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
        )

    def upload_model(self, model_path: str, bucket: str = "local-models", key: str | None = None) -> dict[str, str]:
        """Stores the model as InferenceFunction does; returns the MODEL_* environment for it."""
        if not os.path.isfile(model_path):
            raise LocalRunError(
                f"model file {model_path} does not exist; pass --model PATH to an .onnx or .joblib file"
            )
        key = key or f"models/{os.path.basename(model_path)}"
        s3 = self.s3_client()
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

        def put(path: str, object_key: str) -> str:
            with open(path, "rb") as f:
                return str(
                    s3.put_object(Bucket=bucket, Key=object_key, Body=f, ChecksumAlgorithm="SHA256")["VersionId"]
                )

        version = put(model_path, key)
        # Each file beside the model (a text model's tokenizer) goes beside its key, as the component puts it.
        folder = key.rpartition("/")[0]
        files = {
            name: {
                "sha256": sha256,
                "versionId": put(os.path.join(os.path.dirname(model_path), name), f"{folder}/{name}".lstrip("/")),
            }
            for name, sha256 in files_beside(model_path).items()
        }
        return {
            MODEL_ENV.bucket: bucket,
            MODEL_ENV.key: key,
            MODEL_ENV.version_id: version,
            MODEL_ENV.sha256: sha256_of(model_path),
            MODEL_ENV.format: self.format_of(model_path),
            **({MODEL_ENV.files: json.dumps(files)} if files else {}),
        }

    def upload_models(self, models: dict[str, str], bucket: str = "local-models") -> dict[str, str]:
        """Stores many models as InferenceFunction does with `models` (each under models/<name>/, their list
        in a manifest beside them); returns the MODELS_MANIFEST environment."""
        items = []
        for name, path in models.items():
            env = self.upload_model(path, bucket, f"models/{name}/{os.path.basename(path)}")
            files = json.loads(env.get(MODEL_ENV.files) or "{}")
            size = os.path.getsize(path) + sum(os.path.getsize(os.path.join(os.path.dirname(path), f)) for f in files)
            items.append({"name": name, "bucket": bucket, "key": env[MODEL_ENV.key],
                          "versionId": env[MODEL_ENV.version_id], "sha256": env[MODEL_ENV.sha256],
                          "format": env[MODEL_ENV.format], "bytes": size, "files": files})  # fmt: skip
        body = json.dumps({"models": items}).encode()
        version = self.s3_client().put_object(Bucket=bucket, Key="models/manifest.json", Body=body)["VersionId"]
        manifest = {"bucket": bucket, "key": "models/manifest.json", "versionId": version,
                    "sha256": hashlib.sha256(body).hexdigest()}  # fmt: skip
        return {MODEL_ENV.manifest: json.dumps(manifest), MODEL_ENV.format: items[0]["format"]}

    def local_model(self, model_path: str) -> dict[str, str]:
        """The environment of modelDelivery "image": the file itself, its sha256 and format (no S3)."""
        if not os.path.isfile(model_path):
            raise LocalRunError(
                f"model file {model_path} does not exist; pass --model PATH to an .onnx or .joblib file"
            )
        files = {name: {"sha256": sha256} for name, sha256 in files_beside(model_path).items()}
        return {
            MODEL_ENV.path: model_path,
            MODEL_ENV.sha256: sha256_of(model_path),
            MODEL_ENV.format: self.format_of(model_path),
            **({MODEL_ENV.files: json.dumps(files)} if files else {}),
        }

    @staticmethod
    def format_of(model_path: str) -> str:
        """onnx or sklearn, from the file's extension, as the component infers modelFormat."""
        try:
            return model_format({}, model_path)
        except ConfigError as e:
            raise LocalRunError(f"{model_path}: {e}") from None

    def function_env(self, model_env: dict[str, str], extra_env: dict[str, str] | None = None) -> dict[str, str]:
        """What Lambda and the component put in the function's environment, with S3 on loopback."""
        env = {
            **FAKE_CREDENTIALS,
            **model_env,
            LAMBDA_ENV.function_name: "inference-local",
            LAMBDA_ENV.memory_size: "1024",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "30",
            **(extra_env or {}),
        }
        if self.s3_port is not None:
            env[S3_ENV.endpoint_s3] = self.endpoint
        return env

    def _claim_port(self, port: int | None) -> int:
        self.rie_port = port or free_port()
        if not port_is_free(self.rie_port):
            raise LocalRunError(f"port {self.rie_port} is busy; choose another with --port or stop what uses it")
        return self.rie_port

    def start_function(
        self, model_env: dict[str, str], port: int | None = None, extra_env: dict[str, str] | None = None
    ) -> str:
        """The app (app/inference) under the host's Python, as the image would run it."""
        for path, what in ((RIE, "aws-lambda-rie"), (os.path.join(VENV_BIN, "python"), "the Python venv")):
            if not os.path.exists(path):
                raise LocalRunError(f"{what} is missing at {path}; run scripts/setup.sh")
        rie_port = self._claim_port(port)
        runtime_api_port = free_port()
        cache = os.path.join(self.workdir, "tmp")
        os.makedirs(cache, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            MODEL_ENV.cache_dir: cache,
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "PYTHONPATH": APP,
            **self.function_env(model_env, extra_env),
        }
        argv = [
            RIE,
            "--runtime-api-address",
            f"127.0.0.1:{runtime_api_port}",
            "--runtime-interface-emulator-address",
            f"127.0.0.1:{rie_port}",
            os.path.join(VENV_BIN, "python"),
            "-m",
            "awslambdaric",
            HANDLER,
        ]
        proc = self._spawn("aws-lambda-rie", argv, env, APP, "function.log")
        wait_for_port(rie_port, proc, "aws-lambda-rie", 30)
        return f"http://127.0.0.1:{rie_port}{INVOKE_PATH}"

    def start_container(
        self,
        docker: str,
        image: str,
        model_env: dict[str, str],
        port: int | None = None,
        *,
        extra_env: dict[str, str] | None = None,
        handler: str = HANDLER,
        platform_name: str | None = None,
    ) -> str:
        """The image itself, under the emulator the base image ships (running `handler`, the image's own
        CMD for the bundled Dockerfile). On the host network (these machines
        have no bridge), so the emulator's two ports are chosen here instead of the image's fixed 8080/9001."""
        rie_port = self._claim_port(port)
        name = f"lambda-inference-{os.getpid()}-{rie_port}"
        argv = [docker, "run", "-d", "--name", name, "--network", "host"]
        if platform_name:
            argv += ["--platform", platform_name]
        for key, value in self.function_env(model_env, extra_env).items():
            argv += ["-e", f"{key}={value}"]
        argv += [
            "--entrypoint",
            "/usr/local/bin/aws-lambda-rie",
            image,
            "--runtime-interface-emulator-address",
            f"127.0.0.1:{rie_port}",
            "--runtime-api-address",
            f"127.0.0.1:{free_port()}",
            "/var/runtime/bootstrap",
            handler,
        ]
        started = subprocess.run(argv, capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise LocalRunError(f"docker run {image} failed: {started.stderr.strip()}")
        self.container = (docker, name)
        try:
            wait_for_port(rie_port, None, f"the container {name}", 30)
        except LocalRunError as e:
            raise LocalRunError(f"{e}: {self.log('function.log')}") from None
        return f"http://127.0.0.1:{rie_port}{INVOKE_PATH}"

    def invoke(self, event: object, timeout: float = 60) -> Invocation:
        return self.invoke_raw(json.dumps(event).encode(), timeout)

    def invoke_raw(self, event: bytes, timeout: float = 60) -> Invocation:
        """An event already written as JSON (a batch the caller encoded as it grouped it)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.rie_port}{INVOKE_PATH}",
            data=event,
            headers={"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own http://127.0.0.1 URL
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        seconds = time.perf_counter() - started
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        return Invocation(status, body, seconds)

    def stop_container(self, graceful: bool = False) -> None:
        """Removes the container; `graceful` first stops it as Lambda ends an environment (SIGTERM, so the
        emulator sends extensions their SHUTDOWN event), keeping its log for `log`."""
        if self.container:
            docker, name = self.container
            if graceful:
                subprocess.run([docker, "stop", "-t", "5", name], capture_output=True, check=False)
                return
            subprocess.run([docker, "rm", "-f", name], capture_output=True, check=False)
            self.container = None

    def stop(self) -> None:
        self.stop_container()
        for _what, proc in reversed(self.processes):
            stop_session(proc, grace=5)
        self.processes.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit("import this module; `npm start` runs it")
