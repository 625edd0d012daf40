#!/usr/bin/env bash
# Replay, backup and restore benchmark: ./bench/replay/run.sh [--events N] [--db NAME] ...  (see --help)
# Builds the application jar if it is missing, then runs bench.py against the PostgreSQL given by PGHOST/PGPORT/
# PGUSER/PGPASSWORD (default 127.0.0.1:5432, filestore/filestore) in a scratch database it drops and creates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ ! -f api/target/filestore.jar ]]; then
  mvn -B -q package -DskipTests
fi
exec python3 bench/replay/bench.py "$@"
