#!/usr/bin/env bash
# `npm run test:sdk`: the SDKs of other Pulumi languages, generated from schema.json by Pulumi's own
# code generators (codegen/, the code `pulumi package add` runs) and used by a program in each.
#   codegen: binds schema.json (any diagnostic fails), unit tests, the YAML example against the binder
#   nodejs:  the generated SDK compiles with tsc
#   python:  the generated SDK installs; a program under Python mocks; mypy catches misuse
#   go:      a program using the generated SDK compiles, is vetted and runs under Go mocks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/.tools"
sdks="$tools/sdks"
venv="$tools/sdk-venv"
say() { printf '[sdk] %s\n' "$*" >&2; }

echo "== codegen: build (Pulumi $(sed -n 's/^\tgithub.com\/pulumi\/pulumi\/pkg\/v3 \(v.*\)$/\1/p' codegen/go.mod) generators), unit tests"
start=$SECONDS
go build -C codegen -o "$tools/bin/codegen" .
say "codegen built in $((SECONDS - start)) s (the Go build cache makes a rebuild cheap)"
(cd codegen && go vet ./... && go test -count=1 -v ./... | grep -E "^(--- |ok|FAIL|    )")

echo "== codegen: SDKs from schema.json, YAML example against the bound schema"
"$tools/bin/codegen" sdks schema.json "$sdks"
"$tools/bin/codegen" check-yaml schema.json examples/yaml/Pulumi.yaml

echo "== nodejs: the generated SDK compiles"
ln -sfn ../../../node_modules "$sdks/nodejs/node_modules"
npx tsc -p "$sdks/nodejs"

echo "== python: the generated SDK under Python mocks and mypy"
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
ensure_venv "$venv" "sdk (pulumi, mypy, pytest)" tests/sdk/python/requirements.txt tests/sdk/python/constraints.txt
# Reinstalled each run: it was just regenerated. Its requirements are already in the venv.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$sdks/python"
(cd tests/sdk/python && "$venv/bin/python" -m mypy --strict --no-incremental program.py test_program.py test_types.py)
(cd tests/sdk/python && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

echo "== go: a program using the generated SDK, under Go mocks"
(cd tests/sdk/go && go vet ./... && go test -count=1 -v ./...)
