#!/usr/bin/env bash
# Install (first time) and run every test, on both engines:
#   1. SQLite (the embedded default): models, pages (AppTest), concurrency and every browser journey;
#   2. PostgreSQL: the model, page and concurrency suites again, and the browser journeys
#      marked `postgresql` (the five users' tasks and two app servers sharing one database).
# SQLite's browser journeys run alongside the rest (below).
# PostgreSQL is a throwaway cluster on loopback: $DASHBOARD_TEST_PG_URL if set (CI starts one),
# else one started for the run (scripts/postgres.sh). Debian packages (Chromium, pango,
# PostgreSQL) are installed if missing. Extra arguments go to every pytest run; a
# --junitxml=FILE report is written as FILE for SQLite (FILE with -concurrency and -e2e for
# its concurrency suites and browser journeys) and FILE with -postgresql for PostgreSQL
# (-postgresql-concurrency for its concurrency suites).
# Given test paths, the two engines run one after the other on just those.
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

# Every test, in two steps:
#   1. the concurrency suites on their own, SQLite's then PostgreSQL's (they set 20 writers
#      going at once and want every save through within the write lock's wait; on a loaded
#      machine the last in the queue can wait past it: CI saw one refused on PostgreSQL while
#      the journeys ran alongside);
#   2. SQLite's browser journeys, and alongside them SQLite's model and page suites and then the
#      rest of the PostgreSQL pass. A journey spends most of its time waiting for the app and the
#      browser, which the other suites fill (README "Tests"). The journeys' output is kept and
#      printed when both sides have ended.
report_for() {  # report_for SUFFIX: the --junitxml arguments with -SUFFIX before .xml
  local arg report
  for arg in "${sqlite_args[@]}"; do
    case "$arg" in
      --junitxml=*) report="${arg#--junitxml=}"; printf '%s\n' "--junitxml=${report%.xml}-$1.xml" ;;
      *) printf '%s\n' "$arg" ;;
    esac
  done
}
mapfile -t concurrency_args < <(report_for concurrency)
mapfile -t postgresql_concurrency_args < <(report_for postgresql-concurrency)
mapfile -t e2e_args < <(report_for e2e)
e2e_log=$(mktemp /tmp/dashboard-tests-e2e-XXXXXX.log)
e2e_pid=""
trap '[ -n "$e2e_pid" ] && kill "$e2e_pid" 2>/dev/null; rm -f "$e2e_log"' EXIT

echo "== tests on SQLite: concurrency, on its own"
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${concurrency_args[@]}" -m "not e2e" \
  tests/concurrency || status=$?
echo "== tests on PostgreSQL: concurrency, on its own"
DASHBOARD_TEST_ENGINE=postgresql .venv/bin/python -m pytest "${postgresql_concurrency_args[@]}" -m "not e2e" \
  tests/concurrency || status=$?

echo "== browser journeys on SQLite (their output follows at the end), with the other suites alongside"
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${e2e_args[@]}" -m e2e tests/e2e >"$e2e_log" 2>&1 &
e2e_pid=$!
echo "== tests on SQLite: models, pages"
DASHBOARD_TEST_ENGINE=sqlite .venv/bin/python -m pytest "${sqlite_args[@]}" -m "not e2e" \
  tests/models tests/pages || status=$?
echo "== tests on PostgreSQL: models, pages and the journeys marked postgresql"
DASHBOARD_TEST_ENGINE=postgresql .venv/bin/python -m pytest "${postgresql_args[@]}" -m "not e2e or postgresql" \
  tests/models tests/pages tests/e2e || status=$?
e2e_status=0
wait "$e2e_pid" || e2e_status=$?
e2e_pid=""
echo "== browser journeys on SQLite"
cat "$e2e_log"
[ "$e2e_status" -eq 0 ] || status=$e2e_status
exit $status
