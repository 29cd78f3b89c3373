#!/usr/bin/env bash
# The one command that installs, builds (Debug + AddressSanitizer/UBSan) and
# runs every test: the unit tests (ctest), the HTTP integration suite against
# the real binary on SQLite and on a PostgreSQL 15 server this script starts
# and stops itself, the web app's unit tests and its journeys in chromium,
# a short fuzzing run and the benchmark's smoke run.
# .ci/run calls exactly this. The last line is "N passed, N failed", counting
# unit and integration tests one by one and every other step as one.
#
# Options, for local use (CI passes none):
#   --skip-build          use the existing build/debug
#   --only STEP[,STEP]    run only these steps: unit, sqlite, postgres, web, fuzz, bench
# TRIVIUM_BIN (default build/debug/trivium) is the binary the web step tests.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

skip_build=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --only) only=",$2,"; shift ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
wanted() { [ -z "$only" ] || [[ "$only" == *",$1,"* ]]; }

passed=0
failed=0
failures=()
LOGS=$(mktemp -d /tmp/trivium-test.XXXXXX)

source scripts/pg.sh
cleanup() {
  pg_stop
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

count_step() {  # name, exit status
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$1")
  fi
}

finish() {
  echo
  if [ "${#failures[@]}" -gt 0 ]; then echo "Failed: ${failures[*]}"; fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# Sanitizers: leaks are errors; a suppression list holds only what third-party
# libraries leak on purpose (see tests/lsan.supp).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "==> setup"
./scripts/setup.sh || { count_step setup 1; finish; }

# A module includes only the public headers of the modules it declares.
if [ -x scripts/check-boundaries.py ] && [ -z "$only" ]; then
  echo "==> module boundaries"
  python3 scripts/check-boundaries.py
  count_step boundaries $?
fi

if [ "$skip_build" -eq 0 ]; then
  echo "==> build (debug, ASan + UBSan)"
  if cmake --preset debug >"$LOGS/configure.log" 2>&1 && cmake --build --preset debug; then
    count_step build 0
  else
    cat "$LOGS/configure.log"
    count_step build 1
    finish
  fi
fi

echo "==> PostgreSQL 15"
if ! pg_start; then
  count_step postgres-start 1
  finish
fi
export TRIVIUM_TEST_PG_URL="$PG_URL"
echo "PostgreSQL on 127.0.0.1:$PG_PORT"

# Unit tests: every test case counts.
if wanted unit; then
  echo "==> unit tests (ctest)"
  ctest --preset debug 2>&1 | tee "$LOGS/ctest.log"
  status=${PIPESTATUS[0]}
  line=$(grep -aEo '[0-9]+ tests failed out of [0-9]+' "$LOGS/ctest.log" | tail -1)
  if [ -n "$line" ]; then
    f=$(echo "$line" | awk '{print $1}')
    total=$(echo "$line" | awk '{print $NF}')
    passed=$((passed + total - f))
    failed=$((failed + f))
    [ "$f" -eq 0 ] || failures+=("unit")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then count_step ctest "$status"; fi
  else
    echo "ctest ran no test"
    count_step unit 1
  fi
fi

# Integration suite: node's test runner, once per store, each test file
# starting its own fresh server (see tests/integration/lib/server.mjs).
run_integration() {  # store
  local store=$1 log="$LOGS/integration-$1.log" status p f
  echo "==> integration tests on $store"
  (
    cd tests/integration &&
      TRIVIUM_IT_STORE=$store TRIVIUM_BIN="$ROOT/build/debug/trivium" \
        timeout 1200 node --test --test-concurrency=1 --test-reporter=spec
  ) 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  p=$(grep -aE '^(ℹ|#) pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -aE '^(ℹ|#) fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  if [ -z "$p" ] || [ -z "$f" ] || [ "$((p + f))" -eq 0 ]; then
    echo "integration ($store) ran no test"
    count_step "integration-$store" 1
    return
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || failures+=("integration-$store")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then count_step "integration-$store" "$status"; fi
}

if wanted sqlite || wanted postgres; then
  echo "==> npm ci (tests/integration)"
  if ! (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error >"$LOGS/npm.log" 2>&1); then
    cat "$LOGS/npm.log"
    count_step npm-ci 1
  else
    wanted sqlite && run_integration sqlite
    if wanted postgres; then
      # The suite creates a fresh database per server start from this one.
      if "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U trivium trivium_it; then
        TRIVIUM_IT_PG_URL="postgresql://trivium@127.0.0.1:$PG_PORT/trivium_it" run_integration postgres
      else
        count_step integration-postgres 1
      fi
    fi
  fi
fi

# The web app (web/, tests/web): built, then its Vitest unit and component
# tests and its journeys in chromium against the real binary on SQLite, each
# test counted one by one.
run_web() {
  local log="$LOGS/web.log" status p f bin=${TRIVIUM_BIN:-$ROOT/build/debug/trivium}
  echo "==> web app: build, unit tests (vitest), journeys (chromium)"
  if ! ./scripts/web.sh build || ! ./scripts/web.sh deps tests/web tests/integration; then
    count_step web-build 1
    return
  fi
  (cd web && NO_COLOR=1 timeout 300 npx vitest run) 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  line=$(grep -aE '^ *Tests +' "$log" | tail -1)
  p=$(echo "$line" | grep -oE '[0-9]+ passed' | awk '{print $1}')
  f=$(echo "$line" | grep -oE '[0-9]+ failed' | awk '{print $1}')
  if [ -z "$p$f" ]; then
    echo "vitest ran no test"
    count_step web-unit 1
  else
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    [ "${f:-0}" -eq 0 ] || failures+=("web-unit")
    if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then count_step web-unit "$status"; fi
  fi
  log="$LOGS/web-journeys.log"
  (cd tests/web && TRIVIUM_BIN="$bin" timeout 600 node --test --test-concurrency=1 --test-reporter=spec) 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  p=$(grep -aE '^(ℹ|#) pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -aE '^(ℹ|#) fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  if [ -z "$p" ] || [ -z "$f" ] || [ "$((p + f))" -eq 0 ]; then
    echo "the web journeys ran no test"
    count_step web-journeys 1
    return
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || failures+=("web-journeys")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then count_step web-journeys "$status"; fi
}

if wanted web; then
  run_web
fi

# Hooks filled by other parts of the foundation; skipped (and said so) only
# while their script does not exist.
if wanted fuzz; then
  echo "==> fuzz (brief libFuzzer run)"
  if [ -x fuzz/run.sh ]; then
    fuzz/run.sh
    count_step fuzz $?
  else
    echo "fuzz/run.sh does not exist yet: step skipped"
  fi
fi

if wanted bench; then
  echo "==> benchmark smoke run"
  if [ -x bench/run.sh ]; then
    bench/run.sh --smoke
    count_step bench-smoke $?
  else
    echo "bench/run.sh does not exist yet: step skipped"
  fi
fi

finish
