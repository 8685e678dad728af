#!/usr/bin/env bash
# Set up and run the quality gate and the whole test suite (unit, API, browser) on SQLite and
# then on PostgreSQL (a throwaway server on 127.0.0.1, installed with apt-get when missing).
#   ./scripts/test.sh                 both databases
#   WUYEDESK_TEST_DATABASES=sqlite ./scripts/test.sh -k import -x    one database, pytest options
#   DATABASE_URL=postgres://… ./scripts/test.sh                     an existing PostgreSQL only
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh "[test]"
source scripts/_postgres.sh
apt_install chromium fonts-wqy-microhei dovecot-imapd libpango-1.0-0 libpangoft2-1.0-0 nginx-light openssl

echo "==> quality gate"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py check --fail-level WARNING
.venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/lint-imports --no-logo  # the apps' layers: docs/architecture.md
WUYEDESK_PRODUCTION=1 SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64 | tr -d '=+/')" \
  ALLOWED_HOSTS=kefu.example.com .venv/bin/python manage.py check --deploy --fail-level WARNING

run_suite() {  # $1: sqlite or postgresql; the suite fails if it ran on anything else
  echo "==> tests on $1, with the browser tests in /usr/bin/chromium"
  # --durations: the slowest tests in the log, to keep the whole run under its time budget.
  WUYEDESK_EXPECT_DB="$1" .venv/bin/python -m pytest --cov=wuyedesk \
    --cov-report=term:skip-covered --durations=15 -q "${@:2}"
}

if [ -n "${DATABASE_URL:-}" ]; then
  run_suite postgresql "$@"
  exit 0
fi
databases=${WUYEDESK_TEST_DATABASES:-sqlite postgresql}
for db in $databases; do
  case "$db" in
    sqlite) run_suite sqlite "$@" ;;
    postgresql)
      start_test_postgres
      DATABASE_URL="$PG_TEST_URL" run_suite postgresql "$@"
      ;;
    *) echo "unknown database: $db" >&2; exit 2 ;;
  esac
done
echo "==> all tests passed on: $databases"
