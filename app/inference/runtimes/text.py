"""Transformer text models, as exporters (Optimum) write them: `model.onnx` taking `input_ids`,
`attention_mask` and, when it has it, `token_type_ids` (int64, [batch, sequence]), with `tokenizer.json`
(the `tokenizers` library's file) and `config.json` beside it, all verified by their sha256 at init.

Texts in, one answer per text out: a classifier's label (`id2label`) and probabilities (the softmax of its
logits), or a feature-extraction model's embedding: its own pooled output when the graph has one, else its
token vectors mean-pooled over the attention mask (EMBEDDING_POOLING `mean`, the default), the first token's
(`cls`), or every token's (`none`), L2-normalised unless EMBEDDING_NORMALIZE is `false`. Texts are padded to
the longest in the request and truncated to the model's maximum length, which the answer reports.
"""

import json
import os
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..contract import POOLINGS, TEXT_ENV, TEXT_TASKS
from ..errors import ConfigError, ModelLoadError
from ..types import JSON, Env
from . import Prediction, session_run
from .features import STRING, TEXT, Feature, Table
from .spec import TensorSpec

TOKENIZER_FILE, CONFIG_FILE = "tokenizer.json", "config.json"
CLASSIFY, EMBED = TEXT_TASKS
MEAN, CLS, NONE = POOLINGS
TEXT_INPUT = "text"
IDS, MASK, TYPES = "input_ids", "attention_mask", "token_type_ids"
# When neither the tokenizer nor the config says: what BERT-sized models take.
DEFAULT_MAX_LENGTH = 512
PAD_TOKENS = ("[PAD]", "<pad>")


class TextSettings(NamedTuple):
    pooling: str = MEAN
    normalize: bool = True

    @staticmethod
    def from_env(env: Env) -> "TextSettings":
        pooling = env.get(TEXT_ENV.pooling) or MEAN
        if pooling not in POOLINGS:
            raise ConfigError(f"{TEXT_ENV.pooling} must be one of {', '.join(POOLINGS)}; got {pooling!r}")
        normalize = env.get(TEXT_ENV.normalize) or "true"
        if normalize not in ("true", "false"):
            raise ConfigError(f"{TEXT_ENV.normalize} must be true or false; got {normalize!r}")
        return TextSettings(pooling, normalize == "true")


def is_text_model(inputs: list[Any]) -> bool:
    """Token ids and their mask in: a transformer that takes a tokenizer's output."""
    names = {i.name: i.type for i in inputs}
    return names.get(IDS) == "tensor(int64)" and names.get(MASK) == "tensor(int64)"


def _read_json(path: str, describe: str) -> dict[str, Any]:
    try:
        with open(path) as f:
            loaded = json.load(f)
    except FileNotFoundError:
        return {}
    except ValueError as e:
        raise ModelLoadError(f"{os.path.basename(path)} beside the model at {describe} is not JSON: {e}") from None
    return loaded if isinstance(loaded, dict) else {}


def embedding_rows(model_path: str) -> int | None:
    """The rows of the word embedding table the token ids index (the Gather that reads input_ids)."""
    import onnx  # noqa: PLC0415 - describe's check only; the function reads it from the session's graph

    graph = onnx.load(model_path, load_external_data=False).graph
    tables = {i.name: i.dims for i in graph.initializer}
    for node in graph.node:
        if node.op_type == "Gather" and len(node.input) == 2 and node.input[1] == IDS and node.input[0] in tables:
            return int(tables[node.input[0]][0])
    return None


def tokenizer_of(folder: str, describe: str) -> Any:
    from tokenizers import Tokenizer  # noqa: PLC0415 - the text stage's library, imported for text models only

    path = os.path.join(folder, TOKENIZER_FILE)
    if not os.path.exists(path):
        raise ModelLoadError(
            f"the ONNX model at {describe} takes {IDS} and {MASK}: its {TOKENIZER_FILE} must be beside it "
            "(as an exporter writes it)"
        )
    try:
        return Tokenizer.from_file(path)
    except Exception as e:  # noqa: BLE001 - the library raises its own exceptions for a malformed file
        raise ModelLoadError(f"{TOKENIZER_FILE} beside the model at {describe} cannot be read: {e}") from None


