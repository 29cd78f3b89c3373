#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test Trivium.
# Idempotent: a machine that already has everything never calls apt at all.
# Quiet on success; apt's errors are shown.
set -euo pipefail

# Build tools and libraries, the PostgreSQL 15 server the tests start, nginx and
# wrk for the benchmark, clang 14 with its runtime for libFuzzer and LSan,
# python3 for the repository checks, and chromium for the web app's tests
# (driven by playwright-core; no browser is downloaded).
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-all-dev libboost-json1.81-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libfmt-dev libsodium-dev libpq-dev libsqlite3-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libhowardhinnant-date-dev tzdata
  libgumbo-dev libmagic-dev libssl-dev libpugixml-dev
  postgresql-15 nginx-light wrk clang-14 libclang-rt-14-dev
  curl ca-certificates python3
  chromium fonts-dejavu-core
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [ "${status:0:2}" = "ii" ] || missing+=("$p")
done
# Node.js may come from another source than Debian (it does on our machines);
# Debian's packages are only needed when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if ! as_root apt-get update -qq >"$log" 2>&1 ||
     ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "setup: apt-get failed" >&2
    exit 1
  fi
  rm -f "$log"
fi
