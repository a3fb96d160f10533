"""`convert.py --describe` of a transformer text model's folder, as an exporter writes it (model.onnx,
tokenizer.json, config.json): its task and labels or embedding dimension, its maximum length, the sha256 of
each file beside the model (which the component delivers with it and the function verifies at init), and a
sample of a few texts the model answers. A tokenizer whose vocabulary does not fit the model's embedding
table is refused here, as the function refuses it at init."""

import argparse
import os
from typing import Any

import numpy as np
import onnxruntime as ort

import signature
from conversion import ConversionError, samples
from inference.runtimes.text import CLASSIFY, CONFIG_FILE, TOKENIZER_FILE, TextPredictor, embedding_rows
from inference.storage.model_store import sha256_of

SAMPLE_TEXTS = 3


def companion_files(model: str) -> dict[str, str]:
    """Each file a text model needs beside it, and its sha256."""
    folder = os.path.dirname(os.path.abspath(model))
    return {
        name: sha256_of(os.path.join(folder, name))
        for name in (TOKENIZER_FILE, CONFIG_FILE)
        if os.path.exists(os.path.join(folder, name))
    }


def check_vocabulary(model: str, predictor: TextPredictor) -> None:
    """A token id the tokenizer can give must index the model's embedding table."""
    rows = embedding_rows(model)
    size = predictor.tokenizer.get_vocab_size()
    if rows is not None and size > rows:
        raise ConversionError(
            f"{TOKENIZER_FILE} has {size} tokens, but the model's embedding table has {rows} rows: it is not this "
            "model's tokenizer (export the model and its tokenizer together)"
        )


def _generated_texts(predictor: TextPredictor) -> list[str]:
    """A few texts of the tokenizer's own whole words, when no sample is given."""
    words = sorted(w for w in predictor.tokenizer.get_vocab() if w.isalpha() and len(w) > 2)
    if not words:
        words = ["text"]
    rng = np.random.default_rng(0)
    return [" ".join(rng.choice(words, 6)) for _ in range(SAMPLE_TEXTS)]


def text_details(predictor: TextPredictor) -> dict[str, Any]:
    """What the signature says of a text model beyond its features."""
    details: dict[str, Any] = {"task": predictor.task, "maxLength": predictor.max_length}
    if predictor.task == CLASSIFY:
        details["labels"] = predictor.labels
    else:
        details["dimension"] = predictor.outputs[0].shape[-1]
        details["pooling"] = "model" if predictor.pooled else predictor.settings.pooling
        details["normalize"] = predictor.settings.normalize
    return details


def describe_text(args: argparse.Namespace, predictor: TextPredictor) -> dict[str, Any]:
    check_vocabulary(args.model, predictor)
    document = samples.read_document(args.sample) if args.sample else {"instances": _generated_texts(predictor)}
    sample = samples.from_document(document, predictor.table, os.path.basename(args.sample or "generated"))
    try:
        predictor.predict_columns(sample.columns)
    except Exception as e:  # noqa: BLE001 - whatever the runtime raises, the sample is not one the model answers
        raise ConversionError(f"the model refuses its sample {sample.label}: {type(e).__name__}: {e}") from None
    classifier = predictor.task == CLASSIFY
    described = signature.build(
        model_file=args.model,
        sha256=sha256_of(args.model),
        model_format="onnx",
        task=predictor.task,
        table=predictor.table,
        input_type=None,
        classes=list(predictor.labels) if classifier else None,
        probabilities=classifier,
        sample=sample.document,
        trained_with={},
        tools={"onnxruntime": ort.__version__, "tokenizers": _tokenizers_version()},
    )
    return {**described, "files": companion_files(args.model), "text": text_details(predictor)}


def _tokenizers_version() -> str:
    import tokenizers  # noqa: PLC0415

    return str(tokenizers.__version__)
