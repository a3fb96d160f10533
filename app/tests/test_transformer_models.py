"""Transformer text models (runtimes/text.py), made here (transformer_models.py): a classifier and an embedder
served from their folder as an exporter writes it, each answer equal to the same computation done directly
with `tokenizers` and ONNX Runtime; every bad text refused by name; the inference protocol's BYTES input; the
batch transform; the model's files delivered and verified with it; and a graph that tokenizes itself."""

import json
import os

import numpy as np
import onnxruntime as ort
import pytest
from support import Context, make_app
from tokenizers import Tokenizer
from transformer_models import LABELS, embedding_table, save, string_lengths

import convert
from inference.errors import ModelLoadError
from inference.limits import Limits
from inference.runtimes import onnx as runtime_onnx
from inference.storage import model_store

TEXTS = ["a great film with a fine cast", "awful, slow and far too long", "Éclair TRÈS bon", "dull"]
LONG = " ".join(["wonderful"] * 200)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("transformers")
    return {task: save(str(base / task), task) for task in ("text-classification", "feature-extraction")}


def direct(model_path, texts, max_length=64):
    """The same work done by hand: the tokenizer (truncated, padded to the longest), the graph."""
    folder = model_path.rsplit("/", 1)[0]
    tokenizer = Tokenizer.from_file(f"{folder}/tokenizer.json")
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]"))
    encodings = tokenizer.encode_batch(texts)
    feeds = {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }
    return ort.InferenceSession(model_path).run(None, feeds)[0], feeds["attention_mask"]


def served(path, **env):
    return make_app(runtime_onnx.load(path, "text model"), sha256="t", cold=False)


def test_the_classifier_answers_labels_and_probabilities_as_the_direct_computation(folders):
    path = folders["text-classification"]
    logits, _ = direct(path, [*TEXTS, LONG])
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected = exp / exp.sum(axis=1, keepdims=True)
    answer = served(path)({"instances": [*TEXTS, LONG]}, Context())
    assert answer["predictions"] == [LABELS[i] for i in expected.argmax(axis=1)]
    assert np.abs(np.array(answer["probabilities"]) - expected).max() <= 1e-6
    assert (answer["maxLength"], answer["truncated"]) == (64, [False, False, False, False, True])


def test_one_text_a_named_text_and_a_text_in_a_list(folders):
    app = served(folders["text-classification"])
    expected = app({"instances": ["a great film"]}, Context())["predictions"]
    for document in ({"features": "a great film"}, {"features": {"text": "a great film"}},
                     {"instances": [["a great film"]]}):  # fmt: skip
        assert app(document, Context())["predictions"] == expected


