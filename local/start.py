"""`npm start`: your model under the real Lambda runtime path, locally.

Starts moto_server (S3 on loopback) and uploads the model as InferenceFunction does (or, with
--delivery image, hands the function the file itself), runs the function under the AWS Lambda
Runtime Interface Emulator with the same MODEL_* environment, and then either sends it sample events
built from the model's signature (or the --event files) and prints each answer, or, with --serve,
puts it behind a local HTTP endpoint that behaves as its function URL until Ctrl-C. By default the
function is `python -m awslambdaric inference.handler.lambda_handler` on the host's Python; with
--docker it is the real image, built from app/Dockerfile and run in a container. Then the offline
plan of the same model. Every process and container is stopped on exit, failure or Ctrl-C.
"""

import argparse
import contextlib
import copy
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import batch_run
import metrics_view
import queue_run
import serve
from inference.contract import CAPTURE_ENV, FORMATS, HANDLER, JOBS_ENV, MODEL_ENV, SETTINGS_ENV
from inference.protocols.native.format import many_rows, one_row, rows_of
from inference.settings import MODEL_NAME
from inference.storage.model_store import sha256_of
from local_lambda import DEMO_MODEL, ROOT, LocalLambda, LocalRunError, port_is_free
from processes import free_port

DEFAULT_SERVE_PORT = 8080
ORPHAN_POLL_SECONDS = 0.5
# The demo component's name (demo/index.ts), which is its model's name in the protocol's paths.
DEFAULT_MODEL_NAME = "inference"
# What the messages call this tool: `npm start` here, `lambda-inference <command>` when the package's command runs it.
PROG = os.environ.get("LAMBDA_INFERENCE_PROG", "npm start")


@dataclass
class Event:
    label: str
    event: Any
    """The status the event expects: its answer's status must be this, or 2xx when None."""
    expect: int | None = None


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def load_event(path: str) -> Event:
    """An event file: the event itself (expected to succeed), or {"event": ..., "expect": {"status": N}}."""
    try:
        with open(path) as f:
            document = json.load(f, parse_constant=_no_constants)
    except FileNotFoundError:
        raise LocalRunError(f"event file {path} does not exist") from None
    except ValueError as e:
        if "is not JSON" in str(e):
            raise LocalRunError(
                f"event file {path} holds {str(e).split()[0]}, which JSON does not allow: Lambda refuses such an "
                "event before the function sees it; send a number, or null"
            ) from None
        raise LocalRunError(f"event file {path} is not valid JSON ({e}); fix it or pass another --event") from None
    if isinstance(document, dict) and set(document) == {"event", "expect"}:
        status = document["expect"].get("status") if isinstance(document["expect"], dict) else None
        if not isinstance(status, int):
            raise LocalRunError(f'event file {path}: "expect" must be {{"status": <an HTTP status>}}')
        return Event(path, document["event"], status)
    return Event(path, document)


def signature_of(model: str) -> dict[str, Any]:
    """The model's signature (model.json beside it), which must describe this very file."""
    if not os.path.isfile(model):
        raise LocalRunError(f"model file {model} does not exist; pass --model PATH to an .onnx or .joblib file")
    path = os.path.join(os.path.dirname(model), "model.json")
    try:
        with open(path) as f:
            signature: dict[str, Any] = json.load(f)
    except FileNotFoundError:
        raise LocalRunError(
            f"{model} has no signature: {path} is missing; write it with `python app/convert.py` (--describe for a "
            "model served as it is)"
        ) from None
    except ValueError as e:
        raise LocalRunError(f"{path} is not JSON ({e})") from None
    if signature.get("file") != os.path.basename(model) or signature.get("sha256") != sha256_of(model):
        raise LocalRunError(
            f"{path} does not describe {model} (another file, or other bytes): convert or describe the model again"
        )
    return signature


