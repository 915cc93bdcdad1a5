#!/usr/bin/env bash
# The README's test command: install everything the tests need on a fresh Debian machine, then run them.
#   bash tests/run.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

# A real headless browser for the HTML views (Debian's chromium; no browser download is possible here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "tests/run.sh: chromium is missing; install Debian's chromium (sudo apt-get install chromium)" >&2
    exit 2
  fi
fi

# A second real SPARQL server for the remote-store tests (Oxigraph's server comes with pip's oxigraph).
# As root (CI) it is installed here and its tests must run; otherwise they are skipped with the reason.
if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null
  else
    echo "tests/run.sh: virtuoso-t is missing, so the Virtuoso tests will be skipped" \
         "(sudo apt-get install virtuoso-opensource)" >&2
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
exec python3 -m pytest "$@"
