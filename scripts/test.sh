#!/usr/bin/env bash
# Runs every check and the whole test suite. Called by `make test` (after installing the
# project with its test extras) and by .ci/run, once per database.
#   --suite-only   skip lint/type checks (the second, PostgreSQL pass of CI)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export SILVERCARE_ENV=test SILVERCARE_HOME="$PWD"

# Debian's Chromium for the browser tests, a CJK font for Chinese PDFs and Mosquitto for the
# MQTT tests: install when missing (we are root on CI and developer machines); without
# them, those tests skip.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
[ -x /usr/bin/mosquitto_pub ] || need+=(mosquitto-clients)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "WARNING: ${need[*]} missing and cannot be installed here; their tests will skip" >&2
  fi
fi

if [ "${1:-}" != "--suite-only" ]; then
  echo "== ruff"; $BIN/ruff check src tests bench; $BIN/ruff format --check src tests bench
  echo "== mypy"; $BIN/mypy src
  echo "== migrations"; DATABASE_URL=sqlite:///:memory: $BIN/silvercare makemigrations --check --dry-run -v0
fi
echo "== pytest (${DATABASE_URL:-sqlite})"
$BIN/pytest -n 2 -p xdist --dist loadfile