@pytest.mark.parametrize(
    ("pooling", "normalize"), [("mean", "true"), ("cls", "true"), ("mean", "false"), ("none", "true")]
)
def test_the_embedder_pools_and_normalises_as_configured(folders, monkeypatch, pooling, normalize):
    monkeypatch.setenv("EMBEDDING_POOLING", pooling)
    monkeypatch.setenv("EMBEDDING_NORMALIZE", normalize)
    path = folders["feature-extraction"]
    hidden, mask = direct(path, TEXTS)
    answer = served(path)({"instances": TEXTS}, Context())
    if pooling == "none":
        for got, vectors, m in zip(answer["predictions"], hidden, mask, strict=True):
            tokens = vectors[: int(m.sum())]
            assert np.abs(np.array(got) - tokens / np.linalg.norm(tokens, axis=1, keepdims=True)).max() <= 1e-5
        return
    pooled = hidden[:, 0] if pooling == "cls" else (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    if normalize == "true":
        pooled = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    assert np.abs(np.array(answer["predictions"]) - pooled).max() <= 1e-5


@pytest.mark.parametrize(
    ("document", "code", "message"),
    [
        ({"instances": ["fine", ""]}, "empty_text", "instances[1] is an empty text: send the text to answer"),
        ({"features": 42}, "invalid_shape", "features must be a text"),
        ({"instances": ["ok", None]}, "invalid_shape", "instances[1] must be a text"),
        ({"instances": ["x" * 10_001]}, "text_too_long",
         "instances[0] has 10001 characters; at most MAX_TEXT_CHARS (10000) are allowed"),
        ({"instances": ["a"] * 1001}, "batch_too_large", "instances has 1001 rows; at most 1000 are allowed"),
    ],
)  # fmt: skip
def test_every_bad_text_is_a_400_that_names_it(folders, document, code, message):
    assert served(folders["text-classification"])(document, Context()) == {
        "status": 400, "error": code, "message": message
    }  # fmt: skip


def test_the_inference_protocol_takes_a_bytes_input_of_texts(folders):
    app = served(folders["text-classification"])
    request = {"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": TEXTS[:2]}]}
    outputs = {o["name"]: o for o in app(request, Context())["outputs"]}
    native = app({"instances": TEXTS[:2]}, Context())
    assert outputs["label"]["data"] == native["predictions"]
    assert np.allclose(np.reshape(outputs["probabilities"]["data"], (2, 2)), native["probabilities"], atol=1e-6)
    embedder = served(folders["feature-extraction"])
    vectors = {o["name"]: o for o in embedder(request, Context())["outputs"]}["embedding"]
    assert vectors["shape"] == [2, 32]
    empty = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": [""]}]}
    assert embedder(empty, Context()) == {
        "status": 400, "code": "empty_text", "error": "input 'text' holds an empty text at 0"
    }  # fmt: skip


def test_the_batch_scores_a_texts_rows(folders):
    app = served(folders["text-classification"])
    items = [{"index": i, "row": {"id": f"r{i}", "text": t}} for i, t in enumerate(TEXTS)]
    answer = app({"Items": items, "BatchInput": {"passthroughColumns": ["id"]}}, Context())
    lines = [json.loads(line) for line in answer["lines"].splitlines()]
    assert [line["prediction"] for line in lines] == app({"instances": TEXTS}, Context())["predictions"]
    assert [line["id"] for line in lines] == ["r0", "r1", "r2", "r3"]


def test_describe_writes_the_folders_signature_and_refuses_a_tokenizer_of_another_model(folders, tmp_path, capsys):
    path = folders["text-classification"]
    assert convert.main(["--describe", "--model", path]) == 0
    with open(path.rsplit("/", 1)[0] + "/model.json") as f:
        signature = json.load(f)
    assert (signature["task"], signature["layout"], signature["classes"]) == ("text-classification", "text", LABELS)
    assert signature["text"] == {"task": "text-classification", "maxLength": 64, "labels": LABELS}
    assert set(signature["files"]) == {"tokenizer.json", "config.json"}
    assert signature["files"]["tokenizer.json"] == model_store.sha256_of(path.rsplit("/", 1)[0] + "/tokenizer.json")
    assert len(signature["sample"]["instances"]) == 3
    small = save(str(tmp_path / "small"), "text-classification", vocab_size=200)
    save(str(tmp_path / "big"), "text-classification", vocab_size=400)
    (tmp_path / "small" / "tokenizer.json").write_bytes((tmp_path / "big" / "tokenizer.json").read_bytes())
    config = json.loads((tmp_path / "small" / "config.json").read_text())
    del config["vocab_size"]  # only the graph's embedding table can tell then
    (tmp_path / "small" / "config.json").write_text(json.dumps(config))
    assert convert.main(["--describe", "--model", small]) == 1
    tokens = Tokenizer.from_file(str(tmp_path / "big" / "tokenizer.json")).get_vocab_size()
    rows = Tokenizer.from_file(str(tmp_path / "small" / "tokenizer.json")).get_vocab_size()
    assert capsys.readouterr().err == (
        f"convert.py: tokenizer.json has {tokens} tokens, but the model's embedding table has 200 rows: it is not "
        "this model's tokenizer (export the model and its tokenizer together)\n"
    )
    assert rows == tokens


