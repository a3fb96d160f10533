#!/usr/bin/env bash
# `npm run lock`: the image's requirement files with a sha256 for every distribution of every pin
# (all platforms the image supports among them), for `pip install --require-hashes`.
# app/requirements/<runtime>.in holds the pins; <runtime>.txt is generated from it, never edited.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root/app/requirements"
# Each format's pins must be what contract.json says its image serves (the component reads the contract to
# refuse a pickle from another scikit-learn): lock only a consistent pair.
"$root/.venv/bin/python" - <<'PY'
import json, sys
formats = json.load(open("../inference/contract.json"))["formats"]
wrong = [
    f"{fmt}.in does not pin {library}=={version}, which contract.json says the {fmt} image serves"
    for fmt, spec in formats.items()
    for library, version in spec["serves"].items()
    if f"{library}=={version}" not in open(f"{fmt}.in").read().split()
]
if wrong:
    sys.exit("[lock] " + "; ".join(wrong))
PY
# --universal: one resolution for every platform and Python from 3.11 (the stand-in base) on, with the sha256
# of every distribution: the same files install on pythonVersion 3.12 and 3.13, x86_64 and arm64
# (app/tests/test_locks.py fetches each combination's wheels with --require-hashes).
"$root/.venv/bin/uv" pip compile onnx.in --no-deps --generate-hashes --universal --python-version 3.11 \
  --quiet --custom-compile-command "npm run lock" -o onnx.txt
"$root/.venv/bin/uv" pip compile sklearn.in --generate-hashes --universal --python-version 3.11 \
  --quiet --custom-compile-command "npm run lock" -o sklearn.txt
"$root/.venv/bin/uv" pip compile text.in --no-deps --generate-hashes --universal --python-version 3.11 \
  --quiet --custom-compile-command "npm run lock" -o text.txt
echo "[lock] app/requirements/onnx.txt, sklearn.txt and text.txt regenerated from their .in files"
