"""Tree ensembles in double precision, for models whose trees split float64 inputs on float64 thresholds
(LightGBM, scikit-learn's HistGradientBoosting): ONNX attributes hold float32, so a converted tree moves
every input that lies between a threshold and its float32 rounding to the other branch (an epoch-time
feature of 1.6e9 is rounded by up to 64). ai.onnx.ml opset 3 lets a TreeEnsemble node hold its thresholds,
leaf weights and base values as double tensors: the float32 graph's input becomes double and each value is
replaced by the model's own, found by (tree, node) and checked to round to the float32 it replaces.
XGBoost needs none of this: it splits float32 inputs on float32 thresholds, as the float32 graph does.
"""

from typing import Any

import numpy as np
from onnx import AttributeProto, TensorProto, helper, numpy_helper

from inference.runtimes.sklearn_features import steps_of

TREE_OPS = ("TreeEnsembleClassifier", "TreeEnsembleRegressor")
Values = dict[tuple[int, int], float]
"""A value of each tree's node: (tree id, node id) -> its threshold, or its leaf's weight."""


def _lightgbm(booster: Any, n_classes: int) -> tuple[Values, Values]:
    """LightGBM's thresholds and leaf values, numbered as onnxmltools numbers them (its own parser)."""
    from onnxmltools.convert.common.tree_ensemble import get_default_tree_classifier_attribute_pairs  # noqa: PLC0415
    from onnxmltools.convert.lightgbm.operator_converters import LightGbm  # noqa: PLC0415

    dumped, info = LightGbm.dump_booster_model(booster)
    LightGbm.modify_tree_for_rule_in_set(dumped, use_float=True, info=info)
    attrs = get_default_tree_classifier_attribute_pairs()
    for i, tree in enumerate(dumped["tree_info"]):
        LightGbm._parse_tree_structure(i, i % n_classes, 1.0, tree["tree_structure"], attrs)
    keys = zip(attrs["nodes_treeids"], attrs["nodes_nodeids"], strict=True)
    thresholds = {k: float(v) for k, v in zip(keys, attrs["nodes_values"], strict=True)}
    leaves = zip(attrs["class_treeids"], attrs["class_nodeids"], attrs["class_weights"], strict=True)
    return thresholds, {(t, n): float(w) for t, n, w in leaves}


def _hist_gradient_boosting(model: Any) -> tuple[Values, Values]:
    """scikit-learn's HistGradientBoosting trees, numbered as skl2onnx numbers them."""
    thresholds: Values = {}
    weights: Values = {}
    for iteration, predictors in enumerate(model._predictors):
        for k, predictor in enumerate(predictors):
            tree = iteration * len(predictors) + k if len(predictors) > 1 else iteration
            for node_id, node in enumerate(predictor.nodes):
                thresholds[(tree, node_id)] = 0.0 if node["is_leaf"] else float(node["num_threshold"])
                weights[(tree, node_id)] = float(node["value"])
    return thresholds, weights


def exact_values(model: Any) -> tuple[Values, Values] | None:
    """The model's own thresholds and leaf weights, when its trees split float64 inputs; None otherwise."""
    if len(steps_of(model)) != 1:
        return None  # a step before the trees computes in the graph's float32
    if getattr(model, "library", None) == "lightgbm":  # a booster saved by LightGBM (conversion.boosters)
        return _lightgbm(model.booster, model.n_classes if model.n_classes > 2 else 1)
    if type(model).__module__.startswith("lightgbm"):
        n_classes = int(getattr(model, "n_classes_", 1))
        return _lightgbm(model.booster_, n_classes if n_classes > 2 else 1)
    if hasattr(model, "_predictors"):
        return _hist_gradient_boosting(model)
    return None


def _double(name: str, values: list[float]) -> AttributeProto:
    return helper.make_attribute(name, numpy_helper.from_array(np.asarray(values, dtype=np.float64)))


def _exact(found: Values, keys: list[tuple[int, int]], rounded: list[float]) -> list[float] | None:
    """The exact values of `keys`, when each rounds to the float32 the graph holds; None on any doubt."""
    values = [found.get(k) for k in keys]
    if any(v is None for v in values):
        return None
    exact = [float(v) for v in values if v is not None]
    return exact if np.array_equal(np.asarray(exact, dtype=np.float32), np.asarray(rounded, dtype=np.float32)) else None


def _node_in_double(node: Any, thresholds: Values, weights: Values) -> bool:
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    prefix = "target" if node.op_type == "TreeEnsembleRegressor" else "class"
    nodes = list(zip(attributes["nodes_treeids"], attributes["nodes_nodeids"], strict=True))
    leaves = list(zip(attributes[f"{prefix}_treeids"], attributes[f"{prefix}_nodeids"], strict=True))
    exact_thresholds = _exact(thresholds, nodes, attributes["nodes_values"])
    exact_weights = _exact(weights, leaves, attributes[f"{prefix}_weights"])
    if exact_thresholds is None or exact_weights is None:
        return False
    replaced = {"nodes_values", f"{prefix}_weights", "base_values"}
    kept = [a for a in node.attribute if a.name not in replaced]
    del node.attribute[:]
    node.attribute.extend(kept)
    node.attribute.append(_double("nodes_values_as_tensor", exact_thresholds))
    node.attribute.append(_double(f"{prefix}_weights_as_tensor", exact_weights))
    if "base_values" in attributes:
        node.attribute.append(_double("base_values_as_tensor", [float(v) for v in attributes["base_values"]]))
    return True


def in_double(onx: Any, exact: tuple[Values, Values]) -> Any | None:
    """The float32 graph of a tree model, its one input made double and its trees' values the model's own;
    None when its input feeds anything but tree ensembles or a value is not found."""
    graph = onx.graph
    name = graph.input[0].name
    readers = [n for n in graph.node if name in n.input]
    if len(graph.input) != 1 or not readers or any(n.op_type not in TREE_OPS for n in readers):
        return None
    if not all(_node_in_double(node, *exact) for node in readers):
        return None
    graph.input[0].type.tensor_type.elem_type = TensorProto.DOUBLE
    for opset in onx.opset_import:
        if opset.domain == "ai.onnx.ml":
            opset.version = max(opset.version, 3)
    return onx
