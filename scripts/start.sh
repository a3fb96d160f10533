#!/usr/bin/env bash
# `npm start [-- OPTIONS]`: the app under the Lambda runtime emulator, then the offline plan.
# Every option is local/start.py's: `npm start -- --help` lists them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "== the app, locally, under the Lambda runtime emulator"
exec .venv/bin/python local/start.py "$@"
