#!/usr/bin/env bash
# Demo content for the run command (scripts/run.sh calls it before `serve`):
#   scripts/demo.sh BINARY DATA_DIR
# Loads the demo catalog into the data folder (or the database configured by
# TRIVIUM_DATABASE_URL / trivium.toml) the first time, and prints the demo
# accounts every time. It never fails the run command: if the demo cannot be
# loaded, it says why and the server starts anyway.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BINARY DATA_DIR" >&2
  exit 2
fi
bin=$1
data=$2

# Only warnings and errors from the logs: the accounts are what matters here.
# `timeout` keeps an unreachable database from holding up the start.
if ! TRIVIUM_LOG_LEVEL=warn timeout 120 "$bin" demo --data "$data"; then
  echo "demo.sh: the demo content could not be loaded (see above); starting without it." >&2
fi
exit 0
