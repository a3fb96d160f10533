"""`npm run test:image`: the app's Dockerfile built into real images and run,
the way the article's local loop does it (build, run under the emulator, POST
events to the invoke endpoint), plus what the component relies on: the
manifest Lambda accepts, and an image without build leftovers.

Needs a Docker engine (or root on Debian, where local/toolchain.py installs and
starts one). Without one the module is skipped, unless REQUIRE_IMAGE_TESTS=1
(CI), where that is a failure.
"""

import base64
import json
import os
import re
import struct
import subprocess

import pytest

import images
import local_lambda
import toolchain

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = os.path.join(ROOT, "app")

REQUIRED = os.environ.get("REQUIRE_IMAGE_TESTS") == "1"
SIZES: dict[str, int] = {}


def events(name):
    """A sample event; a file that says what it expects ({"event": ..., "expect": ...}) holds it under "event"."""
    with open(os.path.join(APP, "events", f"{name}.json")) as f:
        document = json.load(f)
    return document["event"] if set(document) == {"event", "expect"} else document


@pytest.fixture(scope="module")
def tc():
    try:
        with toolchain.Toolchain() as chain:
            yield chain
    except toolchain.ToolchainError as e:
        if REQUIRED:
            pytest.fail(f"image tests are required here (REQUIRE_IMAGE_TESTS=1): {e}")
        pytest.skip(f"no Docker toolchain: {e}")


@pytest.fixture(scope="module")
def base(tc):
    return images.base_image(tc)


@pytest.fixture(scope="module")
def built(tc, base):
    """Every runtime target of app/Dockerfile, built once for the host platform."""
    result = {}
    for runtime in images.RUNTIMES:
        result[runtime] = images.build_app(tc, base, runtime)
        SIZES[runtime] = tc.image_bytes(result[runtime].ref) - tc.image_bytes(base.local)
        print(f"\n{runtime}: {SIZES[runtime] / 1e6:.1f} MB above the base, manifest {result[runtime].media_type}")
    return result


def test_the_pushed_manifest_is_a_single_image_lambda_accepts(tc, built):
    for runtime, image in built.items():
        assert image.media_type in toolchain.SINGLE_IMAGE_MANIFESTS, (runtime, image.media_type)
        manifest = tc.manifest(image.ref)
        assert "manifests" not in manifest
        assert manifest["config"]["mediaType"] in (
            "application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json",
        )


def test_every_image_carries_the_label_that_lets_lambda_snapshot_it(tc, built):
    """SnapStart snapshots an image on another base than AWS's (this suite's stand-in) only with the label."""
    for runtime, image in built.items():
        labels = tc.image_config(image.ref)["config"]["Labels"]  # type: ignore[index]
        assert labels["com.amazonaws.lambda.feature.snapstart"] == "Allow", runtime


ARM64 = "linux/arm64"


