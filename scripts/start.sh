#!/usr/bin/env bash
# `npm start [-- --event FILE] [--model PATH] [--delivery s3|image] [--docker] [--port N] [--s3-port N] [--no-plan]`
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
plan=1
delivery=s3
args=()
previous=""
for a in "$@"; do
  if [[ "$a" == "--no-plan" ]]; then plan=0; else args+=("$a"); fi
  if [[ "$previous" == "--delivery" ]]; then delivery="$a"; fi
  previous="$a"
done
bash scripts/setup.sh
echo "== the app, locally, under the Lambda runtime emulator"
.venv/bin/python local/start.py "${args[@]+"${args[@]}"}"
if [[ $plan == 1 ]]; then
  echo
  echo "== offline plan of the root program (npm run plan)"
  npx ts-node --transpile-only scripts/plan.ts --delivery "$delivery"
fi
