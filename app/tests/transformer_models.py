"""Transformer text models made here, without downloading anything, saved as an exporter (Optimum) saves them:
a folder with `model.onnx` (inputs `input_ids`, `attention_mask`, `token_type_ids`, int64 [batch, sequence]),
`tokenizer.json` (a WordPiece tokenizer trained with `tokenizers` on a small corpus) and `config.json`.

The graph is BERT-shaped and small (hidden size 32, two heads, one encoder layer): word, position and token
type embeddings with a layer norm, self-attention masked by `attention_mask`, a feed-forward block, and either
a classification head on the first token (`logits`, [batch, labels]) or the hidden states themselves
(`last_hidden_state`, [batch, sequence, hidden]) for feature extraction.
"""

import json
import os
from typing import Any

import numpy as np

HIDDEN, HEADS, FFN, MAX_POSITIONS = 32, 2, 64, 64
LABELS = ["negative", "positive"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CORPUS = [
    "a great film with a fine cast and a moving story",
    "the acting was wonderful and the music lovely",
    "a dull plot, boring scenes and a terrible ending",
    "i loved every minute, a true delight",
    "awful, slow and far too long",
    "the best film of the year, funny and warm",
    "the worst script i have seen, badly acted",
    "éclair délicieux, très bon, merci",
    "un film ennuyeux et trop long",
    "search engines rank documents by their embeddings",
    "sentence embeddings place similar texts near each other",
]


def tokenizer(vocab_size: int = 200) -> Any:
    """A WordPiece tokenizer as BERT's: lowercasing, accents kept, [CLS] text [SEP]."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    made = Tokenizer(models.WordPiece(unk_token="[UNK]"))  # noqa: S106 - a token, not a password
    made.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    made.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    made.decoder = decoders.WordPiece()
    made.train_from_iterator(CORPUS * 4, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL))
    cls, sep = made.token_to_id("[CLS]"), made.token_to_id("[SEP]")
    made.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return made


def _weights(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return (rng.standard_normal(shape) * 0.2).astype(np.float32)


def _attention(nodes: list[Any], inits: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """Self-attention over `emb` masked by `mask_bias`, its residual and layer norm: `attn`."""
    from onnx import helper

    head = HIDDEN // HEADS
    for name in ("q", "k", "v", "o"):
        inits[f"w_{name}"], inits[f"b_{name}"] = _weights(rng, HIDDEN, HIDDEN), _weights(rng, HIDDEN)
    inits["heads_shape"] = np.array([0, -1, HEADS, head], dtype=np.int64)
    inits["back_shape"] = np.array([0, -1, HIDDEN], dtype=np.int64)
    inits["scale"] = np.array(1 / np.sqrt(head), dtype=np.float32)
    for name in ("q", "k", "v"):
        nodes += [
            helper.make_node("MatMul", ["emb", f"w_{name}"], [f"{name}_mm"]),
            helper.make_node("Add", [f"{name}_mm", f"b_{name}"], [f"{name}_lin"]),
            helper.make_node("Reshape", [f"{name}_lin", "heads_shape"], [f"{name}_heads"]),
            helper.make_node(
                "Transpose", [f"{name}_heads"], [f"{name}_t"], perm=[0, 2, 1, 3] if name != "k" else [0, 2, 3, 1]
            ),
        ]
    nodes += [
        helper.make_node("MatMul", ["q_t", "k_t"], ["scores_raw"]),
        helper.make_node("Mul", ["scores_raw", "scale"], ["scores_scaled"]),
        helper.make_node("Add", ["scores_scaled", "mask_bias"], ["scores"]),
        helper.make_node("Softmax", ["scores"], ["probs"], axis=-1),
        helper.make_node("MatMul", ["probs", "v_t"], ["context_heads"]),
        helper.make_node("Transpose", ["context_heads"], ["context_t"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["context_t", "back_shape"], ["context"]),
        helper.make_node("MatMul", ["context", "w_o"], ["o_mm"]),
        helper.make_node("Add", ["o_mm", "b_o"], ["o_lin"]),
        helper.make_node("Add", ["o_lin", "emb"], ["attn_res"]),
        helper.make_node("LayerNormalization", ["attn_res", "ln1_g", "ln1_b"], ["attn"], axis=-1, epsilon=1e-12),
    ]
    inits["ln1_g"], inits["ln1_b"] = np.ones(HIDDEN, np.float32), np.zeros(HIDDEN, np.float32)


def _embeddings(nodes: list[Any], inits: dict[str, np.ndarray], rng: np.random.Generator, vocab: int) -> None:
    """Word, position and token type embeddings, layer-normed: `emb`; and the attention mask as a bias."""
    from onnx import helper

    inits["word_embeddings"] = _weights(rng, vocab, HIDDEN)
    inits["position_embeddings"] = _weights(rng, MAX_POSITIONS, HIDDEN)
    inits["token_type_embeddings"] = _weights(rng, 2, HIDDEN)
    inits["ln0_g"], inits["ln0_b"] = np.ones(HIDDEN, np.float32), np.zeros(HIDDEN, np.float32)
    inits["zero"], inits["one"] = np.array(0, dtype=np.int64), np.array(1, dtype=np.int64)
    inits["neg_big"] = np.array(-10000.0, dtype=np.float32)
    inits["one_f"] = np.array(1.0, dtype=np.float32)
    inits["mask_axes"] = np.array([1, 2], dtype=np.int64)
    nodes += [
        helper.make_node("Gather", ["word_embeddings", "input_ids"], ["words"]),
        helper.make_node("Shape", ["input_ids"], ["ids_shape"]),
        helper.make_node("Gather", ["ids_shape", "one"], ["seq_len"]),
        helper.make_node("Range", ["zero", "seq_len", "one"], ["positions"]),
        helper.make_node("Gather", ["position_embeddings", "positions"], ["position_vectors"]),
        helper.make_node("Gather", ["token_type_embeddings", "token_type_ids"], ["types"]),
        helper.make_node("Add", ["words", "position_vectors"], ["wp"]),
        helper.make_node("Add", ["wp", "types"], ["wpt"]),
        helper.make_node("LayerNormalization", ["wpt", "ln0_g", "ln0_b"], ["emb"], axis=-1, epsilon=1e-12),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=1),
        helper.make_node("Sub", ["one_f", "mask_f"], ["inverse_mask"]),
        helper.make_node("Mul", ["inverse_mask", "neg_big"], ["bias_2d"]),
        helper.make_node("Unsqueeze", ["bias_2d", "mask_axes"], ["mask_bias"]),
    ]


def _feed_forward(nodes: list[Any], inits: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """The feed-forward block over `attn`, its residual and layer norm: `hidden`."""
    from onnx import helper

    inits["w_1"], inits["b_1"] = _weights(rng, HIDDEN, FFN), _weights(rng, FFN)
    inits["w_2"], inits["b_2"] = _weights(rng, FFN, HIDDEN), _weights(rng, HIDDEN)
    inits["ln2_g"], inits["ln2_b"] = np.ones(HIDDEN, np.float32), np.zeros(HIDDEN, np.float32)
    nodes += [
        helper.make_node("MatMul", ["attn", "w_1"], ["f1_mm"]),
        helper.make_node("Add", ["f1_mm", "b_1"], ["f1_lin"]),
        helper.make_node("Relu", ["f1_lin"], ["f1"]),
        helper.make_node("MatMul", ["f1", "w_2"], ["f2_mm"]),
        helper.make_node("Add", ["f2_mm", "b_2"], ["f2"]),
        helper.make_node("Add", ["f2", "attn"], ["ffn_res"]),
        helper.make_node("LayerNormalization", ["ffn_res", "ln2_g", "ln2_b"], ["hidden"], axis=-1, epsilon=1e-12),
    ]


def graph(vocab: int, task: str, seed: int = 0) -> Any:
    """The ONNX model: `task` is text-classification (logits) or feature-extraction (last_hidden_state)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    nodes: list[Any] = []
    inits: dict[str, np.ndarray] = {}
    _embeddings(nodes, inits, rng, vocab)
    _attention(nodes, inits, rng)
    _feed_forward(nodes, inits, rng)
    if task == "text-classification":
        inits["w_pool"], inits["b_pool"] = _weights(rng, HIDDEN, HIDDEN), _weights(rng, HIDDEN)
        inits["w_cls"], inits["b_cls"] = _weights(rng, HIDDEN, len(LABELS)) * 10, _weights(rng, len(LABELS))
        nodes += [
            helper.make_node("Gather", ["hidden", "zero"], ["first"], axis=1),
            helper.make_node("MatMul", ["first", "w_pool"], ["pool_mm"]),
            helper.make_node("Add", ["pool_mm", "b_pool"], ["pool_lin"]),
            helper.make_node("Tanh", ["pool_lin"], ["pooled"]),
            helper.make_node("MatMul", ["pooled", "w_cls"], ["cls_mm"]),
            helper.make_node("Add", ["cls_mm", "b_cls"], ["logits"]),
        ]
        outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", len(LABELS)])]
    else:
        nodes.append(helper.make_node("Identity", ["hidden"], ["last_hidden_state"]))
        outputs = [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", HIDDEN]
            )
        ]
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch_size", "sequence_length"])
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    initializers = [numpy_helper.from_array(value, name) for name, value in inits.items()]
    made = helper.make_model(
        helper.make_graph(nodes, "bert", inputs, outputs, initializers), opset_imports=[helper.make_opsetid("", 17)]
    )
    made.ir_version = 8
    return made