def test_the_arm64_image_is_one_arm64_image_and_answers_under_emulation(tc):
    """architecture "arm64": the onnx target built for linux/arm64 (QEMU through binfmt_misc on another
    host), pushed as one arm64 image, and run: an aarch64 Python answers the sample event."""
    tc.enable_emulation(ARM64)
    base = images.base_image(tc, ARM64)
    image = images.build_app(tc, base, "onnx", tag="arm64", platform_name=ARM64)
    assert image.media_type in toolchain.SINGLE_IMAGE_MANIFESTS
    assert "manifests" not in tc.manifest(image.ref)
    config = tc.image_config(image.ref)
    assert (config["os"], config["architecture"]) == ("linux", "arm64")
    SIZES["onnx-arm64"] = tc.image_bytes(image.ref) - tc.image_bytes(base.local)
    print(f"\nonnx arm64: {SIZES['onnx-arm64'] / 1e6:.1f} MB above the base, manifest {image.media_type}")
    machine = subprocess.run(
        [tc.docker, "run", "--rm", "--platform", ARM64, "--entrypoint", "python3", image.ref, "-c",
         "import platform; print(platform.machine())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert machine == "aarch64"
    with local_lambda.LocalLambda() as lam:
        model_env = images.model_environment(lam, "onnx", "s3")
        lam.start_container(tc.docker, image.ref, model_env, platform_name=ARM64)
        direct = lam.invoke(events("direct"), timeout=180)
        batch = lam.invoke(events("batch"), timeout=60)
        log = lam.log("function.log")
    assert isinstance(direct.body, dict) and direct.body.get("predictions") == ["setosa"], (direct, log[-3000:])
    assert direct.body["model"]["sha256"] == model_env["MODEL_SHA256"][:12]
    assert batch.body["predictions"] == ["setosa", "versicolor", "virginica"]


def test_the_python_313_image_answers(tc):
    """pythonVersion "3.13": the onnx target on Python 3.13's base (its stand-in: Debian trixie's 3.13) installs
    the same locked wheels for cp313 and answers."""
    base = images.base_image(tc, python="3.13")
    image = images.build_app(tc, base, "onnx", tag="py313")
    version = subprocess.run(
        [tc.docker, "run", "--rm", "--entrypoint", "python3", image.ref, "-c",
         "import sys, numpy, onnxruntime; print(*sys.version_info[:2], sep='.')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert version == "3.13"
    SIZES["onnx-py3.13"] = tc.image_bytes(image.ref) - tc.image_bytes(base.local)
    print(f"\nonnx on Python 3.13: {SIZES['onnx-py3.13'] / 1e6:.1f} MB above the base")
    with local_lambda.LocalLambda() as lam:
        model_env = images.model_environment(lam, "onnx", "s3")
        lam.start_container(tc.docker, image.ref, model_env)
        direct = lam.invoke(events("direct"))
    assert direct.body["predictions"] == ["setosa"], direct.body


def test_default_attestations_would_push_an_index_lambda_rejects(tc, base):
    """The check above can fail: buildx's defaults (provenance on) push an index with an attestation manifest."""
    image = images.build_app(tc, base, images.RUNTIMES[0], attestations=True, pull=False, tag="with-attestations")
    assert image.media_type == "application/vnd.oci.image.index.v1+json"
    platforms = [m["platform"] for m in tc.manifest(image.ref)["manifests"]]
    assert {"architecture": "unknown", "os": "unknown"} in platforms
    assert len(platforms) == 2


@pytest.mark.parametrize("runtime", images.RUNTIMES)
@pytest.mark.parametrize("delivery", images.DELIVERIES)
def test_the_container_answers_the_sample_events(tc, base, built, runtime, delivery):
    image = images.image_for(tc, base, built, runtime, delivery)
    with local_lambda.LocalLambda() as lam:
        model_env = images.model_environment(lam, runtime, delivery)
        lam.start_container(tc.docker, image, model_env)
        direct = lam.invoke(events("direct"))
        batch = lam.invoke(events("batch"))
        url = lam.invoke(events("function-url"))
        bad = lam.invoke(events("bad-request"))
        # The inference protocol, binary tensors in and out, as tritonclient sends them through a function URL.
        v2 = lam.invoke(events("v2-infer"))
        # A Distributed Map batch with a bad row, and an SQS batch (no output location is set here).
        scored = lam.invoke(events("batch-transform"))
        queued = lam.invoke(events("sqs"))
        log = lam.log("function.log")
    assert direct.body["predictions"] == ["setosa"], direct.body
    assert direct.body["model"]["sha256"] == model_env["MODEL_SHA256"][:12]
    assert len(direct.body["probabilities"][0]) == 3
    assert batch.body["predictions"] == ["setosa", "versicolor", "virginica"]
    assert url.body["statusCode"] == 200 and json.loads(url.body["body"])["predictions"] == ["virginica"]
    assert bad.body == {"status": 400, "error": "not_numeric", "message": "features[1] must be a number; got string"}
    assert v2.body["statusCode"] == 200 and v2.body["isBase64Encoded"] is True
    answer = base64.b64decode(v2.body["body"])
    length = int(v2.body["headers"]["Inference-Header-Content-Length"])
    header = json.loads(answer[:length])
    assert (header["id"], header["model_name"], header["parameters"]["model_sha256"]) == (
        "sample-1",
        "model",
        model_env["MODEL_SHA256"][:12],
    )
    assert answer[length:] == struct.pack("<I", 9) + b"virginica"
    lines = [json.loads(line) for line in scored.body["lines"].splitlines()]
    assert (scored.body["rows"], scored.body["errors"]) == (4, 1)
    assert [line.get("prediction") for line in lines] == ["setosa", "versicolor", None, "virginica"]
    assert lines[2] == {
        "row": 2,
        "id": "a-3",
        "error": "not_numeric",
        "message": "row 2.sepal_length must be a number; got string",
    }
    assert queued.body == {"batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]}
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    loaded = [r for r in records if r["message"] == "model loaded"]
    assert len(loaded) == 1 and loaded[0]["features"] == 4
    requests = [r for r in records if r["message"] == "request"]
    assert [(r["coldStart"], r["status"]) for r in requests] == [
        (True, 200),
        (False, 200),
        (False, 200),
        (False, 400),
        (False, 200),
        (False, 200),
    ]
    failed = [r for r in records if r["message"] == "message failed"]
    assert [(r["error"], r["reason"]) for r in failed] == [
        ("invalid_message", "message order-1234 has no output, and the function no default")
    ]
    # Features are never logged: no list or object reaches a request line but the metrics directive.
    assert all(not isinstance(v, list | dict) for r in requests for k, v in r.items() if k != "_aws")
    assert all(r["Version"] == "$LATEST" and r["Status2xx"] + r["Status4xx"] == 1 for r in requests)


def test_data_capture_reaches_s3_through_the_extension_and_a_shutdown_flushes_it(tc, base):
    """The image built with the capture extension, under the emulator (which runs /opt/extensions and serves
    the Extensions API as Lambda does): records are uploaded when the environment shuts down, by date."""
    import boto3

    image = images.build_app(tc, base, "onnx", data_capture=True).ref
    marker = 0.271828
    with local_lambda.LocalLambda() as lam:
        model_env = images.model_environment(lam, "onnx", "s3")
        s3 = boto3.client(
            "s3",
            endpoint_url=lam.endpoint,
            region_name="us-east-1",
            aws_access_key_id=local_lambda.FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=local_lambda.FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket="capture")
        capture_env = {"CAPTURE_URI": "s3://capture/records/", "CAPTURE_MAX_SECONDS": "3600"}
        lam.start_container(tc.docker, image, model_env, extra_env=capture_env)
        answers = [lam.invoke({"features": [5.1, 3.5, 1.4, marker + i]}) for i in range(3)]
        bad = lam.invoke({"features": [5.1, marker]})
        held = s3.list_objects_v2(Bucket="capture").get("KeyCount")
        lam.stop_container(graceful=True)
        log = lam.log("function.log")
        listed = s3.list_objects_v2(Bucket="capture").get("Contents", [])
        records = [
            json.loads(line)
            for o in listed
            for line in s3.get_object(Bucket="capture", Key=o["Key"])["Body"].read().splitlines()
        ]
    assert [a.status for a in answers] == [200, 200, 200], log
    assert isinstance(bad.body, dict) and bad.body["status"] == 400, (bad.body, log)
    assert held == 0, "records wait for the buffer time or the shutdown"
    assert "External agent lambda-inference-capture" in log and "subscribed to [INVOKE SHUTDOWN]" in log
    [key] = [o["Key"] for o in listed]
    assert re.fullmatch(r"records/dt=\d{4}-\d{2}-\d{2}/LATEST-\d+-[0-9a-f]{8}-[0-9a-f]{8}\.jsonl", key), key
    assert [r["input"]["features"][3] for r in records] == [marker, marker + 1, marker + 2]
    assert [r["output"] for r in records] == [a.body for a in answers]
    assert {r["model"]["sha256"] for r in records} == {model_env["MODEL_SHA256"]}
    assert str(marker) not in log, "no captured feature reaches the function's log"


@pytest.mark.parametrize("runtime", images.RUNTIMES)
def test_the_final_image_holds_no_build_leftovers(tc, built, runtime):
    files = tc.files(built[runtime].ref)
    task = [f for f in files if f.startswith("/var/task/")]
    leftovers = [
        f
        for f in task
        if f.rstrip("/").rsplit("/", 1)[-1] in ("tests", "test", "requirements.txt", "prune_site_packages.py")
        or f.endswith((".h", ".pyx", ".pxd", ".c"))
    ]
    assert leftovers == []
    assert not [f for f in files if "/.cache/pip" in f], "no pip cache"
    assert not [f for f in files if re.search(r"/s?bin/(gcc|cc|c\+\+|g\+\+|make|ld)(-[0-9.]+)?$", f)], "no build tools"
    assert not [f for f in files if f.startswith("/build/")], "the builder's workdir stays in the builder"
    # The function's package, compiled at build time (the task root is read-only at run time), and its contract.
    assert {"/var/task/inference/handler.py", "/var/task/inference/contract.json"} <= set(files)
    assert any(f.startswith("/var/task/inference/__pycache__/handler.") for f in files)


def test_a_format_the_image_lacks_fails_init_naming_the_target(tc, built):
    """The onnx image has no scikit-learn: told to load a pickle, init fails before anything is unpickled."""
    with local_lambda.LocalLambda() as lam:
        lam.start_s3()
        model_env = lam.upload_model(local_lambda.DEMO_MODELS["sklearn"])
        lam.start_container(tc.docker, built["onnx"].ref, model_env)
        answer = lam.invoke(events("direct"))
        log = lam.log("function.log")
    assert "predictions" not in answer.body
    failures = [json.loads(line) for line in log.splitlines() if line.startswith("{") and '"init failed"' in line]
    assert failures and failures[0]["error"] == (
        "MODEL_FORMAT is sklearn, but this image has no sklearn: build app/Dockerfile's `sklearn` target "
        "(the component picks it from modelFormat)"
    )


def test_the_local_runs_put_the_model_where_the_dockerfile_does():
    with open(os.path.join(APP, "Dockerfile")) as f:
        paths = re.findall(r"^ENV MODEL_PATH=\$\{LAMBDA_TASK_ROOT\}(/model/model\.\w+)$", f.read(), re.MULTILINE)
    # The text stage's bundled target puts its graph where the ONNX one does.
    assert sorted({"/var/task" + p for p in paths}) == sorted(images.PATH_IN_IMAGE.values())


def test_the_base_image_is_pinned_by_the_digest_its_registry_serves(tc, base, tmp_path):
    """`npm run pin-base-image` against the loopback registry: the digest written is the one pushed,
    and the Dockerfile pinned by it still builds."""
    import shutil

    import pin_base_image

    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("tests", "model", "__pycache__"))
    dockerfile = app / "Dockerfile"
    assert pin_base_image.main(["--dockerfile", str(dockerfile), "--check"]) == 1
    assert pin_base_image.main(["--image", base.pushed, "--dockerfile", str(dockerfile)]) == 0
    pinned = re.search(r"^ARG BASE_IMAGE=(\S+)$", dockerfile.read_text(), re.MULTILINE).group(1)
    pushed_digest = tc.manifest(base.pushed)
    assert pinned.startswith(base.pushed + "@sha256:")
    assert pin_base_image.main(["--dockerfile", str(dockerfile), "--check"]) == 0
    assert pushed_digest["schemaVersion"] == 2
    built = tc.build(str(app), "pinned:test", target="onnx", pull_into_engine=False)  # no BASE_IMAGE: the pin
    assert built.media_type in toolchain.SINGLE_IMAGE_MANIFESTS


def test_pinning_an_unreachable_image_says_so_in_one_line_and_changes_nothing(capsys, tmp_path):
    import pin_base_image

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG BASE_IMAGE=127.0.0.1:9/lambda/python:3.12\nFROM ${BASE_IMAGE}\n")
    assert pin_base_image.main(["--dockerfile", str(dockerfile)]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("pin-base-image: 127.0.0.1:9/lambda/python:3.12: cannot reach 127.0.0.1:9 (")
    assert dockerfile.read_text() == "ARG BASE_IMAGE=127.0.0.1:9/lambda/python:3.12\nFROM ${BASE_IMAGE}\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Models as data scientists train them: a text pipeline converted to ONNX (which must find its locale and
    tokenize Unicode on the image's base), and a ColumnTransformer pipeline pickled for the scikit-learn runtime
    (which must build a DataFrame there); with rows and the original models' answers."""
    import joblib
    from tabular_models import REVIEWS, churn_model, records, reviews_model

    import convert

    folder = tmp_path_factory.mktemp("trained")
    reviews = reviews_model()
    joblib.dump(reviews, folder / "text.joblib")
    (folder / "texts.json").write_text(json.dumps({"instances": REVIEWS}))
    args = ["--model", str(folder / "text.joblib"), "--sample", str(folder / "texts.json")]
    assert convert.main([*args, "--out", str(folder / "text")]) == 0
    churn, frame = churn_model()
    joblib.dump(churn, folder / "churn.joblib")
    texts = ["ÉCLAIR très bon", "GREAT fun", "boring, BAD"]
    rows = [{**r, "autopay": int(r["autopay"])} for r in records(frame, 20)]  # the pickle takes the flag as a number
    return {
        "onnx": (str(folder / "text" / "model.onnx"), texts, reviews.predict(texts).tolist()),
        "sklearn": (str(folder / "churn.joblib"), rows, churn.predict(frame.head(20)).tolist()),
    }


@pytest.mark.parametrize("runtime", images.RUNTIMES)
def test_models_as_data_scientists_train_them_answer_in_the_image(tc, built, trained, runtime):
    model, rows, expected = trained[runtime]
    with local_lambda.LocalLambda() as lam:
        lam.start_container(tc.docker, built[runtime].ref, images.model_environment(lam, runtime, "s3", model=model))
        answer = lam.invoke({"instances": rows})
    assert answer.body["predictions"] == expected, answer.body


TEXT_MODEL = os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx")
TEXTS = ["a great film, truly", "awful, slow and far too long", "Éclair TRÈS bon"]


@pytest.fixture(scope="module")
def text_image(tc, base):
    """The `onnx-text` target: the ONNX runtime plus the text stage (tokenizers, onnxruntime-extensions)."""
    built = images.build_app(tc, base, "onnx-text")
    SIZES["onnx-text"] = tc.image_bytes(built.ref) - tc.image_bytes(base.local)
    print(f"\nonnx-text: {SIZES['onnx-text'] / 1e6:.1f} MB above the base")
    return built


def in_process(texts):
    from support import Context, make_app

    from inference.runtimes import onnx as runtime_onnx

    return make_app(runtime_onnx.load(TEXT_MODEL, "text"), sha256="t", cold=False)({"instances": texts}, Context())


def test_a_text_model_answers_in_the_text_image_from_s3_with_its_files_beside_it(tc, text_image):
    expected = in_process(TEXTS)
    with local_lambda.LocalLambda() as lam:
        model_env = images.model_environment(lam, "onnx", "s3", model=TEXT_MODEL)
        assert set(json.loads(model_env["MODEL_FILES"])) == {"tokenizer.json", "config.json"}
        lam.start_container(tc.docker, text_image.ref, model_env)
        answer = lam.invoke({"instances": TEXTS})
    assert answer.body["predictions"] == expected["predictions"], answer.body
    assert (answer.body["maxLength"], answer.body["truncated"]) == (64, [False, False, False])
    # The text stage is a few MB on top of the ONNX image, not PyTorch's gigabytes.
    if "onnx" in SIZES:
        assert SIZES["onnx-text"] - SIZES["onnx"] < 40e6, SIZES


def test_a_text_model_in_the_image_is_verified_with_the_files_beside_it(tc, base):
    bundled = images.build_bundled(tc, base, "onnx-text", TEXT_MODEL)
    files = tc.files(bundled.ref)
    assert {"/var/task/model/model.onnx", "/var/task/model/tokenizer.json", "/var/task/model/config.json"} <= set(files)
    with local_lambda.LocalLambda() as lam:
        lam.start_container(tc.docker, bundled.ref, images.model_environment(lam, "onnx", "image", model=TEXT_MODEL))
        answer = lam.invoke({"features": TEXTS[0]})
    assert answer.body["predictions"] == in_process(TEXTS[:1])["predictions"], answer.body


def test_a_graph_that_tokenizes_itself_runs_in_the_text_image_and_names_it_elsewhere(tc, built, text_image, tmp_path):
    from transformer_models import string_lengths

    string_lengths(str(tmp_path / "lengths.onnx"))
    answers = {}
    for name, image in (("text", text_image.ref), ("onnx", built["onnx"].ref)):
        with local_lambda.LocalLambda() as lam:
            model_env = images.model_environment(lam, "onnx", "s3", model=str(tmp_path / "lengths.onnx"))
            lam.start_container(tc.docker, image, model_env)
            answers[name] = lam.invoke({"instances": ["abc", "Éclair"]})
            log = lam.log("function.log")
    # onnxruntime-extensions loads its operator library alone: the image has no onnx package.
    assert answers["text"].body["predictions"] == [3.0, 6.0], answers["text"].body
    failures = [json.loads(line) for line in log.splitlines() if line.startswith("{") and '"init failed"' in line]
    assert failures and failures[0]["error"].endswith(
        "uses onnxruntime-extensions' operators (ai.onnx.contrib), which this image lacks: build app/Dockerfile's "
        "`onnx-text` target (the component picks it for a text model)"
    )
