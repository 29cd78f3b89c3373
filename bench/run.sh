#!/usr/bin/env bash
# The benchmark runner: Trivium's release binary against nginx serving the
# same bytes as a static file, measured by wrk in the same run. See
# bench/README.md for the columns and docs/performance.md for the targets.
#
#   bench/run.sh [--smoke] [--duration S] [--connections N] [--idle N] [--repeat N] [--no-build]
#
# The server (one I/O thread) and nginx (one worker) share core 0; wrk runs on
# core 1. Exits non-zero if any step fails or the server answers an error;
# there is no performance threshold (the targets are printed, not enforced).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

duration=""
connections=64
idle=""
repeat=1
build=1
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --idle) idle=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# A smoke run (the test command's) only proves that every step still works.
if [ "$smoke" -eq 1 ]; then
  duration=${duration:-1}
  idle=${idle:-100}
else
  duration=${duration:-10}
  idle=${idle:-1000}
fi

BIN=${TRIVIUM_BIN:-"$ROOT/build/release/trivium"}  # another binary: TRIVIUM_BIN=... --no-build
RESULTS="$ROOT/bench/results"
TMP=$(mktemp -d /tmp/trivium-bench.XXXXXX)
ROWS="$TMP/rows.tsv"
: >"$ROWS"
SERVER_PID=""
NGINX_PID=""
IDLE_PID=""
failures=0

log() { echo "bench: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

stop_pid() {  # pid, seconds to wait before SIGKILL
  local pid=$1 wait_s=${2:-30} i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$IDLE_PID" 5
  stop_pid "$SERVER_PID" 30
  stop_pid "$NGINX_PID" 10
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk nginx taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh installs it)"
done
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 cores; server and wrk will compete"
# Room for the idle-connection scenario (the limit is inherited by the server).
ulimit -n "$((idle + 1024))" 2>/dev/null || log "warning: cannot raise the open-file limit"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rss_mb() {  # pid -> resident set size in MB (one decimal)
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# --- Trivium ------------------------------------------------------------------

if [ "$build" -eq 1 ]; then
  log "building the release binary"
  { cmake --preset release >"$TMP/configure.log" 2>&1 && cmake --build --preset release -j2; } ||
    { cat "$TMP/configure.log" >&2; die "release build"; }
fi
[ -x "$BIN" ] || die "$BIN does not exist (run without --no-build)"

DATA="$TMP/data"
PORT=""
ADMIN_EMAIL=""
ADMIN_PASSWORD=""
COOKIE=""

# start_server ACCESS_LOG(1|0): starts on core 0 with one I/O thread and
# waits until /healthz answers.
start_server() {
  local access_log=$1 i
  PORT=$(free_port)
  TRIVIUM_THREADS=1 TRIVIUM_ACCESS_LOG=$access_log taskset -c 0 \
    "$BIN" serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$TMP/server-$access_log.log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 300; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$TMP/server-$access_log.log" >&2; die "server exited at start"; }
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || die "server did not answer /healthz within 30 s"
  if [ -z "$ADMIN_PASSWORD" ]; then
    local line
    line=$(grep -aoE 'Initial administrator: [^ ]+ password: [^ ]+' "$TMP/server-$access_log.log" | head -1) ||
      die "no 'Initial administrator' line on the first start"
    ADMIN_EMAIL=$(echo "$line" | awk '{print $3}')
    ADMIN_PASSWORD=$(echo "$line" | awk '{print $5}')
  fi
  log "server pid $SERVER_PID on 127.0.0.1:$PORT (access log $([ "$access_log" = 1 ] && echo on || echo off))"
}

login() {
  local body status
  body=$(ADMIN_EMAIL=$ADMIN_EMAIL ADMIN_PASSWORD=$ADMIN_PASSWORD python3 -c \
    'import json, os; print(json.dumps({"email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"]}))')
  status=$(curl -s -o "$TMP/login.json" -D "$TMP/login.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$PORT/api/v1/auth/login")
  [ "$status" = 200 ] || { cat "$TMP/login.json" >&2; die "login answered $status"; }
  COOKIE=$(grep -aiE '^set-cookie:' "$TMP/login.headers" | sed -E 's/^[Ss]et-[Cc]ookie: *//; s/;.*//' |
    grep -aiE '^[^=]*session[^=]*=' | head -1 | tr -d '\r')
  [ -n "$COOKIE" ] || die "login set no session cookie"
}

# fetch PATH FILE [COOKIE]: the exact body of a measured response.
fetch() {
  local status
  status=$(curl -s -o "$2" -w '%{http_code}' ${3:+-H "Cookie: $3"} "http://127.0.0.1:$PORT$1")
  [ "$status" = 200 ] || { cat "$2" >&2; die "GET $1 answered $status"; }
}

# --- nginx --------------------------------------------------------------------

NGINX_PORT=""
WWW="$TMP/www"

start_nginx() {
  local i user_line=""
  NGINX_PORT=$(free_port)
  mkdir -p "$TMP/nginx" "$WWW"
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat >"$TMP/nginx/nginx.conf" <<EOF
# Generated by bench/run.sh: nginx at its best static speed, on core 0.
$user_line
daemon off;
worker_processes 1;
worker_cpu_affinity 01;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 16384; }
http {
  default_type application/json;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  etag off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  open_file_cache max=100 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WWW;
  }
}
EOF
  taskset -c 0 nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" -e "$TMP/nginx/error.log" >"$TMP/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  for ((i = 0; i < 100; i++)); do
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/error.log" "$TMP/nginx/stdout.log" >&2; die "nginx exited"; }
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
    sleep 0.1
  done
  log "nginx pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"
}