def save(folder: str, task: str = "text-classification", vocab_size: int = 200, seed: int = 0) -> str:
    """The model's folder as an exporter writes it; the path of its model.onnx."""
    import onnx

    os.makedirs(folder, exist_ok=True)
    made = tokenizer(vocab_size)
    made.save(os.path.join(folder, "tokenizer.json"))
    config: dict[str, Any] = {
        "model_type": "bert",
        "hidden_size": HIDDEN,
        "max_position_embeddings": MAX_POSITIONS,
        "vocab_size": made.get_vocab_size(),
    }
    if task == "text-classification":
        config["architectures"] = ["BertForSequenceClassification"]
        config["id2label"] = {str(i): label for i, label in enumerate(LABELS)}
        config["label2id"] = {label: i for i, label in enumerate(LABELS)}
    else:
        config["architectures"] = ["BertModel"]
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    path = os.path.join(folder, "model.onnx")
    onnx.save(graph(made.get_vocab_size(), task, seed), path)
    return path


def string_lengths(path: str) -> str:
    """A graph that reads strings itself with onnxruntime-extensions' operators: each text's length."""
    from onnx import TensorProto, helper, save_model

    nodes = [
        helper.make_node("StringLength", ["text"], ["chars"], domain="ai.onnx.contrib"),
        helper.make_node("Cast", ["chars"], ["length"], to=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(
        nodes, "lengths", [helper.make_tensor_value_info("text", TensorProto.STRING, ["n"])],
        [helper.make_tensor_value_info("length", TensorProto.FLOAT, ["n"])],
    )  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.contrib", 1)]
    save_model(helper.make_model(graph, opset_imports=opsets), path)
    return path


def embedding_table(path: str, rows: int, width: int = 8, external: bool = True) -> str:
    """A Gather over a generated table, mean-pooled: a large model's shape at any size; with `external`, its
    weights in `<file>.data` beside it, as exporters save large models."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(0).standard_normal((rows, width), dtype=np.float32)
    nodes = [helper.make_node("Gather", ["table", "ids"], ["vectors"]),
             helper.make_node("ReduceMean", ["vectors"], ["pooled"], axes=[1], keepdims=0)]  # fmt: skip
    made = helper.make_model(
        helper.make_graph(
            nodes, "table", [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n", "s"])],
            [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["n", width])],
            [numpy_helper.from_array(table, "table")],
        ),
        opset_imports=[helper.make_opsetid("", 13)],
    )  # fmt: skip
    made.ir_version = 8
    location = os.path.basename(path) + ".data"
    onnx.save(made, path, save_as_external_data=external, location=location, size_threshold=0)
    return path
