#!/usr/bin/env bash
# The benchmark runner: Trivium's release binary against nginx serving the
# same bytes as a static file, measured by wrk in the same run. See
# bench/README.md for the columns and docs/performance.md for the targets.
#
#   bench/run.sh [--smoke] [--duration S] [--connections N] [--idle N] [--no-build]
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
build=1
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --idle) idle=$2; shift ;;
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

# measure SCENARIO TARGET URL PID [COOKIE]: one wrk run, one row in $ROWS.
measure() {
  local scenario=$1 target=$2 url=$3 pid=$4 cookie=${5:-} out="$TMP/wrk.out" args rps p50 p99 non2xx sock errors
  args=(-t1 "-c$connections" --latency)
  if [ -n "$cookie" ]; then args+=(-s "$ROOT/bench/wrk-cookie.lua"); fi
  if [ "$smoke" -eq 0 ]; then  # warm-up, not recorded
    TRIVIUM_COOKIE=$cookie taskset -c 1 wrk "${args[@]}" -d2s "$url" >/dev/null 2>&1 || true
  fi
  if ! TRIVIUM_COOKIE=$cookie taskset -c 1 wrk "${args[@]}" "-d${duration}s" "$url" >"$out" 2>&1; then
    cat "$out" >&2
    log "wrk failed for $scenario on $target"
    failures=$((failures + 1))
    return
  fi
  rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$out")
  errors=$(( ${non2xx:-0} + ${sock:-0} ))
  if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ]; then
    cat "$out" >&2
    log "could not read wrk's output for $scenario on $target"
    failures=$((failures + 1))
    return
  fi
  [ "$errors" -eq 0 ] || { log "$scenario on $target: $errors errors"; tail -n 20 "$out" >&2; failures=$((failures + 1)); }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$target" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" \
    "$errors" "$(rss_mb "$pid")" >>"$ROWS"
  log "$scenario on $target: $rps req/s, p50 $(to_ms "$p50") ms, p99 $(to_ms "$p99") ms, $errors errors"
}

# --- Scenarios ------------------------------------------------------------------

start_nginx
start_server 1
login
fetch /healthz "$WWW/healthz"
fetch /api/v1/me "$WWW/me" "$COOKIE"
healthz_bytes=$(stat -c %s "$WWW/healthz")
me_bytes=$(stat -c %s "$WWW/me")
NGINX_WORKER=$(nginx_worker_pid)
[ -n "$NGINX_WORKER" ] || die "cannot find the nginx worker"
cmp -s "$WWW/healthz" <(curl -s "http://127.0.0.1:$NGINX_PORT/healthz") || die "nginx does not serve the healthz body"

S_HEALTH="GET /healthz (${healthz_bytes} B)"
S_ME="GET /api/v1/me (${me_bytes} B)"
measure "$S_HEALTH" "trivium" "http://127.0.0.1:$PORT/healthz" "$SERVER_PID"
measure "$S_HEALTH" "nginx static" "http://127.0.0.1:$NGINX_PORT/healthz" "$NGINX_WORKER"
measure "$S_ME" "trivium" "http://127.0.0.1:$PORT/api/v1/me" "$SERVER_PID" "$COOKIE"
measure "$S_ME" "nginx static" "http://127.0.0.1:$NGINX_PORT/me" "$NGINX_WORKER"

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

# The same server without its access log, to show what the default costs.
stop_pid "$SERVER_PID" 30
SERVER_PID=""
start_server 0
login
measure "$S_HEALTH" "trivium, access log off" "http://127.0.0.1:$PORT/healthz" "$SERVER_PID"
measure "$S_ME" "trivium, access log off" "http://127.0.0.1:$PORT/api/v1/me" "$SERVER_PID" "$COOKIE"
stop_pid "$SERVER_PID" 30
SERVER_PID=""
if grep -aqiE '"level":"(error|critical)"|\] (error|critical)' "$TMP"/server-*.log; then
  grep -aiE '"level":"(error|critical)"|\] (error|critical)' "$TMP"/server-*.log | head -5 >&2
  log "the server logged errors"
  failures=$((failures + 1))