nginx_worker_pid() {
  awk '{print $1}' "/proc/$NGINX_PID/task/$NGINX_PID/children" 2>/dev/null
}

# --- wrk ------------------------------------------------------------------------

# Latency text from wrk ("812.00us", "1.20ms", "2.01s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n
  }'
}

# wrk_once FILE ARGS... URL: one wrk run on core 1; appends
# "rps<TAB>p50<TAB>p99<TAB>errors" to FILE, or returns 1 if wrk failed or its
# output was unreadable.
wrk_once() {
  local file=$1 out="$TMP/wrk.out" rps p50 p99 non2xx sock
  shift
  if ! taskset -c 1 wrk "$@" >"$out" 2>&1; then
    cat "$out" >&2
    return 1
  fi
  rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$out")
  if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ]; then
    cat "$out" >&2
    return 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$((${non2xx:-0} + ${sock:-0}))" >>"$file"
}

# median_run FILE: "rps<TAB>p50<TAB>p99<TAB>errors" of the run with the median
# req/s, errors summed over all runs.
median_run() {
  local n errors
  n=$(wc -l <"$1")
  errors=$(awk -F'\t' '{ n += $4 } END { print n + 0 }' "$1")
  sort -n -t$'\t' -k1,1 "$1" | sed -n "$(((n + 1) / 2))p" | awk -F'\t' -v e="$errors" -v OFS='\t' '{ print $1, $2, $3, e }'
}

# add_row ORDER SCENARIO TARGET RUNS_FILE RATIO PID: one table row.
add_row() {
  local rps p50 p99 errors
  IFS=$'\t' read -r rps p50 p99 errors < <(median_run "$4")
  if [ "$errors" -ne 0 ]; then
    log "$2 on $3: $errors errors"
    failures=$((failures + 1))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$rps" "$p50" "$p99" "$errors" "$5" "$(rss_mb "$6")" \
    >>"$ROWS"
}

