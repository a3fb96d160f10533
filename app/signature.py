"""A model's signature: `model.json` beside the model file, written by convert.py (and by its
--describe mode for a model the scikit-learn runtime serves), read by the component at deploy time.

It says what the model is (format, task, classes), what it takes (for a tabular model: its features, each
with its name, type, whether it may be missing and its categories, and the layout that carries them to the
model; for every model, the tensors the inference protocol declares), which file
it describes (name and sha256), what it was trained and converted with, and a sample document the
function accepts: the component's default smoke test sends it to each new version. An ONNX file
carries the same in its metadata (less its tensors, which its graph declares), so a lone model.onnx
still describes itself.
"""

import json
import os
import tempfile
from typing import Any

from inference.runtimes.features import Table

SIGNATURE_FILE = "model.json"
SIGNATURE_VERSION = 2
# Rows of the sample kept in the signature: enough to exercise a batch, small enough for a smoke test.
SAMPLE_ROWS = 3


def sample_of(document: Any, rows: int = SAMPLE_ROWS) -> dict[str, Any]:
    """The first few rows of a sample document, as a document of the same kind (a text model's rows may be
    texts)."""
    if isinstance(document, dict) and "features" in document:
        return {"features": document["features"]}
    instances = document["instances"] if isinstance(document, dict) else document
    return {"instances": list(instances[:rows])}


def build(
    *,
    model_file: str,
    sha256: str,
    model_format: str,
    task: str | None,
    table: Table | None,
    input_type: str | None,
    classes: list[Any] | None,
    probabilities: bool,
    sample: dict[str, Any] | None,
    trained_with: dict[str, str],
    tools: dict[str, str],
) -> dict[str, Any]:
    """The signature document, in the order a reader wants it. A model that is not tabular (no table) has no
    feature count, names, layout, features or input type (None)."""
    return {
        "signature_version": SIGNATURE_VERSION,
        "file": os.path.basename(model_file),
        "format": model_format,
        "sha256": sha256,
        "task": task,
        "n_features": len(table.features) if table else None,
        "feature_names": table.names if table else None,
        "feature_names_generated": not table.named if table else True,
        "input_type": input_type,
        "layout": table.layout if table else None,
        "features": [f.document() for f in table.features] if table else None,
        "classes": classes,
        "probabilities": probabilities,
        "sample": sample,
        "versions": {"trained_with": trained_with, "tools": tools},
    }


def json_text(value: Any) -> str:
    """A value as the ONNX file's metadata holds it."""
    return json.dumps(value)


def with_tensors(signature: dict[str, Any], predictor: Any) -> dict[str, Any]:
    """The signature with what serves the model and the tensors it declares (the protocol's model
    metadata), after `probabilities`: what the component checks a protocol smoke event against. A text model's
    tensors are its texts in and its answers out (the tokenizer and the graph behind them)."""
    out: dict[str, Any] = {}
    for key, value in signature.items():
        if key not in ("platform", "inputs", "outputs"):
            out[key] = value
        if key == "probabilities":
            out["platform"] = predictor.platform
            out["inputs"] = [spec.metadata() for spec in predictor.inputs]
            out["outputs"] = [spec.metadata() for spec in predictor.outputs]
    return out


def write(signature: dict[str, Any], out: str) -> str:
    """`out/model.json`, written whole or not at all."""
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, SIGNATURE_FILE)
    fd, partial = tempfile.mkstemp(dir=out, prefix=".model.json-")
    with os.fdopen(fd, "w") as f:
        json.dump(signature, f, indent=2)
        f.write("\n")
    os.chmod(partial, 0o644)
    os.replace(partial, target)
    return target