def test_a_tokenizer_larger_than_the_models_vocabulary_fails_init(folders, tmp_path):
    small = save(str(tmp_path / "small"), "text-classification", vocab_size=200)
    save(str(tmp_path / "big"), "text-classification", vocab_size=400)
    (tmp_path / "small" / "tokenizer.json").write_bytes((tmp_path / "big" / "tokenizer.json").read_bytes())
    refused = r"tokenizer\.json has \d+ tokens, but the model's config\.json says vocab_size 200"
    with pytest.raises(ModelLoadError, match=refused):
        runtime_onnx.load(small, "text model")


def test_the_models_files_are_verified_with_it_where_it_is(folders, tmp_path):
    path = folders["text-classification"]
    folder = path.rsplit("/", 1)[0]
    files = (model_store.ModelFile("tokenizer.json", model_store.sha256_of(f"{folder}/tokenizer.json")),)
    source = model_store.ModelSource(None, None, None, model_store.sha256_of(path), path, files)
    assert model_store.fetch(source, str(tmp_path)) == path
    wrong = (model_store.ModelFile("tokenizer.json", "0" * 64),)
    with pytest.raises(ModelLoadError, match=r"checksum mismatch for local file .*/tokenizer.json: expected sha256 0+"):
        model_store.fetch(model_store.ModelSource(None, None, None, source.sha256, path, wrong), str(tmp_path))
    env = {"MODEL_FILES": json.dumps({"tokenizer.json": {"sha256": "1" * 64, "versionId": "v2"}})}
    assert model_store.files_from_env(env) == (model_store.ModelFile("tokenizer.json", "1" * 64, "v2"),)
    with pytest.raises(Exception, match=r"MODEL_FILES: '\.\./x' must be a file name with a sha256"):
        model_store.files_from_env({"MODEL_FILES": json.dumps({"../x": {"sha256": "1" * 64}})})


def test_the_limits_of_a_text_are_the_contracts():
    assert Limits().max_text_chars == 10_000


def test_a_graph_that_reads_strings_itself_loads_onnxruntime_extensions_for_it_alone(tmp_path):
    """onnxruntime-extensions' operators (a tokenizer inside the graph): the library is registered only when the
    graph needs it, and such a graph's one string input takes texts as rows."""
    string_lengths(str(tmp_path / "lengths.onnx"))
    predictor = runtime_onnx.load(str(tmp_path / "lengths.onnx"), "lengths")
    app = make_app(predictor, sha256="l")
    assert app({"instances": ["abc", "Éclair"]}, Context())["predictions"] == [3.0, 6.0]
    # Its signature says what the image must hold, so that the component builds the text stage for it.
    (tmp_path / "texts.json").write_text(json.dumps({"instances": ["abc", "Éclair"]}))
    args = ["--describe", "--model", str(tmp_path / "lengths.onnx"), "--sample", str(tmp_path / "texts.json")]
    assert convert.main(args) == 0
    written = json.loads((tmp_path / "model.json").read_text())
    assert (written["requires"], written["layout"]) == (["onnxruntime-extensions"], "text")


def test_a_queued_message_of_texts_and_its_captured_record(folders, endpoint, monkeypatch, tmp_path):
    """The queue writes a text model's answer where the message says; capture records the texts and the answer."""
    from support import QUEUE_OUTPUT_BUCKET, empty_s3
    from test_capture import spooled
    from test_queue import sqs_event

    from inference.capture.spool import CaptureSettings
    from inference.capture.writer import Capture
    from inference.jobs import JobLocations
    from inference.storage.s3 import S3Client
    from inference.storage.s3uri import S3Uri

    s3 = empty_s3(endpoint, monkeypatch, QUEUE_OUTPUT_BUCKET)
    settings = CaptureSettings.from_env({"CAPTURE_DIR": str(tmp_path), "CAPTURE_SAMPLING_PERCENTAGE": "100"})
    assert settings is not None
    identity = {"name": "model", "sha256": "t", "versionId": None, "functionVersion": "1"}
    app = make_app(
        runtime_onnx.load(folders["text-classification"], "text"), sha256="t", cold=False,
        jobs=JobLocations(queue_output=S3Uri(QUEUE_OUTPUT_BUCKET, "async/")),
        storage=S3Client("us-east-1", endpoint), capture=Capture(settings, identity),
    )  # fmt: skip
    answer = app(sqs_event({"id": "t1", "input": {"instances": TEXTS[:2]}}), Context())
    assert answer == {"batchItemFailures": []}
    written = json.loads(s3.get_object(Bucket=QUEUE_OUTPUT_BUCKET, Key="async/t1.json")["Body"].read())
    expected = app({"instances": TEXTS[:2]}, Context())
    assert (written["predictions"], written["maxLength"]) == (expected["predictions"], 64)
    assert app.services.observer.capture.drain()
    records = [r for day in spooled(tmp_path).values() for r in day]
    assert records[0]["input"] == {"instances": TEXTS[:2]}
    assert records[0]["output"]["predictions"] == expected["predictions"]


