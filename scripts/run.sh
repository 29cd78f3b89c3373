#!/usr/bin/env bash
# The one command to try Trivium: installs what is missing, builds the release
# binary and the web app, and starts the server on http://127.0.0.1:8080 with
# its data in ./var.
# Extra arguments go to `trivium serve` (for example --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
# The web app (web/dist), served by the server at /. Without it the API
# still runs, so a failed build is reported, not fatal.
if ! ./scripts/web.sh build; then
  echo "run.sh: the web app could not be built (see above); the server starts with the API only." >&2
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

# The data folder the server will use: the caller's --data, else ./var.
data=./var
prev=
for a in "$@"; do
  case "$a" in --data=*) data=${a#--data=} ;; esac
  [ "$prev" = --data ] && data=$a
  prev=$a
done

# Hook: demo content. scripts/demo.sh loads the demo catalog into the data
# folder the first time (`trivium demo`) and prints the demo accounts.
if [ -x scripts/demo.sh ]; then
  ./scripts/demo.sh build/release/trivium "$data"
fi

exec build/release/trivium serve "${args[@]}" "$@"
