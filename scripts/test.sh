#!/usr/bin/env bash
# `npm test`: every suite; `npm test -- ts|sdk|app|image` runs one (also `npm run test:ts`, `test:sdk`, ...).
#   ts:    type check, component tests (mocha, Pulumi mocks), package tests
#   app:   pytest of the function and convert.py (unit, moto S3, hypothesis, the Lambda runtime emulator)
#   local: pytest of the local tools and the bench (npm start and its parts, under the emulator)
#   sdk:   the Python, Go and Node.js SDKs generated from schema.json, used by a program in each (scripts/sdk.sh)
#   image: the Dockerfile built into real images and run (needs a Docker engine, or root on Debian to
#          install one; skipped without either unless REQUIRE_IMAGE_TESTS=1, as in CI)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
read -r -a suites <<< "${*:-ts sdk app local image}"
for suite in "${suites[@]}"; do
  case "$suite" in
    ts)
      bash scripts/setup.sh  # the rollout tests run moto_server from the venv
      echo "== type check (tsc --noEmit)"
      npx tsc --noEmit -p tsconfig.json
      echo "== component tests (mocha, Pulumi mocks), with coverage of components/ (floor in .c8rc.json)"
      npx c8 mocha
      echo "== package tests (schema, README tables and graph, npm pack, offline plan)"
      npx mocha --no-config --require ts-node/register/transpile-only --extension ts --timeout 60000 'tests/package/*.test.ts'
      ;;
    sdk)
      bash scripts/sdk.sh
      ;;
    app)
      bash scripts/setup.sh
      echo "== app tests (pytest), with coverage of the function and convert.py with its parts (floor in pyproject.toml)"
      (cd app && ../.venv/bin/python -m pytest -q -p no:cacheprovider --cov=inference --cov=convert --cov=conversion --cov=signature tests)
      ;;
    local)
      bash scripts/setup.sh
      echo "== local tools' and bench's tests (pytest), with coverage of local/ (floor in local/tests/.coveragerc)"
      .venv/bin/python -m pytest -q -p no:cacheprovider --cov --cov-config=local/tests/.coveragerc \
        --ignore=local/tests/test_images.py local/tests bench/tests
      ;;
    image)
      bash scripts/setup.sh
      echo "== image tests (docker buildx build, run under the emulator, manifests)"
      .venv/bin/python -m pytest -q -p no:cacheprovider -s local/tests/test_images.py
      ;;
    *)
      echo "unknown suite '$suite' (ts, sdk, app, local, image)" >&2
      exit 2
      ;;
  esac
done
