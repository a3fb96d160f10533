"""A transformer text model (examples/text-classifier: model.onnx, tokenizer.json and config.json) through the
local tools as a user runs them: `npm start` sends its sample texts on every route, `--batch` scores a CSV of
texts (commas, quotes and accents in its cells) with the answers the app gives in-process, `--delivery image`
verifies the files beside the model, and an unchanged Triton client sends a BYTES input of texts."""

import csv
import json
import os
import shutil

import numpy as np
import pytest
import tritonclient.http as triton
from support import Context, make_app
from test_start import RIE, npm_start
from test_tritonclient import ROOT, start_serving

from inference.runtimes import onnx as runtime_onnx

MODEL = os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx")
TEXTS = ['a great film, "truly"', "awful; slow and far too long", "Éclair TRÈS bon", "dull", "the best film " * 40]
needs_rie = pytest.mark.skipif(not os.path.exists(RIE), reason="aws-lambda-rie not built; run scripts/setup.sh")


def in_process(texts):
    """What the app answers for these texts without the emulator, S3 or a process between."""
    app = make_app(runtime_onnx.load(MODEL, "text model"), sha256="t", cold=False)
    return app({"instances": texts}, Context())


@needs_rie
def test_npm_start_sends_the_signatures_sample_texts_on_every_route():
    result = npm_start("--model", MODEL)
    assert result.returncode == 0, result.stderr + result.stdout
    for route in (
        "one row of the sample",
        "the sample's 3 rows",
        "one row, function URL",
        "the sample, POST /v2 infer",
    ):
        assert any(line.startswith(f"  {route}") and "status 200" in line for line in result.stdout.splitlines())
    assert "outputs=label BYTES [3]" in result.stdout
    assert "  text model (text-classification): labels negative, positive; texts truncated to 64 tokens" in (
        result.stdout
    )
    assert "[pass] role reads only the model's objects (the model, the files beside it)" in result.stdout


@needs_rie
def test_the_batch_scores_a_csv_of_texts_as_the_app_does_in_process(tmp_path):
    with open(tmp_path / "in.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows([[i, text] for i, text in enumerate(TEXTS)])
    out = tmp_path / "out.jsonl"
    result = npm_start("--model", MODEL, "--batch", str(tmp_path / "in.csv"), "--out", str(out), "--passthrough", "id")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    expected = in_process(TEXTS)
    assert [line["id"] for line in lines] == [str(i) for i in range(len(TEXTS))]
    assert [line["prediction"] for line in lines] == expected["predictions"]
    got = np.array([line["probabilities"] for line in lines])
    assert np.abs(got - np.array(expected["probabilities"])).max() <= 1e-6


@needs_rie
def test_the_model_in_the_image_has_its_files_verified_beside_it(tmp_path):
    result = npm_start("--model", MODEL, "--delivery", "image", "--no-plan")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "(no S3)" in result.stdout
    # A tokenizer changed after the signature was written fails init, naming the file.
    for name in ("model.onnx", "model.json", "config.json", "tokenizer.json"):
        shutil.copy(os.path.join(os.path.dirname(MODEL), name), tmp_path / name)
    with open(tmp_path / "tokenizer.json", "a") as f:
        f.write(" ")
    broken = npm_start("--model", str(tmp_path / "model.onnx"), "--delivery", "image", "--no-plan")
    assert broken.returncode == 1
    assert "tokenizer.json" in broken.stderr.strip().splitlines()[-1]
    assert "sha256" in broken.stderr.strip().splitlines()[-1]


@needs_rie
def test_a_triton_client_sends_a_bytes_input_of_texts():
    client, proc = start_serving(MODEL, "sentiment")
    try:
        metadata = client.get_model_metadata("sentiment")
        assert metadata["inputs"] == [{"name": "text", "datatype": "BYTES", "shape": [-1]}]
        texts = TEXTS[:3]
        sent = triton.InferInput("text", [len(texts)], "BYTES")
        sent.set_data_from_numpy(np.array([t.encode() for t in texts], dtype=np.object_), binary_data=True)
        answer = client.infer("sentiment", [sent])
        expected = in_process(texts)
        assert [b.decode() for b in answer.as_numpy("label")] == expected["predictions"]
        assert np.abs(answer.as_numpy("probabilities") - np.array(expected["probabilities"])).max() <= 1e-6
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)


@needs_rie
def test_an_embedder_answers_its_sample_and_scores_a_file_of_texts(tmp_path):
    from transformer_models import save

    import convert

    model = save(str(tmp_path / "embedder"), "feature-extraction")
    assert convert.main(["--describe", "--model", model]) == 0
    result = npm_start("--model", model, "--no-plan")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "outputs=embedding FP32 [3, 32]" in result.stdout
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS[:3]))
    out = tmp_path / "out.jsonl"
    assert npm_start("--model", model, "--batch", str(tmp_path / "in.jsonl"), "--out", str(out)).returncode == 0
    vectors = np.array([json.loads(line)["prediction"] for line in out.read_text().splitlines()])
    app = make_app(runtime_onnx.load(model, "embedder"), sha256="e", cold=False)
    assert np.abs(vectors - np.array(app({"instances": TEXTS[:3]}, Context())["predictions"])).max() <= 1e-6
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)  # L2-normalised by default
