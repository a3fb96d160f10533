#!/usr/bin/env bash
# `npm run lint`: TypeScript (eslint, prettier), Go (gofmt, go vet: codegen, the bench S3 server), Python (ruff lint and format, mypy
# strict over the app, the local tools and the bench), the shell scripts (shellcheck) and the
# Dockerfiles (hadolint). .pre-commit-config.yaml runs the same tools on each commit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "== eslint + prettier"
npx eslint .
npx prettier --check .
echo "== gofmt + go vet (codegen/)"
unformatted="$(gofmt -l codegen tests/sdk/go bench/s3server)"
if [[ -n "$unformatted" ]]; then
  echo "gofmt would reformat: $unformatted" >&2
  exit 1
fi
(cd codegen && go vet ./...)
(cd bench/s3server && go vet ./...)
echo "== ruff (lint, format) + mypy --strict (app/, local/, bench/)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
echo "== shellcheck (shell scripts) + hadolint (Dockerfiles)"
mapfile -t scripts < <(git ls-files '*.sh' 'local/standin/bootstrap' 'app/extension/*' '.ci/run')
.venv/bin/shellcheck "${scripts[@]}"
.venv/bin/hadolint app/Dockerfile bench/seed/Dockerfile
echo "[lint] all clean"
