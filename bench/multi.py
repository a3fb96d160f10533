"""P1.multi and P2.multi: three models behind one function (the demo iris model, the wine model of
examples/your-own-model and the text classifier of examples/text-classifier), served by the app's repository.

P1.multi.first_call  the first request to a model not yet loaded, in a warm environment (its file verified by
                     its sha256 and loaded; no interpreter or import paid again), against the single-model cold
                     init of the same model with it in the image (P1.onnx.image, the same run).
P2.multi.single      a warm request to one of the three loaded models, against the single-model handler on the
                     same row, interleaved.
"""

import contextlib
import os
import statistics
import time
from functools import partial
from typing import Any

import measure
from inference.app import assemble, assemble_many, served_model
from inference.limits import Limits
from inference.protocols.many import ManyModels
from inference.repository import Entry, Repository
from inference.runtimes import runtime
from inference.storage import model_store
from inference.storage.model_store import ModelSource

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = {
    "iris": os.path.join(ROOT, "app", "model", "model.onnx"),
    "wine": os.path.join(ROOT, "examples", "your-own-model", "model", "model.onnx"),
    "sentiment": os.path.join(ROOT, "examples", "text-classifier", "model", "model.onnx"),
}


def _entries() -> list[Entry]:
    import json

    entries = []
    for name, path in MODELS.items():
        with open(os.path.join(os.path.dirname(path), "model.json")) as f:
            files = json.load(f).get("files") or {}
        beside = tuple(model_store.ModelFile(n, sha) for n, sha in files.items())
        source = ModelSource(None, None, None, model_store.sha256_of(path), local_path=path, files=beside)
        entries.append(Entry(name, source, "onnx", os.path.getsize(path)))
    return entries


def _loader(entry: Entry) -> Any:
    from inference.models import ServedModel

    path = model_store.fetch(entry.source, "/tmp")
    return ServedModel(entry.name, runtime("onnx").load(path, entry.name), entry.source.sha256)


def _app() -> Any:
    return assemble_many(ManyModels(Repository(_entries(), _loader, 1 << 30), Limits()), cold=False)


class _Context:
    aws_request_id = "bench"


def p1_first_call(runs: int = 9) -> dict[str, Any]:
    """The first request to iris in an environment that runs (another model already answered)."""
    samples = []
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        for _ in range(runs):
            app = _app()
            app({"model": "wine", "features": [1.0] * 13}, _Context())  # the environment is warm
            started = time.perf_counter()
            app({"model": "iris", "features": measure.ROW}, _Context())
            samples.append(time.perf_counter() - started)
    return {"median_s": statistics.median(samples), "samples_s": samples}


def p2_multi(iterations: int) -> dict[str, Any]:
    """One row to iris among three loaded models, against the single-model handler, interleaved."""
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        many = _app()
        for name, document in (("wine", {"features": [1.0] * 13}), ("sentiment", {"features": "a fine film"})):
            many({"model": name, **document}, _Context())
        single = assemble(served_model(runtime("onnx").load(MODELS["iris"], "iris")), cold=False)
        samples = measure.interleaved(
            iterations,
            200,
            single=partial(single, {"features": list(measure.ROW)}, _Context()),
            many=partial(many, {"model": "iris", "features": list(measure.ROW)}, _Context()),
        )
    return {"single_p50_us": measure.p50(samples["single"]) * 1e6, "many_p50_us": measure.p50(samples["many"]) * 1e6}
