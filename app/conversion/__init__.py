"""What app/convert.py is made of: the model's features and a typed sample of them (tables.py, samples.py),
the conversion to ONNX of scikit-learn models, text pipelines and boosters (to_onnx.py, boosters.py,
double_trees.py), the proof that the converted model answers as the original does (parity.py), which
features may be missing (probes.py), and the signature of a model served as it is (describe.py).

Runs in the project's venv: skl2onnx, onnxmltools, xgboost and lightgbm are development requirements,
never in the image.
"""


class ConversionError(Exception):
    """One line for the user: what failed, and what to do instead."""