def protocol_request(signature: dict[str, Any]) -> dict[str, Any] | None:
    """The signature's sample as an inference request: its own for a model that takes tensors, else its
    rows (positional) as the model's one input tensor."""
    sample = signature["sample"]
    if "inputs" in sample:
        return dict(sample)
    declared = (signature.get("inputs") or [None])[0]
    if declared is None:
        return None  # a signature written before it declared tensors
    rows = rows_of(sample)
    names = signature.get("feature_names") or []
    matrix = [
        [row[n] for n in names] if isinstance(row, dict) else row if isinstance(row, list) else [row] for row in rows
    ]
    if signature.get("layout") in (None, "matrix"):
        shape = [len(matrix), len(matrix[0])]
        return {
            "inputs": [{"name": declared["name"], "shape": shape, "datatype": declared["datatype"], "data": matrix}]
        }
    # One input per column (a text model's one text): each feature's values, in the input its signature names;
    # booleans as the numbers a float input takes. JSON holds no NaN: rows with a missing value are left out.
    matrix = [row for row in matrix if None not in row]
    if not matrix:
        return None
    inputs = {spec["name"]: spec for spec in signature["inputs"]}
    request = []
    for j, feature in enumerate(signature["features"]):
        spec = inputs[feature.get("input") or feature["name"]]
        column = [row[j] if spec["datatype"] in ("BYTES", "BOOL") else float(row[j]) for row in matrix]
        shape = [len(column), 1] if len(spec["shape"]) == 2 else [len(column)]
        data = [[v] for v in column] if len(shape) == 2 else column
        request.append({"name": spec["name"], "shape": shape, "datatype": spec["datatype"], "data": data})
    return {"inputs": request}


def wrong_value(signature: dict[str, Any], row: Any) -> Any:
    """The row with one value of the wrong type: a text where a number goes, or a number where a text does."""
    bad = copy.deepcopy(row)
    features = signature.get("features") or [
        {"name": n, "type": "number"} for n in signature.get("feature_names") or []
    ]
    numeric = [j for j, f in enumerate(features) if f["type"] == "number"] + [
        j for j, f in enumerate(features) if f["type"] == "integer"
    ]
    j = numeric[0] if numeric else 0
    value = "not a number" if numeric else 12345
    if isinstance(bad, dict):
        bad[features[j]["name"] if features else next(iter(bad))] = value
    elif isinstance(bad, list):
        bad[j] = value
    else:
        bad = value  # a text model's row is its text
    return bad


def checked_signature(model: str) -> dict[str, Any]:
    """The model's signature, with a warning printed first when the plan would refuse the pickle's version."""
    signature = signature_of(model)
    warning = version_warning(signature)
    if warning:
        print(f"[start] {warning}", file=sys.stderr, flush=True)
    return signature


def version_warning(signature: dict[str, Any]) -> str | None:
    """What the offline plan refuses of a pickle from another scikit-learn than the image serves, said before
    the local run (the local function may load it, and answer differently from the deployed one)."""
    trained = signature.get("versions", {}).get("trained_with", {}).get("scikit-learn")
    served = FORMATS["sklearn"].serves.get("scikit-learn")
    if signature.get("format") != "sklearn" or trained is None or trained == served:
        return None
    return (
        f"warning: the model was trained with scikit-learn {trained}, but the image serves scikit-learn {served}: a "
        f"pickle from another version may not load, or may answer differently; retrain with scikit-learn {served}, "
        "or convert the model to ONNX (app/convert.py); `npm run plan` refuses to deploy it"
    )


def sample_events(signature: dict[str, Any], model_name: str) -> list[Event]:
    """What the function is sent by default. For a model that takes rows: the signature's sample as one
    row, as a batch, over its function URL, and one row with a value of the wrong type (which it must
    refuse with a 400). For every model: the sample through the inference protocol, and its model
    metadata."""
    infer_path = f"/v2/models/{model_name}/infer"
    json_headers = {"content-type": "application/json"}

    def url(method: str, path: str, document: Any = None) -> dict[str, Any]:
        body = json.dumps(document).encode() if document is not None else b""
        return serve.event_of(method, path, json_headers, body, client="127.0.0.1", host="localhost")

    request = protocol_request(signature)
    protocol = (
        [
            Event("the sample, POST /v2 infer", url("POST", infer_path, request)),
            Event("model metadata, GET /v2", url("GET", f"/v2/models/{model_name}")),
        ]
        if request is not None
        else []
    )
    sample = signature["sample"]
    if "inputs" in sample:
        broken = copy.deepcopy(sample)
        broken["inputs"][0]["shape"] = [*broken["inputs"][0]["shape"], 2]
        return [
            Event("the sample, direct", sample),
            *protocol,
            Event("a tensor of the wrong shape", url("POST", infer_path, broken), 400),
        ]
    rows = rows_of(sample)
    bad = wrong_value(signature, rows[0])
    return [
        Event("one row of the sample", one_row(rows[0])),
        Event(f"the sample's {len(rows)} rows", many_rows(rows)),
        Event("one row, function URL", url("POST", "/", many_rows(rows[:1]))),
        *protocol,
        Event("a value of the wrong type", one_row(bad), 400),
    ]


