#!/usr/bin/env bash
# Install (first time) and run every test: models, pages (AppTest) and browser journeys.
# Debian packages (Chromium for the browser tests, pango for PDFs) are installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
bash scripts/system_packages.sh test
exec .venv/bin/python -m pytest "$@"