# measure ORDER KEY SCENARIO TARGET URL PID COOKIE [SCRIPT]: $repeat wrk runs
# of the server, each followed by one of nginx serving the same body (bench
# file KEY), so that each ratio compares two runs made seconds apart; the row
# keeps the median run and the median ratio. SCRIPT, a wrk Lua script, shapes
# the requests of both (it adds the cookie itself when TRIVIUM_COOKIE is set).
measure() {
  local order=$1 key=$2 scenario=$3 target=$4 url=$5 pid=$6 cookie=$7 script=${8:-} r t n
  local args=(-t1 "-c$connections" --latency) nginx_url="http://127.0.0.1:$NGINX_PORT/$2"
  local runs="$TMP/runs-$order" nginx_runs="$TMP/nginx-$key.runs" ratios="$TMP/ratios-$order"
  local cookie_args=() nginx_args=()
  if [ -n "$script" ]; then
    cookie_args=(-s "$script")
    nginx_args=(-s "$script")
  elif [ -n "$cookie" ]; then
    cookie_args=(-s "$ROOT/bench/wrk-cookie.lua")
  fi
  : >"$runs"
  : >"$ratios"
  if [ "$smoke" -eq 0 ]; then  # warm-up, not recorded
    TRIVIUM_COOKIE=$cookie taskset -c 1 wrk "${args[@]}" "${cookie_args[@]}" -d2s "$url" >/dev/null 2>&1 || true
    taskset -c 1 wrk "${args[@]}" "${nginx_args[@]}" -d2s "$nginx_url" >/dev/null 2>&1 || true
  fi
  for ((r = 1; r <= repeat; r++)); do
    if ! TRIVIUM_COOKIE=$cookie wrk_once "$runs" "${args[@]}" "${cookie_args[@]}" "-d${duration}s" "$url" ||
      ! wrk_once "$nginx_runs" "${args[@]}" "${nginx_args[@]}" "-d${duration}s" "$nginx_url"; then
      log "wrk failed for $scenario ($target or nginx)"
      failures=$((failures + 1))
      return
    fi
    t=$(tail -n 1 "$runs" | cut -f1)
    n=$(tail -n 1 "$nginx_runs" | cut -f1)
    awk -v t="$t" -v n="$n" 'BEGIN { printf "%.4f\n", (n > 0 ? t / n : 0) }' >>"$ratios"
    log "$scenario: $target $t req/s, nginx $n req/s"
  done
  add_row "$order" "$scenario" "$target" "$runs" \
    "$(sort -g "$ratios" | sed -n "$(((repeat + 1) / 2))p" | awk '{ printf "%.0f%%", 100 * $1 }')" "$pid"
}

# --- Scenarios ------------------------------------------------------------------

# Other work on the machine skews every figure: record the load around the run.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
awk '{ exit !($1 >= 0.5) }' /proc/loadavg && log "warning: load average $LOAD_START before the run; figures will be skewed"

start_nginx
start_server 1
login
fetch /healthz "$WWW/healthz"
fetch /api/v1/me "$WWW/me" "$COOKIE"
healthz_bytes=$(stat -c %s "$WWW/healthz")
me_bytes=$(stat -c %s "$WWW/me")
NGINX_WORKER=$(nginx_worker_pid)
[ -n "$NGINX_WORKER" ] || die "cannot find the nginx worker"
cmp -s "$WWW/me" <(curl -s "http://127.0.0.1:$NGINX_PORT/me") || die "nginx does not serve the /api/v1/me body"

S_HEALTH="GET /healthz (${healthz_bytes} B)"
S_ME="GET /api/v1/me (${me_bytes} B)"
measure 11 healthz "$S_HEALTH" "trivium" "http://127.0.0.1:$PORT/healthz" "$SERVER_PID" ""
measure 21 me "$S_ME" "trivium" "http://127.0.0.1:$PORT/api/v1/me" "$SERVER_PID" "$COOKIE"

# Idle keep-alive connections, each after one request, on the default server.
rss_before=$(rss_mb "$SERVER_PID")
python3 "$ROOT/bench/idle_connections.py" 127.0.0.1 "$PORT" "$idle" /healthz >"$TMP/idle.out" 2>&1 &
IDLE_PID=$!
for ((i = 0; i < 600; i++)); do
  grep -q '^ready' "$TMP/idle.out" 2>/dev/null && break
  kill -0 "$IDLE_PID" 2>/dev/null || break
  sleep 0.1
done
if grep -q '^ready' "$TMP/idle.out"; then
  sleep 0.5
  rss_idle=$(rss_mb "$SERVER_PID")
  log "$idle idle connections: server RSS $rss_idle MB (before: $rss_before MB)"
else
  cat "$TMP/idle.out" >&2
  log "the idle-connection scenario failed"
  failures=$((failures + 1))
  rss_idle="n/a"
