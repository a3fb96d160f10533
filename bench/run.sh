#!/usr/bin/env bash
# `npm run bench [-- --runs N --iterations N]`: sets up both sides, then measures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
seed="$root/.bench/seed-venv"
stamp="$(sha256sum bench/seed/requirements.txt | cut -c1-16)"
if [[ "$(cat "$seed/.stamp" 2>/dev/null)" != "$stamp" ]]; then
  echo "[bench] creating the seed baseline venv ($seed)" >&2
  python3 -m venv "$seed"
  "$seed/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r bench/seed/requirements.txt
  echo "$stamp" > "$seed/.stamp"
fi
.venv/bin/python bench/bench.py "$@"