fi

# --- Report -----------------------------------------------------------------------

report() {
  echo "# Trivium benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(lscpu | awk -F': *' '/^Model name/ { print $2; exit }'), Linux $(uname -r)"
  echo "- trivium $("$BIN" version 2>/dev/null | awk '{print $2}') (release), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk --version 2>&1 | head -1 | awk '{print "wrk " $2}')"
  echo "- server: 1 I/O thread on core 0; nginx: 1 worker on core 0; wrk: -t1 -c$connections -d${duration}s on core 1$([ "$smoke" -eq 1 ] && echo " (smoke run: numbers are not meaningful)")"
  echo
  echo "| scenario | target | req/s | p50 ms | p99 ms | errors | vs nginx | RSS MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    { scen[NR] = $1; tgt[NR] = $2; rps[NR] = $3; p50[NR] = $4; p99[NR] = $5; err[NR] = $6; rss[NR] = $7
      if ($2 == "nginx static") base[$1] = $3 }
    END {
      for (i = 1; i <= NR; i++) {
        ratio = "-"
        if (tgt[i] != "nginx static" && base[scen[i]] > 0) ratio = sprintf("%.0f%%", 100 * rps[i] / base[scen[i]])
        printf "| %s | %s | %d | %s | %s | %d | %s | %s |\n", scen[i], tgt[i], rps[i], p50[i], p99[i], err[i], ratio, rss[i]
      }
    }' "$ROWS"
  echo
  echo "Idle keep-alive connections: $idle open (one request each), server RSS $rss_idle MB (before: $rss_before MB)."
  echo
  echo "Targets (foundation issue): /healthz >= 100% of nginx, /api/v1/me >= 90%, p99 <= 5 ms, RSS < 50 MB at 1,000 connections."
  awk -F'\t' -v health="$S_HEALTH" -v me="$S_ME" -v rss_idle="$rss_idle" -v idle="$idle" '
    { if ($2 == "nginx static") base[$1] = $3; else if ($2 == "trivium") { rps[$1] = $3; p99[$1] = $5 } }
    function verdict(ok) { return ok ? "met" : "NOT met" }
    END {
      if (base[health] > 0) printf "- /healthz: %.0f%% of nginx: %s\n", 100 * rps[health] / base[health], verdict(rps[health] >= base[health])
      if (base[me] > 0) printf "- /api/v1/me: %.0f%% of nginx: %s\n", 100 * rps[me] / base[me], verdict(rps[me] >= 0.9 * base[me])
      printf "- p99: %s ms (healthz), %s ms (me): %s\n", p99[health], p99[me], verdict(p99[health] <= 5 && p99[me] <= 5)
      if (rss_idle != "n/a") printf "- RSS with %d idle connections: %s MB: %s%s\n", idle, rss_idle, verdict(rss_idle < 50), idle == 1000 ? "" : " (measured at " idle ", not 1,000)"
    }' "$ROWS"
  awk -F'\t' -v health="$S_HEALTH" -v me="$S_ME" '
    $2 == "trivium" { on[$1] = $3 } $2 == "trivium, access log off" { off[$1] = $3 }
    END {
      n = split(health "\t" me, order, "\t")
      for (i = 1; i <= n; i++) {
        s = order[i]
        if (off[s] > 0)
          printf "- access log (on by default): %s answers %.0f%% of the req/s it reaches with the log off\n", s, 100 * on[s] / off[s]
      }
    }' "$ROWS"
}

mkdir -p "$RESULTS"
report | tee "$RESULTS/latest.md"
if [ "$failures" -ne 0 ]; then
  log "$failures step(s) failed"
  exit 1
fi