fi
stop_pid "$IDLE_PID" 5
IDLE_PID=""

# CSV roster import: rows (e-mail, name, department) uploaded in one request and
# polled until the background job is done; the time is from upload to done.
import_rows=$([ "$smoke" -eq 1 ] && echo 2000 || echo 100000)
import_seconds="n/a"
import_scenario() {
  local csrf org location state start end i
  csrf=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$TMP/login.json")
  api() {  # METHOD PATH [curl args...]
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -H "Cookie: $COOKIE" -H "X-CSRF-Token: $csrf" "$@" "http://127.0.0.1:$PORT$path"
  }
  org=$(api POST /api/v1/orgs -H 'Content-Type: application/json' --data '{"slug":"bench-imports","name":"Bench"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || return 1
  api POST "/api/v1/orgs/$org/departments" -H 'Content-Type: application/json' --data '{"name":"Sales"}' >/dev/null
  python3 -c '
import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write("email,name,department\n")
    for i in range(n):
        department = "Sales" if i % 3 == 0 else ""
        f.write(f"learner{i}@bench.example,Learner {i},{department}\n")
' "$import_rows" "$TMP/roster.csv"
  start=$(date +%s.%N)
  location=$(api POST "/api/v1/orgs/$org/imports" -H 'Content-Type: text/csv' --data-binary "@$TMP/roster.csv" \
    -D - -o "$TMP/import.json" | awk -F': ' 'tolower($1) == "location" { print $2 }' | tr -d '\r')
  [ -n "$location" ] || { cat "$TMP/import.json" >&2; return 1; }
  for ((i = 0; i < 6000; i++)); do
    state=$(api GET "$location" | python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["state"], j["applied_rows"])')
    case "$state" in done*|failed*) break ;; esac
    sleep 0.05
  done
  end=$(date +%s.%N)
  [ "${state%% *}" = done ] && [ "${state#* }" = "$import_rows" ] || { log "import ended as: $state"; return 1; }
  import_seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
  log "CSV import: $import_rows rows in $import_seconds s"
}
import_scenario || { log "the CSV import scenario failed"; failures=$((failures + 1)); }

# Catalog and outline: courses created through the API, then a one-word
# search (anonymous, first page) and a learner's outline of a published course
# of MODULES x UNITS (with its session cookie).
catalog_courses=$([ "$smoke" -eq 1 ] && echo 60 || echo 2000)
outline_modules=$([ "$smoke" -eq 1 ] && echo 5 || echo 50)
outline_units=5
S_SEARCH=""
S_OUTLINE=""
S_LESSON=""
if python3 "$ROOT/bench/seed.py" "$PORT" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$catalog_courses" "$outline_modules" \
  "$outline_units" >"$TMP/seed.json" 2>"$TMP/seed.err"; then
  SEARCH_PATH=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["search"])' "$TMP/seed.json")
  OUTLINE_PATH=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["outline"])' "$TMP/seed.json")
  LESSON_PATH=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["lesson"])' "$TMP/seed.json")
  LEARNER_COOKIE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["learner_cookie"])' "$TMP/seed.json")
  log "seeded $catalog_courses courses ($(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["courses_per_second"])' "$TMP/seed.json") courses/s through the API)"
  fetch "$SEARCH_PATH" "$WWW/search"
  fetch "$OUTLINE_PATH" "$WWW/outline" "$LEARNER_COOKIE"
  fetch "$LESSON_PATH" "$WWW/lesson" "$LEARNER_COOKIE"
  S_SEARCH="GET catalog search, 1 word, first page ($catalog_courses courses, $(stat -c %s "$WWW/search") B)"
  S_OUTLINE="GET run outline as a learner ($outline_modules x $outline_units units, $(stat -c %s "$WWW/outline") B)"
  S_LESSON="GET a lesson (text block) as a learner, locks checked ($(stat -c %s "$WWW/lesson") B)"
  measure 31 search "$S_SEARCH" "trivium" "http://127.0.0.1:$PORT$SEARCH_PATH" "$SERVER_PID" ""
  measure 41 outline "$S_OUTLINE" "trivium" "http://127.0.0.1:$PORT$OUTLINE_PATH" "$SERVER_PID" "$LEARNER_COOKIE"
  measure 45 lesson "$S_LESSON" "trivium" "http://127.0.0.1:$PORT$LESSON_PATH" "$SERVER_PID" "$LEARNER_COOKIE"
