#!/usr/bin/env bash
# Refresh the vendored front-end libraries from npm (not run by the build; the files are committed).
set -euo pipefail
HTMX_VERSION=${HTMX_VERSION:-2.0.11}
ECHARTS_VERSION=${ECHARTS_VERSION:-5.6.0}
root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/funeng/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX_VERSION" "echarts@$ECHARTS_VERSION" >/dev/null
mkdir htmx echarts
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx --strip-components=1
tar xzf "echarts-$ECHARTS_VERSION.tgz" -C echarts --strip-components=1
install -D -m 644 htmx/dist/htmx.min.js "$vendor/htmx/htmx.min.js"
install -D -m 644 htmx/LICENSE "$vendor/htmx/LICENSE"
install -D -m 644 echarts/dist/echarts.min.js "$vendor/echarts/echarts.min.js"
install -D -m 644 echarts/LICENSE "$vendor/echarts/LICENSE"
install -D -m 644 echarts/NOTICE "$vendor/echarts/NOTICE"
echo "htmx $HTMX_VERSION and echarts $ECHARTS_VERSION vendored into $vendor; update $vendor/README.md"
