#!/usr/bin/env bash
# `npm start [-- --event FILE] [--model PATH] [--port N] [--s3-port N] [--no-plan]`
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
plan=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-plan" ]]; then plan=0; else args+=("$a"); fi
done
bash scripts/setup.sh
echo "== the app, locally, under the Lambda runtime emulator"
.venv/bin/python local/start.py "${args[@]+"${args[@]}"}"
if [[ $plan == 1 ]]; then
  echo
  echo "== offline plan of the root program (npm run plan)"
  npx ts-node --transpile-only scripts/plan.ts
fi
