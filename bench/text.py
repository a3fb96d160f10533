"""P2.text, P1.text and P3.text: a transformer text classifier (examples/text-classifier: a BERT-shaped graph,
its tokenizer.json and config.json).

P2.text.single  one 20-word text through the handler, against the same work done directly: the tokenizer's
                encode, the ONNX Runtime run and a softmax.
P1.text.image   cold init of the function with that model in the image (a local file and its files beside it,
                each verified), against the seed design's cold init (measured by P1 in the same run).
P3.text         the bytes the text stage (tokenizers, onnxruntime-extensions) adds to the ONNX image's packages,
                after the Dockerfile's own pruning, against the seed's set.
"""

import contextlib
import json
import os
import statistics
import sys
from functools import partial
from typing import Any

import measure
from inference.storage import model_store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx")


# One 20-word review, as a caller sends it.
TWENTY_WORDS = "a great film with a fine cast and a moving story the acting was wonderful and the music lovely i loved"


def p2_text(iterations: int) -> dict[str, Any]:
    """The handler on one text, against tokenizers + ONNX Runtime + softmax on the same text, interleaved."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from inference import runtimes
    from inference.app import assemble, served_model

    text = TWENTY_WORDS
    app = assemble(served_model(runtimes.runtime("onnx").load(MODEL, "bench")))
    tokenizer = Tokenizer.from_file(os.path.join(os.path.dirname(MODEL), "tokenizer.json"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(MODEL, options, providers=["CPUExecutionProvider"])

    def direct() -> Any:
        encoding = tokenizer.encode(text)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        logits = session.run(None, feeds)[0]
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    class Context:
        aws_request_id = "bench"

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        samples = measure.interleaved(iterations, 200, base=direct, ours=partial(app, {"features": text}, Context()))
    return {
        "words": len(text.split()),
        "direct_p50_us": measure.p50(samples["base"]) * 1e6,
        "handler_p50_us": measure.p50(samples["ours"]) * 1e6,
    }


def p1_text_image(runs: int) -> dict[str, Any]:
    """Fresh processes to ready, the text model in the image: the graph and its files verified, the tokenizer
    and the session loaded."""
    with open(os.path.join(os.path.dirname(MODEL), "model.json")) as f:
        files = json.load(f)["files"]
    env = {
        "PATH": os.environ["PATH"],
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": measure.APP,
        "MODEL_PATH": MODEL,
        "MODEL_SHA256": model_store.sha256_of(MODEL),
        "MODEL_FORMAT": "onnx",
        "MODEL_FILES": json.dumps({name: {"sha256": sha256} for name, sha256 in files.items()}),
    }
    argv = [sys.executable, "-c", "import inference.handler; print('ready')"]
    samples = [measure.ready_seconds(argv, env, measure.APP) for _ in range(runs)]
    return {"median_s": statistics.median(samples), "samples_s": samples}


def p3_text() -> int:
    """The text stage's packages after pruning (installed on top of the ONNX stage's, --no-deps)."""
    requirements = os.path.join(measure.APP, "requirements", "text.txt")
    return measure.installed_bytes(requirements, "payload-text", "text", no_deps=True)
