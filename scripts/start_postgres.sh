#!/usr/bin/env bash
# Start a local PostgreSQL cluster for the test suite and print a DATABASE_URL for it.
set -euo pipefail
bash "$(dirname "$0")/ensure_system_packages.sh" postgresql >&2

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
read -r version cluster port status <<<"$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $3, $4}')"
if [ -z "${version:-}" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  $SUDO pg_createcluster "$version" main >&2
  read -r version cluster port status <<<"$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $3, $4}')"
fi
if [ "$status" != "online" ]; then
  $SUDO pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done

psql_admin() { $SUDO -u postgres psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(id -u)" -eq 0 ]; then psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt $(printf '%q ' "$@")"; }; fi
# A throwaway role for tests only; the password never protects real data.
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='funeng_ci'")" != "1" ]; then
  psql_admin -c "CREATE ROLE funeng_ci LOGIN CREATEDB PASSWORD 'funeng_ci'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='funeng_ci'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE funeng_ci OWNER funeng_ci" >&2
fi
echo "postgres://funeng_ci:funeng_ci@127.0.0.1:${port}/funeng_ci"
