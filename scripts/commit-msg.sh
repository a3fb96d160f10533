#!/usr/bin/env bash
# commit-msg hook (pre-commit installs it): the subject is at most 72 characters and, when there is a
# body, a blank line separates them. The detail belongs in the body.
set -euo pipefail
subject="$(head -n1 "$1")"
if (( ${#subject} > 72 )); then
  echo "commit subject is ${#subject} characters; keep it to 72 and put the detail in the body:" >&2
  echo "  $subject" >&2
  exit 1
fi
if [[ "$(sed -n 2p "$1")" != "" && "$(sed -n 2p "$1" | cut -c1)" != "#" ]]; then
  echo "leave the second line of the commit message blank" >&2
  exit 1
fi
