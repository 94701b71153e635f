#!/usr/bin/env bash
# Run the background worker next to a web server command; Ctrl-C (or either one ending) stops both.
# Usage: run_with_worker.sh FUNENG_BIN WEB_COMMAND...
set -euo pipefail
funeng=$1; shift
"$funeng" worker &
worker=$!
"$@" &
web=$!
stop() { kill -TERM "$web" "$worker" 2>/dev/null || true; wait "$web" "$worker" 2>/dev/null || true; }
trap stop INT TERM EXIT
# Whichever ends first (a crash, or Ctrl-C reaching both) ends the other.
wait -n "$web" "$worker" || true
