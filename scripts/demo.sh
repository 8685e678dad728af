#!/usr/bin/env bash
# Set up everything and start WuyeDesk with demo data on http://127.0.0.1:8000/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh ""
apt_install fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0  # PDF reports
exec .venv/bin/wuyedesk demo "$@"
