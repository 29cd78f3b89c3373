#!/usr/bin/env bash
# The one command to try Trivium: installs what is missing, builds the release
# binary and starts the server on http://127.0.0.1:8080 with its data in ./var.
# Extra arguments go to `trivium serve` (for example --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release

# Hook: demo content. A later issue adds scripts/demo.sh, which fills a fresh
# data folder with sample organisations and courses; until then there is none.
if [ -x scripts/demo.sh ]; then
  ./scripts/demo.sh build/release/trivium ./var
fi

# Defaults unless the caller gave their own (an option given twice is an error).
has() {
  local a
  for a in "${@:2}"; do case "$a" in "$1" | "$1"=*) return 0 ;; esac; done
  return 1
}
args=()
has --data "$@" || args+=(--data ./var)
has --listen "$@" || args+=(--listen 127.0.0.1:8080)

exec build/release/trivium serve "${args[@]}" "$@"