def answer_of(body: Any) -> tuple[int | None, Any]:
    """(status, the document) of a direct or proxy answer; (None, error) when the runtime failed it."""
    if isinstance(body, dict) and "errorType" in body:
        return None, body
    if isinstance(body, dict) and "statusCode" in body:
        try:
            return int(body["statusCode"]), json.loads(body.get("body") or "null")
        except ValueError:
            return int(body["statusCode"]), body.get("body")
    if isinstance(body, dict) and isinstance(body.get("status"), int):
        return body["status"], body
    return 200, body


def init_error(lam: LocalLambda) -> str | None:
    """The logged reason init failed, when it did."""
    for line in lam.log("function.log").splitlines():
        if '"init failed"' in line:
            try:
                return str(json.loads(line)["error"])
            except ValueError:
                return line
    return None


def start_in_docker(
    lam: LocalLambda,
    stack: contextlib.ExitStack,
    model: str,
    model_env: dict[str, str],
    args: argparse.Namespace,
    *,
    port: int | None,
) -> str:
    """Builds the target the component would (format, delivery) and runs it under the image's emulator."""
    import images
    import toolchain

    runtime = model_env[MODEL_ENV.format]
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
        env = {**model_env, MODEL_ENV.path: images.PATH_IN_IMAGE[runtime]}
    kind = "the stand-in base (local/standin.py)" if base.standin else base.local
    print(f"[start] image {built.ref} (target {target}, on {kind})", flush=True)
    url = lam.start_container(tc.docker, built.ref, env, port)
    print(f"[start] running the image's CMD {HANDLER} in a container, MODEL_* as the component sets them", flush=True)
    return url


def tensor_summary(tensor: dict[str, Any]) -> str:
    """name DATATYPE [shape], and the first values of its data when it has any."""
    text = f"{tensor.get('name')} {tensor.get('datatype')} {tensor.get('shape')}"
    data = tensor.get("data")
    if isinstance(data, list):
        text += f" {data[:3]}{'...' if len(data) > 3 else ''}"
    return text


def send(lam: LocalLambda, events: list[Event]) -> list[str]:
    """Sends each event and prints its answer; returns a line for each answer that is not what it expects."""
    unexpected = []
    for i, e in enumerate(events):
        result = lam.invoke(e.event)
        status, document = answer_of(result.body)
        if status is None:
            reason = init_error(lam)
            if reason is not None:
                raise LocalRunError(f"init failed: {reason}")
            raise LocalRunError(
                f"the runtime refused {e.label}: {document.get('errorType')}: {document.get('errorMessage')}"
            )
        label = " (cold start: init + invoke)" if i == 0 else ""
        ok = status == e.expect if e.expect is not None else 200 <= status < 300
        if ok and isinstance(document, dict) and "predictions" in document:
            what = f"predictions={document['predictions']}"
        elif ok and isinstance(document, dict) and "platform" in document:
            what = f"platform={document['platform']} inputs=" + ", ".join(tensor_summary(i) for i in document["inputs"])
        elif ok and isinstance(document, dict) and isinstance(document.get("outputs"), list):
            what = "outputs=" + ", ".join(tensor_summary(o) for o in document["outputs"])
        else:
            what = json.dumps(document)
        print(f"  {e.label:32s} status {status}  {result.seconds * 1000:8.1f} ms{label}  {what}", flush=True)
        if not ok:
            expected = f"status {e.expect}" if e.expect is not None else "a 2xx status"
            unexpected.append(f"{e.label} answered status {status} where it expects {expected}")
    return unexpected


