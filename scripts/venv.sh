# shellcheck shell=bash
# Sourced by the setup scripts. ensure_venv DIR WHAT REQUIREMENTS CONSTRAINTS [STAMPED FILE...]:
# (re)creates the venv DIR with pip's pinned REQUIREMENTS (wheels only) under CONSTRAINTS, unless
# its stamp matches the hash of those files and the STAMPED ones (what else decides its contents).
ensure_venv() {
  local venv="$1" what="$2" requirements="$3" constraints="$4"
  shift 4
  local hash
  hash="$(cat "$requirements" "$constraints" "$@" | sha256sum | cut -c1-16)"
  if [[ -x "$venv/bin/python" && "$(cat "$venv/.stamp" 2>/dev/null)" == "$hash" ]]; then
    printf '[setup] %s venv up to date (%s)\n' "$what" "$venv" >&2
    return
  fi
  printf '[setup] creating the %s venv in %s (pinned)\n' "$what" "$venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r "$requirements" -c "$constraints"
  echo "$hash" > "$venv/.stamp"
  printf '[setup] %s venv ready\n' "$what" >&2
}
