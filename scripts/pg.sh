# A throw-away PostgreSQL 15 server for the tests; sourced by scripts/test.sh.
#
#   pg_start   initdb into a new temporary folder, start on a free loopback
#              port; sets PG_DIR, PG_PORT and PG_URL (superuser "trivium").
#   pg_stop    stops it and removes the folder (safe to call twice).
#
# When we are root the server runs as the "postgres" user, since PostgreSQL
# refuses to run as root. Durability settings are the defaults (fsync on), so
# the tests see the same commit behaviour as production.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=""
PG_PORT=""
PG_URL=""

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port nobody listens on: connecting to it is refused.
pg_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((55432 + RANDOM % 1000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

pg_start() {
  PG_DIR=$(mktemp -d /tmp/trivium-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
  if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U trivium -A trust -E UTF8 \
      --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(pg_free_port) || return 1
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
      PG_URL="postgresql://trivium@127.0.0.1:$PG_PORT/postgres"
      return 0
    fi
    echo "pg: start on port $PG_PORT failed (attempt $attempt)" >&2
  done
  cat "$PG_DIR/server.log" >&2
  return 1
}

pg_stop() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
}