def serve_until_interrupted(lam: LocalLambda, port: int, signature: dict[str, Any], model_name: str) -> None:
    """The function behind a local function URL, until Ctrl-C."""

    def invoke(event: dict[str, Any]) -> tuple[object, bool]:
        result = lam.invoke(event)
        failed = isinstance(result.body, dict) and "errorType" in result.body
        return result.body, failed

    endpoint = serve.Endpoint(invoke, port).start()
    # Each request's metric record, as CloudWatch would read it once deployed.
    tail = metrics_view.MetricsTail(lambda: lam.log("function.log"), lambda text: print(text, flush=True)).start()
    print(f"[start] the function's URL, locally: {endpoint.url}  (Ctrl-C stops it)", flush=True)
    sample = signature["sample"]
    if "inputs" not in sample:
        document = many_rows(rows_of(sample)[:1])
        body = json.dumps(document)
        # A JSON document of numbers and strings is also a Python literal, so the Python line can embed it.
        code = (
            "import json, urllib.request as u; "
            f'r = u.Request("{endpoint.url}", data=json.dumps({body}).encode(), '
            'headers={"Content-Type": "application/json"}); '
            "print(json.load(u.urlopen(r)))"
        )
        print(
            f"  curl -s -X POST {endpoint.url} -H 'Content-Type: application/json' -d {shlex.quote(body)}", flush=True
        )
        print(f"  python -c {shlex.quote(code)}", flush=True)
    host = endpoint.url.split("//", 1)[1].rstrip("/")
    print(f"[start] the inference protocol: {endpoint.url}v2/models/{model_name}/infer", flush=True)
    print(f"  curl -s {endpoint.url}v2/models/{model_name}", flush=True)
    triton = (
        f'import tritonclient.http as t; c = t.InferenceServerClient("{host}"); '
        f'print(c.is_model_ready("{model_name}"), c.get_model_metadata("{model_name}"))'
    )
    print(f"  python -c {shlex.quote(triton)}", flush=True)
    try:
        # Until Ctrl-C, or until what started it is gone: npm does not pass a SIGTERM on to its script, so a
        # killed `npm start` would otherwise leave this endpoint and its processes behind, orphaned.
        parent = os.getppid()
        while os.getppid() == parent:
            time.sleep(ORPHAN_POLL_SECONDS)
        print("[start] the command that started it is gone: stopping", flush=True)
    except KeyboardInterrupt:
        print("[start] Ctrl-C: stopping", flush=True)
    finally:
        tail.stop()
        endpoint.stop()


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"{PROG} --", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--model",
        action="append",
        metavar="PATH",
        help="serve this model, with its model.json beside it: .onnx (ONNX Runtime, the default demo) or .joblib "
        "(scikit-learn); NAME=PATH, given once per model, serves several models under their names, as `models` does",
    )
    parser.add_argument(
        "--model-name",
        default=DEFAULT_MODEL_NAME,
        metavar="NAME",
        help=f"the model's name in the inference protocol's paths, as modelName says (default {DEFAULT_MODEL_NAME}, "
        "the demo component's name)",
    )
    parser.add_argument(
        "--delivery",
        choices=["s3", "image"],
        default="s3",
        help="where the function finds the model, as modelDelivery says: fetched from S3 (default) or in place",
    )
    parser.add_argument(
        "--event",
        action="append",
        metavar="FILE",
        help="send this event file instead of the sample events (repeatable); a file may say what it expects: "
        '{"event": ..., "expect": {"status": 400}}',
    )
    parser.add_argument(
        "--serve", action="store_true", help="keep the function up behind a local HTTP endpoint, as its function URL"
    )
    parser.add_argument(
        "--port",
        type=int,
        help=f"with --serve, the endpoint's port (default {DEFAULT_SERVE_PORT}); else the emulator's (default: free)",
    )
    parser.add_argument("--s3-port", type=int, help="port of the local S3 API (default: a free one)")
    parser.add_argument(
        "--docker", action="store_true", help="run the image built from app/Dockerfile instead of the host's Python"
    )
    parser.add_argument(
        "--batch",
        metavar="FILE",
        help="score a data set (.csv with a header, or .jsonl) as the batch transform does, in ItemBatcher's "
        "batches through the function; needs --out",
    )
    parser.add_argument("--out", metavar="FILE", help="with --batch, where the output lines go (JSON Lines)")
    parser.add_argument(
        "--rows-per-batch",
        type=int,
        default=batch_run.DEFAULT_ROWS_PER_BATCH,
        metavar="N",
        help=f"with --batch, rows per invocation, as rowsPerBatch says (default {batch_run.DEFAULT_ROWS_PER_BATCH})",
    )
    parser.add_argument(
        "--passthrough",
        action="append",
        default=[],
        metavar="COLUMN",
        help="with --batch, a column copied to each output line and not given to the model (repeatable)",
    )
    parser.add_argument(
        "--queue",
        metavar="FILE",
        help="play queued requests: one message body per line, delivered as SQS delivers them, results in S3 on "
        "loopback, failures delivered again and then dead-lettered",
    )
    parser.add_argument(
        "--capture",
        metavar="DIR",
        help="data capture: write a record of every request the model answers (input, output, model) to "
        "DIR/dt=YYYY-MM-DD/*.jsonl, as a deployed dataCapture writes them to S3",
    )
    parser.add_argument(
        "--no-plan", action="store_true", help="skip the offline plan that follows the local run (npm run plan)"
    )
    return parser.parse_args(argv)


