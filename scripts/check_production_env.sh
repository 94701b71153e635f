#!/usr/bin/env bash
# make serve runs the production configuration: say in one line what is missing, then stop.
set -uo pipefail
fail=0
[ "${DEBUG:-}" = "0" ] || { echo "make serve: set DEBUG=0 (production settings; make demo is the DEBUG server)" >&2; fail=1; }
[ -n "${SECRET_KEY:-}" ] || { echo "make serve: set SECRET_KEY to a private random value of at least 32 characters" >&2; fail=1; }
[ -n "${DATABASE_URL:-}" ] || { echo "make serve: set DATABASE_URL, e.g. postgres://user:password@127.0.0.1:5432/funeng" >&2; fail=1; }
[ -n "${ALLOWED_HOSTS:-}" ] || { echo "make serve: set ALLOWED_HOSTS to the host names the server answers to, e.g. funeng.example.org,127.0.0.1" >&2; fail=1; }
exit $fail
