#!/usr/bin/env bash
# Builds (incrementally) and runs the HTTP request fuzzer for N seconds
# (default 30) on a throw-away copy of the seed corpus, so the committed corpus
# never grows. Exits non-zero on any crash, sanitizer report or broken
# invariant; the reproducer is kept in build/fuzz/artifacts/.
#
#   fuzz/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
seconds=${1:-30}
BUILD="$ROOT/build/fuzz"

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S fuzz -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
fi
cmake --build "$BUILD" -j2 >"$BUILD/build.log" 2>&1 || { cat "$BUILD/build.log"; echo "fuzz: build failed" >&2; exit 1; }

work=$(mktemp -d /tmp/trivium-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r fuzz/corpus/http_request "$work/corpus"
mkdir -p "$BUILD/artifacts"

# Leaks are errors, as in the test command; the suppression list covers only
# third-party allocations kept on purpose.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "fuzz: http_request_fuzzer for ${seconds}s"
status=0
"$BUILD/http_request_fuzzer" "$work/corpus" \
  -dict=fuzz/http.dict -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=8192 \
  -artifact_prefix="$BUILD/artifacts/" -print_final_stats=1 >"$work/log" 2>&1 || status=$?
grep -aE '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" || true
if [ "$status" -ne 0 ]; then
  tail -n 60 "$work/log"
  echo "fuzz: FAILED (exit $status); reproduce with $BUILD/http_request_fuzzer <artifact from $BUILD/artifacts/>" >&2
  exit 1
fi
echo "fuzz: ok, corpus $(ls "$work/corpus" | wc -l) inputs (seed $(ls fuzz/corpus/http_request | wc -l))"