else
  cat "$TMP/seed.err" >&2
  log "seeding the catalog failed"
  failures=$((failures + 1))
fi

# Course video: a file uploaded through the resumable-upload API, then read
# by an enrolled learner as a player seeking through it would: random 1 MiB
# byte ranges (bench/wrk-range.lua), against nginx serving the same file with
# the same ranges.
video_bytes=$([ "$smoke" -eq 1 ] && echo $((16 << 20)) || echo $((64 << 20)))
export TRIVIUM_VIDEO_BYTES=$video_bytes
S_VIDEO=""
if python3 "$ROOT/bench/upload_video.py" "$PORT" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$video_bytes" "$WWW/video" \
  >"$TMP/video.json" 2>"$TMP/video.err"; then
  VIDEO_PATH=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["content"])' "$TMP/video.json")
  VIDEO_COOKIE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["learner_cookie"])' "$TMP/video.json")
  video_upload_s=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["upload_seconds"])' "$TMP/video.json")
  log "uploaded a $((video_bytes >> 20)) MiB video in ${video_upload_s} s (8 MiB chunks)"
  # The bytes served are the bytes uploaded, for Trivium and for nginx.
  cmp -s "$WWW/video" <(curl -s -H "Cookie: $VIDEO_COOKIE" "http://127.0.0.1:$PORT$VIDEO_PATH") ||
    die "Trivium does not serve the uploaded video"
  cmp -s <(head -c 1048576 "$WWW/video") \
    <(curl -s -H 'Range: bytes=0-1048575' "http://127.0.0.1:$NGINX_PORT/video") || die "nginx does not serve ranges"
  S_VIDEO="GET 1 MiB byte ranges of a $((video_bytes >> 20)) MiB video (206)"
  measure 51 video "$S_VIDEO" "trivium" "http://127.0.0.1:$PORT$VIDEO_PATH" "$SERVER_PID" "$VIDEO_COOKIE" \
    "$ROOT/bench/wrk-range.lua"
else
  cat "$TMP/video.err" >&2
  log "uploading the video failed"
  failures=$((failures + 1))
fi

