#!/usr/bin/env bash
# Install (first time) and run every test, on both engines:
#   1. SQLite (the embedded default): models, pages (AppTest), concurrency and every browser journey;
#   2. PostgreSQL: the model, page and concurrency suites again, and the browser journeys
#      marked `postgresql` (the five users' tasks and two app servers sharing one database).
# PostgreSQL is a throwaway cluster on loopback: $DASHBOARD_TEST_PG_URL if set (CI starts one),
# else one started for the run (scripts/postgres.sh). Debian packages (Chromium, pango,
# PostgreSQL) are installed if missing. Extra arguments go to both pytest runs; a
# --junitxml=FILE report is written as FILE for SQLite and FILE with -postgresql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
bash scripts/system_packages.sh test

sqlite_args=() postgresql_args=() paths=()
for arg in "$@"; do
  case "$arg" in
    --junitxml=*)
      report="${arg#--junitxml=}"
      sqlite_args+=("$arg")
      postgresql_args+=("--junitxml=${report%.xml}-postgresql.xml") ;;
    -*) sqlite_args+=("$arg"); postgresql_args+=("$arg") ;;
    *) paths+=("$arg") ;;
  esac
done

status=0
echo "== tests on SQLite"
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${sqlite_args[@]}" "${paths[@]}" || status=$?
echo "== tests on PostgreSQL"
if [ ${#paths[@]} -eq 0 ]; then
  paths=(tests/models tests/pages tests/concurrency tests/e2e)
  postgresql_args+=(-m "not e2e or postgresql")
fi
DASHBOARD_TEST_ENGINE=postgresql .venv/bin/python -m pytest "${postgresql_args[@]}" "${paths[@]}" || status=$?
exit $status
