#!/usr/bin/env bash
# The web app's Node.js side, for the run and test commands:
#   scripts/web.sh deps DIR...   npm ci in each DIR, only when its node_modules is
#                                missing or was installed from another package-lock.json
#   scripts/web.sh build         deps for web/, then `npm run build` (web/dist, served
#                                by `trivium serve`; see docs/decisions/0012-web-app.md)
set -euo pipefail
cd "$(dirname "$0")/.."

STAMP=node_modules/.trivium-package-lock.sha256

# npm ci wipes node_modules, so it runs only when the lock file changed since
# the last install (its hash is kept inside node_modules).
deps() {
  local dir=$1 want have log
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$dir/$STAMP" 2>/dev/null || true)
  if [ -d "$dir/node_modules" ] && [ "$want" = "$have" ]; then return 0; fi
  echo "web.sh: npm ci in $dir"
  log=$(mktemp)
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "web.sh: npm ci failed in $dir" >&2
    return 1
  fi
  rm -f "$log"
  echo "$want" >"$dir/$STAMP"
}

build() {
  deps web
  (cd web && npm run --silent build)
}

case "${1:-}" in
  deps)
    shift
    for d in "$@"; do deps "$d"; done
    ;;
  build) build ;;
  *)
    echo "usage: $0 deps DIR... | build" >&2
    exit 2
    ;;
esac
