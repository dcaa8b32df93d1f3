#!/bin/sh
# Make a headless Chromium available to the browser tests (tests/browser/conftest.py finds it).
# Debian's `chromium` package when running as root on Debian; otherwise Playwright's own build.
set -eu
for candidate in /usr/bin/chromium /usr/lib/chromium/chromium; do
    if [ -x "$candidate" ]; then
        exit 0
    fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser: installing Debian's chromium package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "browser: no system Chromium and no root apt-get; using Playwright's Chromium"
"${PY:-.venv/bin/python}" -m playwright install chromium
