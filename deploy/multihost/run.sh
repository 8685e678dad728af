#!/usr/bin/env bash
# WuyeDesk as separate machines on this one (issue #17): network namespaces for a database
# host (PostgreSQL + PgBouncer), Redis, S3 (moto_server), mail, two web hosts, two worker
# hosts and nginx; a bounded load while a web host, the active scheduler and Redis fail.
# Needs root (namespaces); installs what it lacks with apt-get and pip. Options: run.py --help.
#   sudo ./deploy/multihost/run.sh              5-8 minutes on 2 busy cores
#   sudo ./deploy/multihost/run.sh --capacity   plus one- and two-web-host throughput
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/_venv.sh "[test,redis,s3]"
apt_install iproute2 util-linux postgresql pgbouncer redis-server nginx-light openssl
exec .venv/bin/python deploy/multihost/run.py "$@"
