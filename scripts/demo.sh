#!/usr/bin/env bash
# Set up everything and start WuyeDesk with demo data on http://127.0.0.1:8000/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh ""
exec .venv/bin/wuyedesk demo "$@"
