#!/usr/bin/env bash
# Idempotent setup of everything outside node_modules that the tests and the
# local run need: the Python venv with the app's pinned requirements, and the
# AWS Lambda Runtime Interface Emulator built from its Go module.
# Re-running is cheap: each step is skipped when its stamp matches its inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
tools="$root/.tools/bin"
# The emulator's version (the newest pseudo-version the Go module proxy serves), shared with the package's
# command (cli/python.ts), which builds the same one in its user's cache.
rie_version="$(cat "$root/local/rie.version")"

say() { printf '[setup] %s\n' "$*" >&2; }

# shellcheck source=scripts/venv.sh
source "$root/scripts/venv.sh"
ensure_venv "$venv" "python (app requirements + test tools)" "$root/app/requirements-dev.txt" \
  "$root/app/constraints-dev.txt" "$root/local/requirements.txt" "$root"/app/requirements/*.in

# The function's package (app/inference) and the local tools (local/) import by their own names in every
# script, test and type check that runs with this venv: a path file, not sys.path edits in each of them.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
printf '%s\n' "$root/app" "$root/local" > "$site/lambda-inference-paths.pth"

if [[ -x "$tools/aws-lambda-rie" && "$(cat "$tools/.rie-version" 2>/dev/null)" == "$rie_version" ]]; then
  say "lambda runtime interface emulator up to date ($tools/aws-lambda-rie)"
else
  say "building aws-lambda-rie $rie_version with go install"
  mkdir -p "$tools"
  GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$rie_version"
  echo "$rie_version" > "$tools/.rie-version"
  say "aws-lambda-rie ready"
fi
