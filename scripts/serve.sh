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
# The demo keeps mail in a box an admin reads (Mail in the menu) instead of sending it. Never in
# production: set CROSSOVER_SMTP_HOST there (README, Configuration).
export CROSSOVER_MAIL_BACKEND=${CROSSOVER_MAIL_BACKEND:-dev}

flask --app wsgi db upgrade
flask --app wsgi crossover seed
flask --app wsgi crossover demo

# The background worker (due invitations and reminders on a schedule, account mail at once),
# beside the web server; it stops with it.
flask --app wsgi crossover worker &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null' EXIT
echo
echo "Serving on http://127.0.0.1:${PORT:-5000} with the worker (pid $WORKER); Ctrl-C stops both"
flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
