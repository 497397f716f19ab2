#!/usr/bin/env bash
# Install (first time) and run the app. The database is created and seeded on first run.
# It listens on this machine only (127.0.0.1:8501) unless told otherwise:
#   DASHBOARD_ADDRESS=0.0.0.0 bash scripts/run.sh      # every interface (put TLS in front: README)
#   bash scripts/run.sh --server.port 8600             # other streamlit options pass through
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
bash scripts/system_packages.sh app
exec .venv/bin/streamlit run app.py --server.address "${DASHBOARD_ADDRESS:-127.0.0.1}" "$@"
