#!/usr/bin/env bash
# Every test: the component (type check + mocha under Pulumi mocks) and the
# app (pytest: unit, moto S3, hypothesis, and the Lambda runtime emulator).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "== type check (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json
echo "== component tests (mocha, Pulumi mocks)"
npx mocha
echo "== package tests (schema, README tables, YAML example, npm pack, offline plan)"
npx mocha --no-config --require ts-node/register/transpile-only --extension ts --timeout 60000 'tests/package/*.test.ts'
echo "== app tests (pytest)"
cd app
../.venv/bin/python -m pytest -q -p no:cacheprovider tests
