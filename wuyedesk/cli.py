"""The `wuyedesk` command: manage.py plus demo, serve and worker."""

import argparse
import os
import signal
import subprocess
import sys
import time

# Access log lines carry the path but never the query string (PIPL: a searched phone number or
# an API filter must not end up in a log file) and no referer (it may hold a query string).
# The last field is the request id (X-Request-ID, core/observability.py), as in the JSON logs.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s %({x-request-id}o)s'
DEMO_PASSWORD = "Demo-2026"  # noqa: S105  (printed for the demo; never used outside seeded data)


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wuyedesk", *argv])
    return 0


def _metrics_dir() -> None:
    """gunicorn's worker processes write their request counts into one directory of this
    machine, added up by /system/metrics (prometheus-client's multiprocess mode,
    web/metrics.py); it is emptied when the web server starts (counters start again at 0,
    which Prometheus' rate() expects of a restart)."""
    home = os.path.abspath(os.environ.get("WUYEDESK_HOME", "var"))
    path = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(home, "metrics"))
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()


def demo(args) -> int:
    os.environ.setdefault("WUYEDESK_HOME", os.path.abspath("var"))
    _setup()
    from django.core.management import call_command

    from wuyedesk.properties.models import Community  # models load only after _setup()
    from wuyedesk.properties.seeding import demo_logins  # imports models: after _setup()

    call_command("migrate", interactive=False, verbosity=0)
    if not Community.objects.exists():
        print("正在生成演示数据 / seeding demo data …", flush=True)
        call_command(
            "seed",
            communities=args.communities,
            households=args.households,
            seed=args.seed,
            tickets=args.tickets,
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\n物业客服台 WuyeDesk: {url}")
    print(f"演示账号 / demo logins (密码 password: {DEMO_PASSWORD}):")
    for username, label in demo_logins():
        print(f"  {username:<14} {label}")
    print("业主门户 resident portal: " + url + "portal/login/")
    print("按 Ctrl-C 停止 / press Ctrl-C to stop.\n", flush=True)
    _metrics_dir()
    env = os.environ.copy()
    processes = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "wuyedesk.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--access-logformat",
                ACCESS_LOG_FORMAT,
                "--log-level",
                "warning",
            ],
            env=env,
        ),
        subprocess.Popen([sys.executable, "-m", "wuyedesk.cli", "worker"], env=env),
    ]
    return _supervise(processes)


def _supervise(processes) -> int:
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.2)
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    print("已停止 / stopped.")
    return 0 if stopping else 1


def serve(args) -> int:
    os.environ.setdefault("WUYEDESK_PRODUCTION", "1")
    _metrics_dir()
    os.execv(  # noqa: S606
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wuyedesk.wsgi",
            "--bind",
            args.bind,
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ],
    )


def worker(args) -> int:
    return _django(["run_worker"])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        argv = argv[1:]
    commands = {"demo", "serve", "worker"}
    if not argv or argv[0] not in commands:
        if not argv or argv[0] in {"-h", "--help"}:
            print(
                "usage: wuyedesk {demo,serve,worker,seed,sla-sweep,mail-poll,backup,restore,…}"
                " [options]\n"
                "       any manage.py command works too, e.g. wuyedesk migrate"
            )
            if not argv:
                return 0
        return _django(argv)
    parser = argparse.ArgumentParser(prog="wuyedesk")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="migrate, seed demo data, run web server and worker")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--communities", type=int, default=3)
    p.add_argument("--households", type=int, default=900)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tickets", type=int, default=600)
    p = sub.add_parser("serve", help="production web server (gunicorn)")
    p.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    sub.add_parser("worker", help="background task worker (huey consumer)")
    args = parser.parse_args(argv)
    return {"demo": demo, "serve": serve, "worker": worker}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
