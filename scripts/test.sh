#!/usr/bin/env bash
# Install (first time) and run every test, on both engines:
#   1. SQLite (the embedded default): models, pages (AppTest), concurrency and every browser journey;
#   2. PostgreSQL: the model, page and concurrency suites again, and the browser journeys
#      marked `postgresql` (the five users' tasks and two app servers sharing one database),
#      run alongside SQLite's browser journeys (below).
# PostgreSQL is a throwaway cluster on loopback: $DASHBOARD_TEST_PG_URL if set (CI starts one),
# else one started for the run (scripts/postgres.sh). Debian packages (Chromium, pango,
# PostgreSQL) are installed if missing. Extra arguments go to every pytest run; a
# --junitxml=FILE report is written as FILE for SQLite (FILE with -e2e for its browser
# journeys) and FILE with -postgresql for PostgreSQL. Given test paths, the two engines run
# one after the other on just those.
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
if [ ${#paths[@]} -gt 0 ]; then  # chosen tests: SQLite, then PostgreSQL
  echo "== tests on SQLite"
  DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${sqlite_args[@]}" "${paths[@]}" || status=$?
  echo "== tests on PostgreSQL"
  DASHBOARD_TEST_ENGINE=postgresql .venv/bin/python -m pytest "${postgresql_args[@]}" "${paths[@]}" || status=$?
  exit $status
fi

# Every test. SQLite's models, pages and concurrency suites run first, on their own (the
# concurrency suites time 20 writers at once). Then SQLite's browser journeys and the whole
# PostgreSQL pass run side by side: a journey spends most of its time waiting for the app and
# the browser, which the PostgreSQL pass fills (CI on 2 cores: 33 min, against 37 one after
# the other; README "Tests"). The PostgreSQL pass's output is kept and printed when both
# have ended.
e2e_args=()
for arg in "${sqlite_args[@]}"; do
  case "$arg" in
    --junitxml=*) report="${arg#--junitxml=}"; e2e_args+=("--junitxml=${report%.xml}-e2e.xml") ;;
    *) e2e_args+=("$arg") ;;
  esac
done
postgresql_log=$(mktemp /tmp/dashboard-tests-postgresql-XXXXXX.log)
postgresql_pid=""
trap '[ -n "$postgresql_pid" ] && kill "$postgresql_pid" 2>/dev/null; rm -f "$postgresql_log"' EXIT

echo "== tests on SQLite: models, pages, concurrency"
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${sqlite_args[@]}" -m "not e2e" \
  tests/models tests/pages tests/concurrency || status=$?

echo "== browser journeys on SQLite, with every PostgreSQL test alongside (its output follows)"
DASHBOARD_TEST_ENGINE=postgresql .venv/bin/python -m pytest "${postgresql_args[@]}" -m "not e2e or postgresql" \
  tests/models tests/pages tests/concurrency tests/e2e >"$postgresql_log" 2>&1 &
postgresql_pid=$!
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${e2e_args[@]}" -m e2e tests/e2e || status=$?
postgresql_status=0
wait "$postgresql_pid" || postgresql_status=$?
postgresql_pid=""
echo "== tests on PostgreSQL: models, pages, concurrency and the journeys marked postgresql"
cat "$postgresql_log"
[ "$postgresql_status" -eq 0 ] || status=$postgresql_status
exit $status