def max_length_of(tokenizer: Any, config: dict[str, Any]) -> int:
    """The most tokens a text keeps: the tokenizer's truncation, else the model's positions."""
    truncation = tokenizer.truncation or {}
    limits = [v for v in (truncation.get("max_length"), config.get("max_position_embeddings")) if isinstance(v, int)]
    return min(limits) if limits else DEFAULT_MAX_LENGTH


def _pad_id(tokenizer: Any) -> int:
    if tokenizer.padding and isinstance(tokenizer.padding.get("pad_id"), int):
        return int(tokenizer.padding["pad_id"])
    for token in PAD_TOKENS:
        found = tokenizer.token_to_id(token)
        if found is not None:
            return int(found)
    return 0


def _softmax(logits: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def _normalized(vectors: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def labels_of(config: dict[str, Any], classes: int) -> list[str]:
    """The classifier's labels by index: config.json's id2label, else LABEL_0, LABEL_1, ... as exporters name them."""
    id2label = config.get("id2label") or {}
    return [str(id2label.get(str(i), id2label.get(i, f"LABEL_{i}"))) for i in range(classes)]


def _outputs(session: Any, config: dict[str, Any]) -> tuple[str, str, int]:
    """(task, the graph output to read, its width): a classifier's logits; else an embedder's own pooled output
    ([batch, hidden]), else its token vectors ([batch, sequence, hidden])."""
    outputs = session.get_outputs()
    two = [o for o in outputs if len(o.shape or []) == 2]
    three = [o for o in outputs if len(o.shape or []) == 3]
    architectures = [str(a) for a in config.get("architectures") or []]
    classifies = any(a.endswith("ForSequenceClassification") for a in architectures) or config.get("id2label")
    logits = [o for o in two if o.name == "logits"] or (two if classifies else [])
    chosen = logits[0] if logits else (two or three or [None])[0]
    if chosen is None:
        raise ModelLoadError("a text model must output logits ([batch, labels]) or embeddings ([batch, hidden] or "
                             "[batch, sequence, hidden])")  # fmt: skip
    width = chosen.shape[-1] if isinstance(chosen.shape[-1], int) else -1
    return (CLASSIFY if logits else EMBED), chosen.name, width


class TextPredictor:
    """A tokenizer and a transformer graph behind one text input, answered as a tabular model's rows are."""

    platform = "onnxruntime_onnx"
    tabular = True
    n_features = 1
    feature_names: tuple[str, ...] | list[str] = (TEXT_INPUT,)
    input_dtype: type[np.floating[Any]] = np.float32

    def __init__(self, session: Any, folder: str, describe: str, settings: TextSettings, max_chars: int):
        self.session = session
        self._run: Any = session_run(session)
        self.settings = settings
        self.max_chars = max_chars
        config = _read_json(os.path.join(folder, CONFIG_FILE), describe)
        self.tokenizer = tokenizer_of(folder, describe)
        vocabulary = config.get("vocab_size")
        if isinstance(vocabulary, int) and self.tokenizer.get_vocab_size() > vocabulary:
            raise ModelLoadError(
                f"{TOKENIZER_FILE} has {self.tokenizer.get_vocab_size()} tokens, but the model's {CONFIG_FILE} says "
                f"vocab_size {vocabulary}: it is not this model's tokenizer (export them together)"
            )
        self.max_length = max_length_of(self.tokenizer, config)
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.enable_padding(pad_id=_pad_id(self.tokenizer))
        self.feeds = [i.name for i in session.get_inputs()]
        self.task, self.output, width = _outputs(session, config)
        self.pooled = (
            self.task == EMBED and len(next(o for o in session.get_outputs() if o.name == self.output).shape) == 2
        )
        self.classifier = self.has_proba = self.task == CLASSIFY
        self.labels = labels_of(config, width) if self.classifier else []
        self.table = Table(TEXT, (Feature(TEXT_INPUT, STRING, input=TEXT_INPUT),))
        self.inputs = [TensorSpec(TEXT_INPUT, "BYTES", (-1,))]
        if self.classifier:
            self.outputs = [TensorSpec("label", "BYTES", (-1,)), TensorSpec("probabilities", "FP32", (-1, width))]
        else:
            tokens = self.settings.pooling == NONE and not self.pooled
            self.outputs = [TensorSpec("embedding", "FP32", (-1, -1, width) if tokens else (-1, width))]

    def _encode(self, texts: list[str]) -> tuple[dict[str, npt.NDArray[np.int64]], list[bool]]:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        feeds = {IDS: ids, MASK: np.array([e.attention_mask for e in encodings], dtype=np.int64)}
        if TYPES in self.feeds:
            feeds[TYPES] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        return feeds, [bool(e.overflowing) for e in encodings]

    def _embeddings(self, values: npt.NDArray[Any], mask: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        if self.pooled:
            vectors = values
        elif self.settings.pooling == CLS:
            vectors = values[:, 0]
        elif self.settings.pooling == MEAN:
            weights = mask[..., None].astype(values.dtype)
            vectors = (values * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        else:  # every token's vector, of the tokens the text has (no padding)
            tokens = [_normalized(v[: int(m.sum())]) if self.settings.normalize else v[: int(m.sum())]
                      for v, m in zip(values, mask, strict=True)]  # fmt: skip
            ragged = np.empty(len(tokens), dtype=object)
            ragged[:] = [t.tolist() for t in tokens]
            return ragged
        return _normalized(vectors) if self.settings.normalize else vectors.astype(np.float32)

    def predict_columns(self, columns: list[Any]) -> Prediction:
        texts = ["" if t is None else str(t) for t in columns[0]]
        feeds, truncated = self._encode(texts)
        (values,) = self._run([self.output], feeds)
        details: dict[str, JSON] = {"maxLength": self.max_length, "truncated": list[JSON](truncated)}
        if self.classifier:
            probabilities = _softmax(np.asarray(values, dtype=np.float64))
            labels = np.array(self.labels, dtype=object)[probabilities.argmax(axis=1)]
            return Prediction(labels, probabilities, details)
        return Prediction(self._embeddings(np.asarray(values), feeds[MASK]), None, details)

    def predict(self, x: npt.NDArray[Any]) -> Prediction:
        return self.predict_columns([list(x.ravel())])

    def run(self, feeds: dict[str, npt.NDArray[Any]], outputs: list[str]) -> list[npt.NDArray[Any]]:
        from ..errors import BadRequest  # noqa: PLC0415

        texts = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in feeds[TEXT_INPUT].ravel()]
        for i, text in enumerate(texts):
            if not text:
                raise BadRequest("empty_text", f"input {TEXT_INPUT!r} holds an empty text at {i}")
            if len(text) > self.max_chars:
                raise BadRequest("text_too_long", f"input {TEXT_INPUT!r} holds a text of {len(text)} characters at "
                                 f"{i}; at most MAX_TEXT_CHARS ({self.max_chars}) are allowed")  # fmt: skip
        prediction = self.predict_columns([texts])
        if self.classifier:
            answers = {"label": prediction.predictions, "probabilities": prediction.probabilities}
        else:
            answers = {"embedding": _padded(prediction.predictions)}
        return [np.asarray(answers[name]) for name in outputs]


def _padded(embeddings: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Per-token embeddings (ragged) as one zero-padded tensor; pooled ones as they are."""
    if embeddings.dtype != object:
        return embeddings
    arrays = [np.asarray(e, dtype=np.float32) for e in embeddings]
    longest = max(len(a) for a in arrays)
    padded = np.zeros((len(arrays), longest, arrays[0].shape[-1]), dtype=np.float32)
    for i, a in enumerate(arrays):
        padded[i, : len(a)] = a
    return padded
