#!/usr/bin/env bash
# Builds (incrementally) and runs every libFuzzer target (the HTTP request
# front door for N seconds, default 30; the CSV reader for half of that) on
# throw-away copies of the seed corpora, so the committed corpora never grow.
# Exits non-zero on any crash, sanitizer report or broken invariant; the
# reproducers are kept in build/fuzz/artifacts/.
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
mkdir -p "$BUILD/artifacts"

# Leaks are errors, as in the test command; the suppression list covers only
# third-party allocations kept on purpose.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# fuzz_one TARGET SECONDS MAX_LEN [libFuzzer flags...]: runs fuzz/<target>'s
# binary on a copy of fuzz/corpus/<target>.
fuzz_one() {
  local target=$1 secs=$2 max_len=$3 status=0
  shift 3
  cp -r "fuzz/corpus/$target" "$work/$target"
  echo "fuzz: ${target}_fuzzer for ${secs}s"
  "$BUILD/${target}_fuzzer" "$work/$target" "$@" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -max_len="$max_len" -artifact_prefix="$BUILD/artifacts/${target}-" -print_final_stats=1 \
    >"$work/$target.log" 2>&1 || status=$?
  grep -aE '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$work/$target.log"
    echo "fuzz: FAILED (exit $status); reproduce with $BUILD/${target}_fuzzer <artifact from $BUILD/artifacts/>" >&2
    return 1
  fi
  echo "fuzz: ok, corpus $(ls "$work/$target" | wc -l) inputs (seed $(ls "fuzz/corpus/$target" | wc -l))"
}

# The time is shared between the targets: the HTTP front door gets most.
failed=0
fuzz_one http_request "$seconds" 8192 -dict=fuzz/http.dict || failed=1
fuzz_one csv $(( (seconds + 1) / 2 )) 16384 || failed=1
fuzz_one richtext $(( (seconds + 2) / 3 )) 8192 || failed=1
fuzz_one xapi_statement $(( (seconds + 3) / 4 )) 16384 || failed=1
fuzz_one multipart $(( (seconds + 3) / 4 )) 16384 || failed=1
fuzz_one embed_url $(( (seconds + 3) / 4 )) 4096 || failed=1
# Question interchange (F3): about 22 s together at the default 30.
fuzz_one gift $(( (seconds + 3) / 4 )) 16384 || failed=1
fuzz_one aiken $(( (seconds + 5) / 6 )) 4096 || failed=1
fuzz_one moodle_xml $(( (seconds + 3) / 4 )) 16384 || failed=1
exit "$failed"
