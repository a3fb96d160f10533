"""Mistakes a type checker must catch in a program using the generated SDK: test_types.py runs mypy
over this file and expects an error on each line with an error comment, and on no other."""

import pulumi_lambda_inference as inference

args = inference.InferenceFunctionArgs(memory_sise=2048)  # error: misspelled argument
args = inference.InferenceFunctionArgs(memory_size="2048")  # error: a string for a number
args = inference.InferenceFunctionArgs(enable_function_url="yes")  # error: a string for a boolean
classifier = inference.InferenceFunction("classifier", args)
url = classifier.function_ur1  # error: an output that does not exist
keywords = inference.InferenceFunction("c", model_pth="model.onnx")  # error: misspelled keyword