# xAPI learning record store: an organisation's client POSTs batches of 50
# statements (bench/wrk-xapi-post.lua; statements/s = req/s x 50), then asks
# for one learner's statements on one activity (bench/wrk-xapi-query.lua)
# over what the ingest stored. No nginx row: nginx cannot store a POST, and
# the targets are absolute.
XAPI_ROWS=0
xapi_scenario() {
  local csrf org auth runs
  csrf=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$TMP/login.json")
  org=$(curl -s -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{"slug":"bench-lrs","name":"Bench LRS"}' "http://127.0.0.1:$PORT/api/v1/orgs" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || return 1
  auth=$(curl -s -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{"name":"Bench tool"}' "http://127.0.0.1:$PORT/api/v1/orgs/$org/lrs-clients" |
    python3 -c 'import base64, json, sys; j = json.load(sys.stdin); print("Basic " + base64.b64encode((j["key"] + ":" + j["secret"]).encode()).decode())') ||
    return 1
  for kind in post query; do
    runs="$TMP/runs-xapi-$kind"
    : >"$runs"
    for ((r = 1; r <= repeat; r++)); do
      TRIVIUM_XAPI_AUTH=$auth wrk_once "$runs" -t1 "-c$connections" --latency -s "$ROOT/bench/wrk-xapi-$kind.lua" \
        "-d${duration}s" "http://127.0.0.1:$PORT/xapi/statements" || return 1
      log "xAPI $kind: $(tail -n 1 "$runs" | cut -f1) req/s"
    done
  done
  add_row 61 "POST /xapi/statements, batches of 50 statements" "trivium" "$TMP/runs-xapi-post" "-" "$SERVER_PID"
  add_row 62 "GET /xapi/statements?agent&activity&limit=10" "trivium" "$TMP/runs-xapi-query" "-" "$SERVER_PID"
  XAPI_ROWS=1
}
xapi_scenario || { log "the xAPI scenario failed"; failures=$((failures + 1)); }

# The same server without its access log, to show what the default costs.
stop_pid "$SERVER_PID" 30
SERVER_PID=""
start_server 0
login
measure 12 healthz "$S_HEALTH" "trivium, access log off" "http://127.0.0.1:$PORT/healthz" "$SERVER_PID" ""
measure 22 me "$S_ME" "trivium, access log off" "http://127.0.0.1:$PORT/api/v1/me" "$SERVER_PID" "$COOKIE"
if [ -n "$S_SEARCH" ]; then
  measure 32 search "$S_SEARCH" "trivium, access log off" "http://127.0.0.1:$PORT$SEARCH_PATH" "$SERVER_PID" ""
  measure 42 outline "$S_OUTLINE" "trivium, access log off" "http://127.0.0.1:$PORT$OUTLINE_PATH" "$SERVER_PID" \
    "$LEARNER_COOKIE"
  measure 46 lesson "$S_LESSON" "trivium, access log off" "http://127.0.0.1:$PORT$LESSON_PATH" "$SERVER_PID" \
    "$LEARNER_COOKIE"
fi
if [ -n "$S_VIDEO" ]; then
  measure 52 video "$S_VIDEO" "trivium, access log off" "http://127.0.0.1:$PORT$VIDEO_PATH" "$SERVER_PID" \
    "$VIDEO_COOKIE" "$ROOT/bench/wrk-range.lua"
fi
stop_pid "$SERVER_PID" 30
SERVER_PID=""
add_row 13 "$S_HEALTH" "nginx static" "$TMP/nginx-healthz.runs" "-" "$NGINX_WORKER"
add_row 23 "$S_ME" "nginx static" "$TMP/nginx-me.runs" "-" "$NGINX_WORKER"
if [ -n "$S_SEARCH" ]; then
  add_row 33 "$S_SEARCH" "nginx static" "$TMP/nginx-search.runs" "-" "$NGINX_WORKER"
  add_row 43 "$S_OUTLINE" "nginx static" "$TMP/nginx-outline.runs" "-" "$NGINX_WORKER"
  add_row 47 "$S_LESSON" "nginx static" "$TMP/nginx-lesson.runs" "-" "$NGINX_WORKER"
fi
[ -z "$S_VIDEO" ] || add_row 53 "$S_VIDEO" "nginx static" "$TMP/nginx-video.runs" "-" "$NGINX_WORKER"
if grep -aqiE '"level":"(error|critical)"|\] (error|critical)' "$TMP"/server-*.log; then
  grep -aiE '"level":"(error|critical)"|\] (error|critical)' "$TMP"/server-*.log | head -5 >&2
  log "the server logged errors"
  failures=$((failures + 1))
fi

# --- Report -----------------------------------------------------------------------

report() {
  local load_end
  load_end=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "# Trivium benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(lscpu | awk -F': *' '/^Model name/ { print $2; exit }'), Linux $(uname -r)"
  echo "- trivium $("$BIN" version 2>/dev/null | awk '{print $2}') (release), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk --version 2>&1 | head -1 | awk '{print "wrk " $2}')"
  echo "- load average (1, 5, 15 min): $LOAD_START at the start, $load_end at the end (the runner itself adds about 1-2)"
  echo "- server: 1 I/O thread on core 0; nginx: 1 worker on core 0; wrk: -t1 -c$connections -d${duration}s on core 1$([ "$repeat" -gt 1 ] && echo ", median of $repeat runs")$([ "$smoke" -eq 1 ] && echo " (smoke run: numbers are not meaningful)")"
  echo
  echo "| scenario | target | req/s | p50 ms | p99 ms | errors | vs nginx | RSS MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  sort -n -k1,1 "$ROWS" | awk -F'\t' '{ printf "| %s | %s | %d | %s | %s | %d | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8, $9 }'
  echo
  echo "Idle keep-alive connections: $idle open (one request each), server RSS $rss_idle MB (before: $rss_before MB)."
  echo
  echo "CSV roster import (accounts + memberships, one request, background job): $import_rows rows in $import_seconds s (target: 100,000 rows in <= 10 s)."
  echo
  echo "Targets (foundation issue): /healthz >= 100% of nginx, /api/v1/me >= 90%, p99 <= 5 ms, RSS < 50 MB at 1,000 connections."
  echo "Targets (course issue, at 10,000 courses and 1,000,000 learners once the data generator exists): search and outline >= 50% of nginx and >= 10,000 req/s, p99 <= 10 ms."
  echo "Target (video issue): byte-range serving of a video >= 80% of nginx's throughput on the same file and ranges."
  echo "Targets (LRS issue): ingest >= 20,000 statements/s in batches of 50 from 64 connections; agent + activity query over 10,000,000 statements >= 5,000 req/s, p99 <= 20 ms."
  awk -F'\t' -v rss_idle="$rss_idle" -v idle="$idle" '
    function verdict(ok) { return ok ? "met" : "NOT met" }
    $1 == 11 { hr = $8; hp = $6 } $1 == 21 { mr = $8; mp = $6 }
    $1 == 31 { sr = $8; sp = $6; srps = $4 } $1 == 41 { olr = $8; op = $6; orps = $4 }
    $1 == 45 { lr = $8; lrps = $4; lp = $6 }
    $1 == 51 { vr = $8; vrps = $4 }
    $1 == 61 { xp = $4 } $1 == 62 { xq = $4; xqp = $6 }
    $1 == 11 || $1 == 12 { on_off[$1] = $4 } $1 == 21 || $1 == 22 { on_off[$1] = $4 }
    END {
      if (hr != "") printf "- /healthz: %s of nginx: %s\n", hr, verdict(hr + 0 >= 100)
      if (mr != "") printf "- /api/v1/me: %s of nginx: %s\n", mr, verdict(mr + 0 >= 90)
      if (sr != "") printf "- catalog search: %s of nginx, %d req/s, p99 %s ms: %s\n", sr, srps, sp, verdict(sr + 0 >= 50 && srps >= 10000 && sp <= 10)
      if (olr != "") printf "- run outline: %s of nginx, %d req/s, p99 %s ms: %s\n", olr, orps, op, verdict(olr + 0 >= 50 && orps >= 10000 && op <= 10)
      if (lr != "") printf "- lesson (a text block through the run, locks checked): %s of nginx, %d req/s, p99 %s ms\n", lr, lrps, lp
      if (vr != "") printf "- video byte ranges: %s of nginx, %d req/s (%.0f MiB/s): %s\n", vr, vrps, vrps, verdict(vr + 0 >= 80)
      if (xp != "") printf "- xAPI ingest: %d statements/s in batches of 50 (1 I/O thread): %s\n", 50 * xp, verdict(50 * xp >= 20000)
      if (xq != "") printf "- xAPI query (agent + activity, on the statements the ingest stored): %d req/s, p99 %s ms: %s at this size (the target is at 10,000,000 statements)\n", xq, xqp, verdict(xq >= 5000 && xqp <= 20)
      printf "- p99 (default configuration): %s ms on /healthz, %s ms on /api/v1/me: %s\n", hp, mp, verdict(hp <= 5 && mp <= 5)
      if (rss_idle != "n/a")
        printf "- RSS with %d idle connections: %s MB: %s%s\n", idle, rss_idle, verdict(rss_idle < 50), idle == 1000 ? "" : " (measured at " idle ", not 1,000)"
      if (on_off[12] > 0) printf "- access log (on by default): /healthz at %.0f%% of its req/s with the log off\n", 100 * on_off[11] / on_off[12]
      if (on_off[22] > 0) printf "- access log (on by default): /api/v1/me at %.0f%% of its req/s with the log off\n", 100 * on_off[21] / on_off[22]
    }' "$ROWS"
}

mkdir -p "$RESULTS"
report | tee "$RESULTS/latest.md"
if [ "$failures" -ne 0 ]; then
  log "$failures step(s) failed"
  exit 1
fi
