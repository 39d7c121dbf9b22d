#!/usr/bin/env bash
# Install crossover, build its SQLite database with the catalogue and demo data, and serve it.
# Visit http://127.0.0.1:5000 and sign in with one of the printed demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -e .

# A random secret kept in instance/, so sessions survive restarts without a shared default.
mkdir -p instance
[ -s instance/secret_key ] || python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
export CROSSOVER_SECRET_KEY=${CROSSOVER_SECRET_KEY:-$(cat instance/secret_key)}
export CROSSOVER_PUBLIC_BASE_URL=${CROSSOVER_PUBLIC_BASE_URL:-http://127.0.0.1:${PORT:-5000}}

flask --app wsgi db upgrade
flask --app wsgi crossover seed
flask --app wsgi crossover demo
echo
echo "Serving on http://127.0.0.1:${PORT:-5000} (Ctrl-C stops it)"
exec flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
