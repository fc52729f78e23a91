#!/usr/bin/env bash
# make serve: installs what is missing, builds the release site into dist/ and serves it on
# 127.0.0.1 at the first free port from ${PORT:-8080}, printing the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node tests/browser/server.mjs --dir dist --host 127.0.0.1 --port "${PORT:-8080}"