def run_batch(lam: LocalLambda, args: argparse.Namespace, signature: dict[str, Any]) -> None:
    """The data set through the function, batch by batch, into --out."""

    def invoke(event: bytes) -> Any:
        return lam.invoke_raw(event).body

    scorer = batch_run.through_emulator(invoke, tuple(args.passthrough))
    print(f"[start] scoring {args.batch} in batches of {args.rows_per_batch} rows into {args.out}", flush=True)
    named = None if signature.get("feature_names_generated", True) else list(signature["feature_names"])
    try:
        summary = batch_run.run(
            args.batch, args.out, scorer, rows_per_batch=args.rows_per_batch, columns=named,
            passthrough=tuple(args.passthrough),
        )  # fmt: skip
    except batch_run.BatchInputError as e:
        raise LocalRunError(str(e)) from None
    except RuntimeError as e:
        reason = init_error(lam)
        raise LocalRunError(f"init failed: {reason}" if reason else str(e)) from None
    rate = summary.rows / summary.seconds if summary.seconds else 0.0
    print(
        f"[start] {summary.rows:,} rows in {summary.seconds:.1f} s ({rate:,.0f} rows/s), {summary.errors:,} "
        f"with an error line; output: {args.out}",
        flush=True,
    )
    if summary.rows and summary.errors == summary.rows:
        raise LocalRunError(f"every row of {args.batch} failed; the first: {summary.first_error}")


QUEUE_BUCKET = "local-results"


def run_queue(lam: LocalLambda, args: argparse.Namespace) -> None:
    """The messages played through the function, each one's fate printed, and the results in S3 shown."""
    messages = queue_run.read_messages(args.queue)
    print(f"[start] {len(messages)} messages from {args.queue}, batches of {queue_run.DEFAULT_BATCH_SIZE}", flush=True)
    outcome = queue_run.play(messages, lambda event: lam.invoke(event).body)
    why = queue_run.reasons(lam.log("function.log"))
    for m in outcome.done:
        print(f"  done           id {queue_run.body_id(m):24s} message {m.id}, received {m.receives}x", flush=True)
    for m in outcome.dead_lettered:
        reason = why.get(m.id, "the invocation failed")
        print(f"  dead-lettered  id {queue_run.body_id(m):24s} message {m.id}, after {m.receives} receives: {reason}")
    print(
        f"[start] {len(outcome.done)} done, {len(outcome.dead_lettered)} dead-lettered, "
        f"{outcome.deliveries} deliveries",
        flush=True,
    )
    s3 = lam.s3_client()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=QUEUE_BUCKET).get("Contents", [])]
    print(f"[start] results in s3://{QUEUE_BUCKET}/: " + (", ".join(keys) or "none"), flush=True)
    for key in keys[:3]:
        print(f"  {key}: {s3.get_object(Bucket=QUEUE_BUCKET, Key=key)['Body'].read().decode()[:300]}", flush=True)


def check_jobs(args: argparse.Namespace) -> None:
    """--batch and --queue, refused before anything starts when they cannot run."""
    if args.batch and not args.out:
        raise LocalRunError("--batch needs --out FILE: where the output lines go")
    if args.batch and args.queue:
        raise LocalRunError("--batch and --queue are two runs: choose one")
    if (args.batch or args.queue) and args.delivery != "s3":
        raise LocalRunError("--batch and --queue run with the model in S3 (the default --delivery)")
    if args.batch:
        batch_run.format_of(args.batch)
        if not os.path.isfile(args.batch):
            raise LocalRunError(f"--batch {args.batch} does not exist")
    if args.queue and not os.path.isfile(args.queue):
        raise LocalRunError(f"--queue {args.queue} does not exist")
    if args.capture and args.docker:
        raise LocalRunError("--capture writes from the function on this machine: run it without --docker")
    if args.capture and os.path.exists(args.capture) and not os.path.isdir(args.capture):
        raise LocalRunError(f"--capture {args.capture} is a file: name a folder")


