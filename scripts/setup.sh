#!/usr/bin/env bash
# Idempotent setup of everything outside node_modules that the tests and the
# local run need: the Python venv with the app's pinned requirements, and the
# AWS Lambda Runtime Interface Emulator built from its Go module.
# Re-running is cheap: each step is skipped when its stamp matches its inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
tools="$root/.tools/bin"
# The emulator's newest pseudo-version served by the Go module proxy.
rie_version="v0.0.0-20261030222936-bef5c4ba774d"

say() { printf '[setup] %s\n' "$*" >&2; }

reqs_hash="$(cat "$root"/app/requirements/*.in "$root/app/requirements-dev.txt" "$root/app/constraints-dev.txt" | sha256sum | cut -c1-16)"
if [[ -x "$venv/bin/python" && "$(cat "$venv/.stamp" 2>/dev/null)" == "$reqs_hash" ]]; then
  say "python venv up to date ($venv)"
else
  say "creating python venv in $venv (pinned app requirements + test tools)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    -r "$root/app/requirements-dev.txt" -c "$root/app/constraints-dev.txt"
  echo "$reqs_hash" > "$venv/.stamp"
  say "python venv ready"
fi

if [[ -x "$tools/aws-lambda-rie" && "$(cat "$tools/.rie-version" 2>/dev/null)" == "$rie_version" ]]; then
  say "lambda runtime interface emulator up to date ($tools/aws-lambda-rie)"
else
  say "building aws-lambda-rie $rie_version with go install"
  mkdir -p "$tools"
  GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$rie_version"
  echo "$rie_version" > "$tools/.rie-version"
  say "aws-lambda-rie ready"
fi
