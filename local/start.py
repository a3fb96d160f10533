"""`npm start`: the app under the real Lambda runtime path, locally.

Starts moto_server (S3 on loopback), uploads the model as InferenceFunction
does, runs `python -m awslambdaric handler.lambda_handler` under the AWS
Lambda Runtime Interface Emulator with the same MODEL_* environment, invokes
it with the sample events, and prints status, prediction and latency.
Every process is stopped by pid on exit, failure or Ctrl-C.
"""

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from local_lambda import APP, DEMO_MODEL, LocalLambda, LocalRunError

SAMPLES = ["direct", "batch", "function-url", "bad-request"]


def load_event(path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise LocalRunError(f"event file {path} does not exist") from None
    except ValueError as e:
        raise LocalRunError(f"event file {path} is not valid JSON ({e}); fix it or pass another --event") from None


def summary(body) -> tuple:
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
                return json.loads(line)["error"]
            except ValueError:
                return line
    return "the function failed to initialise; see the runtime log above"


def main(argv=None) -> int:
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
    args = parser.parse_args(argv)

    events = (
        [(p, load_event(p)) for p in args.event]
        if args.event
        else [(f"app/events/{name}.json", load_event(os.path.join(APP, "events", f"{name}.json"))) for name in SAMPLES]
    )

    # SIGTERM/SIGINT unwind through the context manager, which stops every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    with LocalLambda() as lam:
        print("[start] S3 API (moto_server) on loopback ...", flush=True)
        lam.start_s3(args.s3_port)
        model_env = lam.upload_model(os.path.abspath(args.model))
        print(
            f"[start]   s3://{model_env['MODEL_BUCKET']}/{model_env['MODEL_KEY']} "
            f"version {model_env['MODEL_VERSION_ID']} sha256 {model_env['MODEL_SHA256'][:12]} "
            f"format {model_env['MODEL_FORMAT']}",
            flush=True,
        )
        url = lam.start_function(model_env, args.port)
        print(f"[start] Lambda runtime emulator: {url}", flush=True)
        print(
            "[start] running handler.lambda_handler via awslambdaric, MODEL_* set as InferenceFunction sets them",
            flush=True,
        )
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
            print(f"[start] cold init (imports, S3 fetch, sha256 check, model load): {init_ms:.0f} ms", flush=True)
    print("[start] stopped every process it started", flush=True)
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
