#!/usr/bin/env bash
# Install the Debian packages the test suite needs when their commands are missing.
# Usage: ensure_system_packages.sh gettext|postgresql|chromium ...
set -euo pipefail

declare -A PROBE=([gettext]=msgfmt [postgresql]=pg_ctlcluster [chromium]=chromium)
missing=()
for package in "$@"; do
  command -v "${PROBE[$package]:-$package}" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