def run_events(lam: LocalLambda, events: list[Event], delivery: str) -> list[str]:
    """The events sent and answered, then how long the cold init took."""
    unexpected = send(lam, events)
    init_ms = next(
        (json.loads(s)["initMs"] for s in lam.log("function.log").splitlines() if '"model loaded"' in s), None
    )
    if init_ms is not None:
        fetch = "S3 fetch" if delivery == "s3" else "no S3"
        print(f"[start] cold init (imports, {fetch}, sha256 check, model load): {init_ms:.0f} ms", flush=True)
    return unexpected


def stage_model(lam: LocalLambda, model: str, args: argparse.Namespace) -> dict[str, str]:
    """The model where the function finds it (S3 on loopback, or the file itself), and the function's settings."""
    if args.delivery == "s3":
        print("[start] S3 API (moto_server) on loopback ...", flush=True)
        lam.start_s3(args.s3_port)
        model_env = lam.upload_model(model)
        print(
            f"[start]   s3://{model_env[MODEL_ENV.bucket]}/{model_env[MODEL_ENV.key]} "
            f"version {model_env[MODEL_ENV.version_id]} sha256 {model_env[MODEL_ENV.sha256][:12]} "
            f"format {model_env[MODEL_ENV.format]}",
            flush=True,
        )
    else:
        model_env = lam.local_model(model)
        print(
            f"[start] the model in the image: {model} sha256 {model_env[MODEL_ENV.sha256][:12]} "
            f"format {model_env[MODEL_ENV.format]} (no S3)",
            flush=True,
        )
    model_env[SETTINGS_ENV.model_name] = args.model_name
    if args.queue:
        lam.s3_client().create_bucket(Bucket=QUEUE_BUCKET)
        model_env[JOBS_ENV.async_output_uri] = f"s3://{QUEUE_BUCKET}/async/"
    if args.capture:
        folder = os.path.abspath(args.capture)
        os.makedirs(folder, exist_ok=True)
        model_env[CAPTURE_ENV.dir] = folder
        print(f"[start] data capture: each answered request's record goes to {folder}/dt=YYYY-MM-DD/", flush=True)
    return model_env


def captured(folder: str) -> str:
    """What --capture wrote: the records in each partition."""
    counts: dict[str, int] = {}
    for day in sorted(os.listdir(folder)):
        path = os.path.join(folder, day)
        if day.startswith("dt=") and os.path.isdir(path):
            for name in os.listdir(path):
                if name.endswith(".jsonl"):
                    with open(os.path.join(path, name)) as f:
                        counts[day] = counts.get(day, 0) + sum(1 for _ in f)
    listed = ", ".join(f"{day}: {n}" for day, n in counts.items()) or "none"
    return f"[start] captured records in {folder}: {listed}"


def named_models(given: list[str]) -> dict[str, str] | None:
    """NAME=PATH models (several models under their names); None for one model given by its path."""
    if len(given) == 1 and "=" not in given[0]:
        return None
    models: dict[str, str] = {}
    for item in given:
        name, sep, path = item.partition("=")
        if not sep or not MODEL_NAME.fullmatch(name) or name in models:
            raise LocalRunError(f"--model {item!r}: several models are each given as NAME=PATH, with a unique name")
        models[name] = os.path.abspath(path)
    return models


