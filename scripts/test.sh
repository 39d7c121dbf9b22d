#!/usr/bin/env bash
# Install crossover with its test dependencies, run ruff check and the layer contracts, then the
# suite on SQLite and on PostgreSQL.
# The two engines run side by side, one per core.
# PostgreSQL: CROSSOVER_TEST_POSTGRES (default: postgres@127.0.0.1:5432) gets a scratch database
# that this script creates and drops. Unreachable: skipped on a laptop, a failure under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -e ".[test]"

echo "== ruff check"
python -m ruff check .  # the venv's ruff; set -e stops the script on any finding

echo "== layers (import-linter contracts in pyproject.toml)"
lint-imports --no-cache --no-logo

if [ "${CI:-}" = "true" ] && [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's chromium and CJK fonts for the browser tests"
  (apt-get install -y -q chromium fonts-noto-cjk >/dev/null 2>&1 \
    || (apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-noto-cjk >/dev/null))
fi

PG_BASE=${CROSSOVER_TEST_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}
SCRATCH="crossover_test_$$_$RANDOM"
pg() {  # run one statement on the maintenance database
  python - "$PG_BASE" "$1" <<'PY'
import sys
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
with engine.connect() as conn:
    conn.execute(sa.text(sys.argv[2]))
PY
}

if ! pg "SELECT 1" 2>/dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is unreachable at $PG_BASE; CI requires it." >&2
    exit 1
  fi
  echo "== tests on SQLite"
  python -m pytest "$@"
  echo "== PostgreSQL unreachable at $PG_BASE: skipped the PostgreSQL run (SQLite passed)."
  exit 0
fi

# The two engines' runs share nothing (SQLite in memory or tmp_path, a scratch PostgreSQL
# database, Redis keys with a run id), so they run side by side, one per core; each run's
# output is kept in a log and printed whole when both have finished.
LOGS=$(mktemp -d)
pg "CREATE DATABASE \"$SCRATCH\""
trap 'pg "DROP DATABASE IF EXISTS \"$SCRATCH\" WITH (FORCE)" || true; rm -rf "$LOGS"' EXIT
PG_URL=$(python -c "import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).set(database=sys.argv[2]).render_as_string(hide_password=False))" "$PG_BASE" "$SCRATCH")

python -m pytest -p no:cacheprovider "$@" >"$LOGS/sqlite.log" 2>&1 &
SQLITE_PID=$!
CROSSOVER_TEST_DATABASE_URL=$PG_URL python -m pytest -p no:cacheprovider "$@" >"$LOGS/postgres.log" 2>&1 &
POSTGRES_PID=$!
status=0
wait $SQLITE_PID || status=1
echo "== tests on SQLite"
cat "$LOGS/sqlite.log"
wait $POSTGRES_PID || status=1
echo "== tests on PostgreSQL (scratch database $SCRATCH)"
cat "$LOGS/postgres.log"
exit $status
