"""`npm start`: the app under the real Lambda runtime path, locally.

Starts moto_server (S3 on loopback) and uploads the model as InferenceFunction
does (or, with --delivery image, hands the function the file itself), runs the
function under the AWS Lambda Runtime Interface Emulator with the same MODEL_*
environment, invokes it with the sample events, and prints status, prediction
and latency. By default the function is `python -m awslambdaric
handler.lambda_handler` on the host's Python; with --docker it is the real
image, built from app/Dockerfile and run in a container. Every process and
container is stopped on exit, failure or Ctrl-C.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
from typing import Any

from inference.contract import HANDLER
from local_lambda import APP, DEMO_MODEL, ROOT, LocalLambda, LocalRunError

SAMPLES = ["direct", "batch", "function-url", "bad-request"]


def load_event(path: str) -> Any:
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise LocalRunError(f"event file {path} does not exist") from None
    except ValueError as e:
        raise LocalRunError(f"event file {path} is not valid JSON ({e}); fix it or pass another --event") from None


def summary(body: Any) -> tuple[int | str, str]:
    """(status, what to print) for a direct or proxy response."""
    if isinstance(body, dict) and "statusCode" in body:
        status, doc = body["statusCode"], json.loads(body.get("body") or "null")
    elif isinstance(body, dict) and "errorType" in body:
        return "init error", f"{body.get('errorType')}: {body.get('errorMessage', '')}"
    else:
        status, doc = (body or {}).get("status", 200), body
    if isinstance(doc, dict) and "predictions" in doc:
        return status, f"predictions={doc['predictions']}"
    return status, json.dumps(doc)


def init_error(lam: LocalLambda) -> str:
    for line in lam.log("function.log").splitlines():
        if '"init failed"' in line:
            try:
                return str(json.loads(line)["error"])
            except ValueError:
                return line
    return "the function failed to initialise; see the runtime log above"


def start_in_docker(
    lam: LocalLambda,
    stack: contextlib.ExitStack,
    model: str,
    model_env: dict[str, str],
    args: argparse.Namespace,
) -> str:
    """Builds the target the component would (format, delivery) and runs it under the image's emulator."""
    import images
    import toolchain

    runtime = model_env["MODEL_FORMAT"]
    try:
        tc = stack.enter_context(toolchain.Toolchain())
    except toolchain.ToolchainError as e:
        raise LocalRunError(f"--docker: {e}") from None
    base = images.base_image(tc)
    if args.delivery == "s3":
        built, target = images.build_app(tc, base, runtime, tag="start"), runtime
        env = model_env
    else:
        built, target = images.build_bundled(tc, base, runtime, model, tag="start"), f"{runtime}-bundled"
        env = {**model_env, "MODEL_PATH": images.PATH_IN_IMAGE[runtime]}
    kind = "the stand-in base (local/standin.py)" if base.standin else base.local
    print(f"[start] image {built.ref} (target {target}, on {kind})", flush=True)
    url = lam.start_container(tc.docker, built.ref, env, args.port)
    print(f"[start] running the image's CMD {HANDLER} in a container, MODEL_* as the component sets them", flush=True)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="npm start --", description=__doc__.splitlines()[0])
    parser.add_argument("--event", action="append", metavar="FILE", help="invoke with this event file (repeatable)")
    parser.add_argument(
        "--model",
        default=DEMO_MODEL,
        metavar="PATH",
        help="serve this model: .onnx (ONNX Runtime, the default demo) or .joblib (scikit-learn)",
    )
    parser.add_argument("--port", type=int, help="port of the emulator's invoke API (default: a free one)")
    parser.add_argument("--s3-port", type=int, help="port of the local S3 API (default: a free one)")
    parser.add_argument(
        "--delivery",
        choices=["s3", "image"],
        default="s3",
        help="where the function finds the model, as modelDelivery says: fetched from S3 (default) or in place",
    )
    parser.add_argument(
        "--docker", action="store_true", help="run the image built from app/Dockerfile instead of the host's Python"
    )
    parser.add_argument(
        "--no-plan", action="store_true", help="skip the offline plan that follows the local run (npm run plan)"
    )
    args = parser.parse_args(argv)

    events = (
        [(p, load_event(p)) for p in args.event]
        if args.event
        else [(f"app/events/{name}.json", load_event(os.path.join(APP, "events", f"{name}.json"))) for name in SAMPLES]
    )

    # SIGTERM/SIGINT unwind through the context manager, which stops every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    model = os.path.abspath(args.model)
    with LocalLambda() as lam, contextlib.ExitStack() as stack:
        if args.delivery == "s3":
            print("[start] S3 API (moto_server) on loopback ...", flush=True)
            lam.start_s3(args.s3_port)
            model_env = lam.upload_model(model)
            print(
                f"[start]   s3://{model_env['MODEL_BUCKET']}/{model_env['MODEL_KEY']} "
                f"version {model_env['MODEL_VERSION_ID']} sha256 {model_env['MODEL_SHA256'][:12]} "
                f"format {model_env['MODEL_FORMAT']}",
                flush=True,
            )
        else:
            model_env = lam.local_model(model)
            print(
                f"[start] the model in the image: {model} sha256 {model_env['MODEL_SHA256'][:12]} "
                f"format {model_env['MODEL_FORMAT']} (no S3)",
                flush=True,
            )
        if args.docker:
            url = start_in_docker(lam, stack, model, model_env, args)
        else:
            url = lam.start_function(model_env, args.port)
            print(
                f"[start] running {HANDLER} via awslambdaric, MODEL_* set as InferenceFunction sets them",
                flush=True,
            )
        print(f"[start] Lambda runtime emulator: {url}", flush=True)
        failed = False
        for i, (name, event) in enumerate(events):
            result = lam.invoke(event)
            status, what = summary(result.body)
            if status == "init error":
                raise LocalRunError(f"init failed: {init_error(lam)}")
            label = " (cold start: init + invoke)" if i == 0 else ""
            print(f"  {name:28s} status {status}  {result.seconds * 1000:8.1f} ms{label}  {what}", flush=True)
            expected_bad = os.path.basename(name).startswith("bad")
            failed |= result.status != 200 or (status != 200 and not expected_bad)
        init_ms = next(
            (json.loads(s)["initMs"] for s in lam.log("function.log").splitlines() if '"model loaded"' in s), None
        )
        if init_ms is not None:
            fetch = "S3 fetch" if args.delivery == "s3" else "no S3"
            print(f"[start] cold init (imports, {fetch}, sha256 check, model load): {init_ms:.0f} ms", flush=True)
    print("[start] stopped every process it started", flush=True)
    if not args.no_plan:
        print("\n== offline plan of the root program (npm run plan)", flush=True)
        plan = [os.path.join(ROOT, "node_modules", ".bin", "ts-node"), "--transpile-only", "scripts/plan.ts"]
        failed |= subprocess.run([*plan, "--delivery", args.delivery], cwd=ROOT, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LocalRunError as e:
        print(f"npm start: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("npm start: interrupted; every process it started was stopped", file=sys.stderr)
        sys.exit(130)