def run_many(args: argparse.Namespace, models: dict[str, str]) -> int:
    """Several models behind one function, as `models` deploys them: each answers its own sample under its
    name (or, with --serve, the local function URL serves them all)."""
    if args.docker or args.delivery != "s3" or args.batch or args.queue:
        raise LocalRunError(
            "several models run from S3 on this machine: leave out --docker, --delivery, --batch, --queue"
        )
    signatures = {name: checked_signature(path) for name, path in models.items()}
    events = [event for name, signature in signatures.items() for event in named_events(signature, name)]
    unexpected: list[str] = []
    with LocalLambda() as lam:
        lam.start_s3(args.s3_port)
        model_env = lam.upload_models(models)
        print(f"[start] {len(models)} models in s3://local-models/models/: {', '.join(models)}", flush=True)
        url = lam.start_function(model_env, free_port() if args.serve else args.port)
        print(f"[start] Lambda runtime emulator: {url}", flush=True)
        if args.serve:
            first = next(iter(models))
            serve_until_interrupted(lam, args.port or DEFAULT_SERVE_PORT, signatures[first], first)
        else:
            unexpected = run_events(lam, events, "s3")
    print("[start] stopped every process it started", flush=True)
    for line in unexpected:
        print(f"{PROG}: exit 1: {line}", file=sys.stderr, flush=True)
    return 1 if unexpected else 0


def named_events(signature: dict[str, Any], name: str) -> list[Event]:
    """A model's sample events in a function with many: each direct document names the model, each native
    HTTP request goes to POST /models/{name}."""
    named = []
    for event in sample_events(signature, name):
        body = event.event
        if isinstance(body, dict) and "requestContext" in body:
            if body.get("rawPath") == "/":
                body = {**body, "rawPath": f"/models/{name}"}
                body["requestContext"] = {**body["requestContext"], "http": {**body["requestContext"]["http"],
                                                                             "path": f"/models/{name}"}}  # fmt: skip
        elif isinstance(body, dict):
            body = {**body, "model": name}
        named.append(Event(f"[{name}] {event.label}", body, event.expect))
    return named


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    check_jobs(args)
    models = named_models(args.model or [DEMO_MODEL])
    # SIGTERM/SIGINT unwind through the context managers, which stop every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    return run_many(args, models) if models is not None else run_one(args)


def run_one(args: argparse.Namespace) -> int:
    """One model: its sample events, --serve, --batch or --queue, then the offline plan."""
    model = os.path.abspath((args.model or [DEMO_MODEL])[0])
    signature = checked_signature(model)
    if not MODEL_NAME.fullmatch(args.model_name):
        raise LocalRunError(f"--model-name {args.model_name!r} is not a model name: letters, digits, '.', '_' and '-'")
    events = [load_event(p) for p in args.event] if args.event else sample_events(signature, args.model_name)
    serve_port = (args.port or DEFAULT_SERVE_PORT) if args.serve else None
    if serve_port is not None and not port_is_free(serve_port):
        raise LocalRunError(f"port {serve_port} is busy; choose another with --port or stop what uses it")

    unexpected: list[str] = []
    with LocalLambda() as lam, contextlib.ExitStack() as stack:
        model_env = stage_model(lam, model, args)
        version = model_env.get(MODEL_ENV.version_id) or model_env[MODEL_ENV.sha256][:12]
        print(f"[start] model name {args.model_name!r}, version {version!r} (the inference protocol's /v2 paths)")
        rie_port = free_port() if args.serve else args.port
        if args.docker:
            url = start_in_docker(lam, stack, model, model_env, args, port=rie_port)
        else:
            url = lam.start_function(model_env, rie_port)
            print(f"[start] running {HANDLER} via awslambdaric, MODEL_* set as InferenceFunction sets them", flush=True)
        print(f"[start] Lambda runtime emulator: {url}", flush=True)
        if serve_port is not None:
            serve_until_interrupted(lam, serve_port, signature, args.model_name)
        elif args.batch:
            run_batch(lam, args, signature)
        elif args.queue:
            run_queue(lam, args)
        else:
            unexpected = run_events(lam, events, args.delivery)
    print("[start] stopped every process it started", flush=True)
    if args.capture:
        print(captured(os.path.abspath(args.capture)), flush=True)
    for line in unexpected:
        print(f"{PROG}: exit 1: {line}", file=sys.stderr, flush=True)
    if not (args.no_plan or args.serve or args.batch or args.queue):
        print("\n== offline plan of the same model (npm run plan)", flush=True)
        plan = [os.path.join(ROOT, "node_modules", ".bin", "ts-node"), "--transpile-only", "scripts/plan.ts"]
        command = [*plan, "--model", model, "--delivery", args.delivery]
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            unexpected.append("the offline plan failed")
    return 1 if unexpected else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (LocalRunError, batch_run.BatchInputError) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; every process it started was stopped", file=sys.stderr)
        sys.exit(130)
