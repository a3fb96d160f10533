#!/usr/bin/env bash
# `npm run lint`: TypeScript (eslint, prettier), Go (gofmt, go vet) and Python (ruff lint and format, mypy strict on the app).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "== eslint + prettier"
npx eslint .
npx prettier --check .
echo "== gofmt + go vet (codegen/)"
unformatted="$(gofmt -l codegen tests/sdk/go)"
if [[ -n "$unformatted" ]]; then
  echo "gofmt would reformat: $unformatted" >&2
  exit 1
fi
(cd codegen && go vet ./...)
echo "== ruff (lint, format) + mypy --strict (app/)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
