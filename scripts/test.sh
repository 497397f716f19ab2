#!/usr/bin/env bash
# Install (first time) and run every test: models, pages (AppTest) and browser journeys.
# Browser tests use Debian's Chromium at /usr/bin/chromium; installed here if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -q chromium || { $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium; }
  else
    echo "Chromium is needed for the browser tests: install it at /usr/bin/chromium" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
