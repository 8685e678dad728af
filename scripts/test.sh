#!/usr/bin/env bash
# Set up and run the quality gate and the whole test suite (unit, API, browser).
# SQLite by default; PostgreSQL when DATABASE_URL=postgres://… is set.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh "[test]"
apt_install chromium fonts-wqy-microhei

db="sqlite"
case "${DATABASE_URL:-}" in postgres*) db="postgresql" ;; esac
export WUYEDESK_EXPECT_DB="$db"
echo "==> quality gate (database: $db)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py check --fail-level WARNING
.venv/bin/python manage.py makemigrations --check --dry-run
WUYEDESK_PRODUCTION=1 SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64 | tr -d '=+/')" \
  ALLOWED_HOSTS=kefu.example.com .venv/bin/python manage.py check --deploy --fail-level WARNING
echo "==> tests on $db, with the browser tests in /usr/bin/chromium"
.venv/bin/python -m pytest --cov=wuyedesk --cov-report=term:skip-covered -q "$@"
