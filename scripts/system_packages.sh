#!/usr/bin/env bash
# Install the Debian packages the app or the tests need, if any is missing (needs apt-get;
# run as root or with sudo). Usage: bash scripts/system_packages.sh [app|test]
#   app:  pango and a font, for the PDF documents (award pack)
#   test: the same, plus Chromium for the browser tests and PostgreSQL's server (Debian's
#         postgresql, when initdb is missing) for scripts/postgres.sh's throwaway cluster
set -euo pipefail
NEEDED="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
[ "${1:-app}" = "test" ] && NEEDED="chromium $NEEDED"
MISSING=$(for p in $NEEDED; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ "${1:-app}" = "test" ] && ! command -v initdb >/dev/null 2>&1 &&
   ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  MISSING="$MISSING postgresql"
fi
MISSING=$(echo $MISSING)
[ -z "$MISSING" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: $MISSING (Debian/Ubuntu package names)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get install -y -q $MISSING || { $SUDO apt-get update -q && $SUDO apt-get install -y -q $MISSING; }
