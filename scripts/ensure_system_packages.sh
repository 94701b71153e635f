#!/usr/bin/env bash
# Install the Debian packages the test suite needs when their commands are missing.
# Usage: ensure_system_packages.sh gettext|postgresql|chromium|fonts-noto-cjk|openjdk-17-jre-headless ...
set -euo pipefail

present() {
  case "$1" in
    gettext) command -v msgfmt ;;
    postgresql) command -v pg_ctlcluster && ls /usr/lib/postgresql/*/bin/postgres ;;
    chromium) command -v chromium ;;
    fonts-noto-cjk) ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ;;
    # Any java on PATH that is 17 or newer runs Spark 3.5 and 4.x.
    openjdk-17-jre-headless) java -version 2>&1 | grep -E 'version "(1[7-9]|[2-9][0-9])[."]' ;;
    *) dpkg -s "$1" ;;
  esac >/dev/null 2>&1
}
missing=()
for package in "$@"; do
  present "$package" || missing+=("$package")
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