def test_the_batch_writes_one_embedding_per_row(folders):
    app = served(folders["feature-extraction"])
    items = [{"index": i, "row": {"text": t}} for i, t in enumerate(TEXTS)]
    lines = [json.loads(line) for line in app({"Items": items, "BatchInput": {}}, Context())["lines"].splitlines()]
    expected = app({"instances": TEXTS}, Context())["predictions"]
    assert [line["row"] for line in lines] == [0, 1, 2, 3]
    assert np.abs(np.array([line["prediction"] for line in lines]) - np.array(expected)).max() <= 1e-7


def test_weights_beside_the_graph_are_described_delivered_verified_and_mapped(tmp_path, endpoint, monkeypatch):
    """ONNX external data: the weights' file is in the signature's files, fetched beside the model from S3,
    verified, and served; a changed weights file fails init naming it."""
    from support import empty_s3

    path = embedding_table(str(tmp_path / "big.onnx"), rows=5000)
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"inputs": [{"name": "ids", "datatype": "INT64", "shape": [1, 2], "data": [1, 2]}]}))
    assert convert.main(["--describe", "--model", path, "--sample", str(request)]) == 0
    written = json.loads((tmp_path / "model.json").read_text())
    data = tmp_path / "big.onnx.data"
    assert written["files"] == {"big.onnx.data": model_store.sha256_of(str(data))}
    s3 = empty_s3(endpoint, monkeypatch, "models-bucket")
    s3.put_object(Bucket="models-bucket", Key="m/big.onnx", Body=(tmp_path / "big.onnx").read_bytes())
    s3.put_object(Bucket="models-bucket", Key="m/big.onnx.data", Body=data.read_bytes())
    env = {"MODEL_BUCKET": "models-bucket", "MODEL_KEY": "m/big.onnx", "MODEL_SHA256": written["sha256"],
           "MODEL_FILES": json.dumps({"big.onnx.data": {"sha256": written["files"]["big.onnx.data"]}})}  # fmt: skip
    source = model_store.ModelSource.from_env(env)
    from inference.storage.s3 import S3Client

    fetched = model_store.fetch(source, str(tmp_path / "cache"), S3Client("us-east-1", endpoint))
    assert sorted(os.listdir(os.path.dirname(fetched))) == ["big.onnx", "big.onnx.data"]
    app = make_app(runtime_onnx.load(fetched, "big"), sha256="b", cold=False)
    answer = app({"inputs": [{"name": "ids", "datatype": "INT64", "shape": [1, 2], "data": [1, 2]}]}, Context())
    table = np.frombuffer(data.read_bytes(), dtype=np.float32).reshape(5000, 8)
    assert np.allclose(answer["outputs"][0]["data"], table[[1, 2]].mean(axis=0), atol=1e-6)
    s3.put_object(Bucket="models-bucket", Key="m/big.onnx.data", Body=data.read_bytes()[:-4] + b"\0\0\0\0")
    with pytest.raises(ModelLoadError, match=r"^checksum mismatch for s3://models-bucket/m/big\.onnx\.data"):
        model_store.fetch(source, str(tmp_path / "other-cache"), S3Client("us-east-1", endpoint))
