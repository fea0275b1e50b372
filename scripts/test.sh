#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian chromium, the Neo4j 5.26 harness via Maven)
# and run the whole test suite. CI runs exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: headless Chromium for the explorer's end-to-end test.
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium fonts-wqy-zenhei
fi

bash scripts/setup.sh

# The real Neo4j server the tests start: build the Maven launcher now so its download is not timed as a test.
.venv/bin/python -c "from graph.neo4j_launcher import build_launcher; build_launcher(quiet=False)"

mkdir -p artifacts
.venv/bin/python -m pytest -q "$@"
