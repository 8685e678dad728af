"""WuyeDesk as separate machines on one machine (issue #17 point 2): network namespaces.

    sudo ./deploy/multihost/run.sh            # the failure run (5-8 minutes on 2 busy cores)
    sudo ./deploy/multihost/run.sh --capacity # also one- and two-web-host throughput

Each "machine" is a network namespace with its own address on a bridge (and its own host
name, through a UTS namespace): a database host (PostgreSQL and PgBouncer in transaction
mode), a Redis host, an S3 host (moto_server, an S3-compatible HTTP server), a mail host
(an SMTP sink that counts what it receives), two web hosts (`wuyedesk serve`, gunicorn), two
worker hosts (`wuyedesk worker`: one holds the scheduler lease, one stands by) and nginx in
front (TLS, deploy/nginx/wuyedesk.conf.template). The load generator runs in the root
namespace and reaches nginx through the bridge.

The run: set up and seed; check that a file uploaded through one web host is served by the
other, that nginx passes the client's address, and that static files are served; then a
bounded load of ticket creation, ticket lists and portal submissions through nginx while
it kills -9 one web host, then kills -9 the worker host whose scheduler is active, then
restarts Redis. It prints its figures and exits 1 when an acceptance figure is not met:
tickets lost 0, notifications sent twice 0, the standby's first sweep within two periods
(120 s) of the kill, requests succeeding again after Redis restarts. Everything it started
is stopped and its namespaces deleted on exit, also on Ctrl-C or an error.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PREFIX = "wdmh"
BRIDGE = "wdmh0"
NET = "10.77.0"
GATEWAY = f"{NET}.1"  # the root namespace: the load generator, the "internet"
HOSTS = {
    "db": 2,
    "redis": 3,
    "s3": 4,
    "mail": 5,
    "lb": 10,
    "web1": 11,
    "web2": 12,
    "worker1": 21,
    "worker2": 22,
}
SERVER_NAME = "kefu.wuyedesk.test"
PASSWORD = "Demo-2026"  # noqa: S105  (the seeded demo logins' password)
PERIOD = 60  # seconds: the every-minute jobs (sla-sweep)
BUCKET = "wuyedesk-media"
SMALL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def addr(host: str) -> str:
    return f"{NET}.{HOSTS[host]}"


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def sh(*args, check=True, **kwargs):
    return subprocess.run(args, check=check, **kwargs)


class Cluster:
    """The namespaces and every process started in them; `close()` undoes all of it."""

    def __init__(self, work: Path):
        self.work = work
        self.processes: dict[str, list[subprocess.Popen]] = {}
        self.secret = uuid.uuid4().hex * 2

    # --- namespaces ------------------------------------------------------------------

    def netns_up(self) -> None:
        self.netns_down()
        sh("ip", "link", "add", BRIDGE, "type", "bridge")
        sh("ip", "addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
        sh("ip", "link", "set", BRIDGE, "up")
        for name, number in HOSTS.items():
            ns = f"{PREFIX}-{name}"
            sh("ip", "netns", "add", ns)
            sh(
                "ip",
                "link",
                "add",
                f"{PREFIX}v{number}",
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                ns,
            )
            sh("ip", "link", "set", f"{PREFIX}v{number}", "master", BRIDGE)
            sh("ip", "link", "set", f"{PREFIX}v{number}", "up")
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{NET}.{number}/24", "dev", "eth0")
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    @staticmethod
    def netns_down() -> None:
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in listed.splitlines():
            ns = line.split()[0] if line.strip() else ""
            if ns.startswith(f"{PREFIX}-"):
                pids = subprocess.run(
                    ["ip", "netns", "pids", ns],
                    capture_output=True,
                    text=True,
                ).stdout.split()
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, ValueError):
                        os.kill(int(pid), signal.SIGKILL)
                sh("ip", "netns", "delete", ns, check=False)
        sh("ip", "link", "delete", BRIDGE, check=False, stderr=subprocess.DEVNULL)

    # --- processes -------------------------------------------------------------------

    def start(self, host: str, args: list[str], *, env=None, user=None, log=None, tag=None):
        """Run `args` in `host`'s namespace under its own host name (a UTS namespace)."""
        command = " ".join(_quote(a) for a in args)
        command = f"exec runuser -u {user} -- {command}" if user else f"exec {command}"
        log_path = self.work / "logs" / f"{tag or host}.log"
        log_path.parent.mkdir(exist_ok=True)
        out = open(log_path, "ab")  # noqa: SIM115  (kept open for the process's life)
        process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                f"{PREFIX}-{host}",
                "unshare",
                "--uts",
                "sh",
                "-c",
                f"hostname {host}; {command}",
            ],
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.setdefault(host, []).append(process)
        return process

    def run_in(self, host: str, args: list[str], *, env=None, user=None) -> str:
        command = " ".join(_quote(a) for a in args)
        if user:
            command = f"runuser -u {user} -- {command}"
        done = subprocess.run(
            ["ip", "netns", "exec", f"{PREFIX}-{host}", "sh", "-c", command],
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"{host}: {command} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def kill_host(self, host: str, sig=signal.SIGKILL) -> None:
        """Every process of the host's namespace, as when the machine dies."""
        pids = sh("ip", "netns", "pids", f"{PREFIX}-{host}", capture_output=True, text=True)
        for pid in pids.stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), sig)
        for process in self.processes.pop(host, []):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)

    def close(self) -> None:
        for host in list(self.processes):
            for process in self.processes[host]:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for processes in self.processes.values():
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
        self.netns_down()


def _quote(arg: str) -> str:
    safe = set(string.ascii_letters + string.digits + "-_./:=,@%+")
    return arg if arg and set(arg) <= safe else "'" + arg.replace("'", "'\"'\"'") + "'"


def wait_for(what: str, condition, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except Exception:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(every)


def port_open(host: str, port: int) -> bool:
    with socket.create_connection((host, port), timeout=1):
        return True


# --- the machines ------------------------------------------------------------------------


def app_env(cluster: Cluster, host: str, *, pooled: bool = True) -> dict:
    home = cluster.work / "home" / host
    home.mkdir(parents=True, exist_ok=True)
    db = f"{addr('db')}:6432" if pooled else f"{addr('db')}:5432"
    return {
        "WUYEDESK_HOME": str(home),
        "WUYEDESK_PRODUCTION": "1",
        "SECRET_KEY": cluster.secret,
        "ALLOWED_HOSTS": SERVER_NAME,
        "CSRF_TRUSTED_ORIGINS": f"https://{SERVER_NAME}",
        "SITE_URL": f"https://{SERVER_NAME}",
        "PROXY_COUNT": "1",
        "DATABASE_URL": f"postgres://postgres@{db}/wuyedesk",
        "DB_POOL_MODE": "transaction" if pooled else "session",
        "REDIS_URL": f"redis://{addr('redis')}:6379/0",
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": f"http://{addr('s3')}:9000",
        "MEDIA_S3_ACCESS_KEY": "wuyedesk",
        "MEDIA_S3_SECRET_KEY": "wuyedesk-secret",
        "EMAIL_HOST": addr("mail"),
        "EMAIL_PORT": "2525",
        "LOG_LEVEL": "WARNING",
        "HUEY_WORKERS": "2",
        "PYTHONPATH": str(ROOT),
    }


def start_database(cluster: Cluster) -> None:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = cluster.work / "pg"
    data.mkdir()
    shutil.chown(data, "postgres")
    cluster.run_in(
        "db",
        [
            str(pg_bin / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        user="postgres",
    )
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {NET}.0/24 trust\n")
    cluster.start(
        "db",
        [
            str(pg_bin / "postgres"),
            "-D",
            str(data),
            "-c",
            "listen_addresses=*",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=100",
            "-k",
            str(data),
        ],
        user="postgres",
        tag="postgres",
    )
    wait_for("PostgreSQL", lambda: port_open(addr("db"), 5432))
    wait_for(
        "PostgreSQL to accept queries",
        lambda: psycopg.connect(f"postgres://postgres@{addr('db')}:5432/postgres").close() or 1,
    )
    with psycopg.connect(
        f"postgres://postgres@{addr('db')}:5432/postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE wuyedesk")
    bouncer = cluster.work / "pgbouncer"
    bouncer.mkdir()
    (bouncer / "users.txt").write_text('"postgres" ""\n')
    ini = _render(
        ROOT / "deploy/pgbouncer/pgbouncer.ini.template",
        PG_HOST="127.0.0.1",
        PG_PORT="5432",
        LISTEN_ADDR=addr("db"),
        AUTH_TYPE="trust",
        AUTH_FILE=str(bouncer / "users.txt"),
        LOG_FILE=str(bouncer / "pgbouncer.log"),
        PID_FILE=str(bouncer / "pgbouncer.pid"),
    )
    (bouncer / "pgbouncer.ini").write_text(ini)
    shutil.chown(bouncer, "postgres")
    for path in bouncer.iterdir():
        shutil.chown(path, "postgres")
    cluster.start(
        "db", ["pgbouncer", str(bouncer / "pgbouncer.ini")], user="postgres", tag="pgbouncer"
    )
    wait_for("PgBouncer", lambda: port_open(addr("db"), 6432))


def _render(template: Path, **values) -> str:
    """As `envsubst '${A} ${B}'` does: only the named ${...} are replaced (nginx's own $host
    and the like stay)."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def start_redis(cluster: Cluster) -> None:
    folder = cluster.work / "redis"
    folder.mkdir(exist_ok=True)
    conf = folder / "redis.conf"
    conf.write_text(
        _render(ROOT / "deploy/redis/redis.conf.template", BIND=addr("redis"), DIR=str(folder))
    )
    cluster.start("redis", ["redis-server", str(conf)])
    wait_for("Redis", lambda: port_open(addr("redis"), 6379))


def start_s3(cluster: Cluster) -> None:
    moto = Path(PYTHON).parent / "moto_server"
    cluster.start("s3", [str(moto), "-H", addr("s3"), "-p", "9000"])
    wait_for("the S3 server", lambda: port_open(addr("s3"), 9000))
    import boto3

    boto3.client(
        "s3",
        endpoint_url=f"http://{addr('s3')}:9000",
        aws_access_key_id="wuyedesk",
        aws_secret_access_key="wuyedesk-secret",  # noqa: S106  (the throwaway server's)
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)


SMTP_SINK = """
import json, sys
from email import message_from_bytes, policy
from aiosmtpd.controller import Controller

class Sink:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with open(sys.argv[2], "a") as out:
            out.write(json.dumps({"to": envelope.rcpt_tos,
                                  "subject": str(message.get("Subject", "")),
                                  "id": message.get("Message-ID", "")}) + "\\n")
        return "250 OK"

controller = Controller(Sink(), hostname=sys.argv[1], port=2525)
controller.start()
import threading
threading.Event().wait()
"""


def start_mail(cluster: Cluster) -> Path:
    received = cluster.work / "mail.jsonl"
    received.touch()
    script = cluster.work / "smtp_sink.py"
    script.write_text(SMTP_SINK)
    cluster.start("mail", [PYTHON, str(script), addr("mail"), str(received)])
    wait_for("the SMTP sink", lambda: port_open(addr("mail"), 2525))
    return received


def start_web(cluster: Cluster, host: str) -> None:
    env = app_env(cluster, host)
    static = cluster.work / "static"
    target = Path(env["WUYEDESK_HOME"]) / "static"
    if not target.exists():
        shutil.copytree(static, target)
    cluster.start(
        host,
        [PYTHON, "-m", "wuyedesk.cli", "serve", "--bind", f"{addr(host)}:8000", "--workers", "2"],
        env=env,
    )
    wait_for(f"{host}", lambda: port_open(addr(host), 8000), timeout=90)


def start_worker(cluster: Cluster, host: str) -> None:
    cluster.start(host, [PYTHON, "-m", "wuyedesk.cli", "worker"], env=app_env(cluster, host))


def start_nginx(cluster: Cluster) -> None:
    folder = cluster.work / "nginx"
    folder.mkdir()
    sh(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        f"/CN={SERVER_NAME}",
        "-keyout",
        str(folder / "tls.key"),
        "-out",
        str(folder / "tls.pem"),
        capture_output=True,
    )
    upstreams = " ".join(
        f"server {addr(h)}:8000 max_fails=1 fail_timeout=5s;" for h in ("web1", "web2")
    )
    site = _render(
        ROOT / "deploy/nginx/wuyedesk.conf.template",
        WEB_UPSTREAMS=upstreams,
        SERVER_NAME=SERVER_NAME,
        LISTEN="443",
        TLS_CERT=str(folder / "tls.pem"),
        TLS_KEY=str(folder / "tls.key"),
    ).replace("/var/log/nginx/wuyedesk.access.log", str(folder / "access.log"))
    (folder / "wuyedesk.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/wuyedesk.conf;
}}
"""
    )
    sh("nginx", "-t", "-q", "-c", str(folder / "nginx.conf"), "-g", "user root;")
    cluster.start("lb", ["nginx", "-c", str(folder / "nginx.conf"), "-g", "daemon off; user root;"])
    wait_for("nginx", lambda: port_open(addr("lb"), 443))


# --- HTTP through nginx --------------------------------------------------------------------

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the run's own self-signed certificate


def https(host=None, port=443):
    return http.client.HTTPSConnection(host or addr("lb"), port, timeout=30, context=TLS)


def call(method, path, *, body=None, headers=None, conn=None, direct=None):
    """One request through nginx (or `direct` to a web host, as nginx would pass it)."""
    headers = {"Host": SERVER_NAME, **(headers or {})}
    if direct:
        c = http.client.HTTPConnection(addr(direct), 8000, timeout=30)
        headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": GATEWAY}
    else:
        c = conn or https()
    c.request(method, path, body=body, headers=headers)
    response = c.getresponse()
    data = response.read()
    if conn is None:
        c.close()
    return response.status, data, response


def api_token() -> dict:
    status, data, _ = call(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": "manager", "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    if status != 200:
        raise RuntimeError(f"staff token: {status} {data[:200]!r}")
    return {"Authorization": "Bearer " + json.loads(data)["token"]}


def portal_token(mobile: str) -> dict:
    status, data, _ = call(
        "POST",
        "/api/v1/portal/token",
        body=json.dumps({"mobile": mobile, "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    if status != 200:
        raise RuntimeError(f"portal token: {status} {data[:200]!r}")
    return {"Authorization": "Bearer " + json.loads(data)["token"]}


def multipart(fields: dict, files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content, content_type in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Load:
    """A bounded closed-loop load through nginx: a few clients, each creating tickets,
    listing tickets and submitting portal reports; every answer is recorded with its time."""

    def __init__(self, staff, resident, portal_form, intake_body, clients=4):
        self.staff, self.resident = staff, resident
        self.portal_form, self.intake_body = portal_form, intake_body
        self.clients = clients
        self.records: list[tuple[float, str, int]] = []  # (time, kind, status; 0 = no answer)
        self.created: list[int] = []  # ids of tickets answered 201
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start(self):
        for i in range(self.clients):
            thread = threading.Thread(target=self._client, args=(i,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _client(self, index):
        rng = random.Random(index)  # noqa: S311  (a load mix, not a secret)
        conn = https()
        n = 0
        while not self.stop.is_set():
            n += 1
            pick = rng.random()
            try:
                if pick < 0.45:
                    kind = "list"
                    status, data, response = call(
                        "GET", "/api/v1/tickets?limit=50", headers=self.staff, conn=conn
                    )
                elif pick < 0.85:
                    kind = "create"
                    body = dict(self.intake_body, title=f"mh-{index}-{n}")
                    status, data, response = call(
                        "POST",
                        "/api/v1/tickets",
                        body=json.dumps(body),
                        headers={**self.staff, "Content-Type": "application/json"},
                        conn=conn,
                    )
                else:
                    kind = "portal"
                    fields = dict(self.portal_form, title=f"mh-p-{index}-{n}")
                    payload, content_type = multipart(
                        fields, [("photos", "photo.png", SMALL_PNG, "image/png")]
                    )
                    status, data, response = call(
                        "POST",
                        "/api/v1/portal/tickets",
                        body=payload,
                        headers={**self.resident, "Content-Type": content_type},
                        conn=conn,
                    )
                if status == 201:
                    with self.lock:
                        self.created.append(json.loads(data)["id"])
                if (response.getheader("Connection") or "").lower() == "close":
                    conn.close()
                    conn = https()
            except (OSError, http.client.HTTPException, ValueError):
                status = 0
                conn.close()
                conn = https()
            with self.lock:
                self.records.append((time.monotonic(), kind, status))

    def window(self, start: float, end: float) -> dict:
        rows = [r for r in self.records if start <= r[0] < end]
        ok = sum(1 for r in rows if 200 <= r[2] < 300)
        statuses = Counter(str(r[2]) for r in rows if not 200 <= r[2] < 300)
        return {
            "requests": len(rows),
            "accepted": ok,
            "errors": len(rows) - ok,
            "error_statuses": dict(statuses),
            "per_second": round(ok / max(end - start, 0.001), 1),
        }


# --- the database as the figures read it -------------------------------------------------


def db():
    return psycopg.connect(f"postgres://postgres@{addr('db')}:5432/wuyedesk", autocommit=True)


def one(sql, *params):
    with db() as conn:
        return conn.execute(sql, params).fetchone()


def rows(sql, *params):
    with db() as conn:
        return conn.execute(sql, params).fetchall()


def lease():
    return one(
        "SELECT host, holder, acquired_at FROM core_schedulerlease WHERE name = %s",
        "periodic-scheduler",
    )


def sweep_finished():
    return one("SELECT last_finished_at FROM core_periodicjob WHERE name = 'sla-sweep'")[0]


def db_now():
    return one("SELECT now()")[0]


# --- the run -------------------------------------------------------------------------------


def setup(cluster: Cluster) -> dict:
    say("network namespaces: " + ", ".join(f"{h} {addr(h)}" for h in HOSTS))
    cluster.netns_up()
    start_database(cluster)
    start_redis(cluster)
    start_s3(cluster)
    mail = start_mail(cluster)
    say("PostgreSQL + PgBouncer (transaction mode), Redis (AOF), S3 (moto_server), SMTP sink up")
    direct = app_env(cluster, "setup", pooled=False)
    env = {**os.environ, **direct}
    manage = [PYTHON, "-m", "wuyedesk.cli"]
    # Static files once (WhiteNoise compresses each: the slowest step), beside the migrations.
    static = subprocess.Popen(
        [*manage, "collectstatic", "--noinput", "-v0"],
        env={**env, "WUYEDESK_HOME": str(cluster.work)},
    )
    sh(*manage, "migrate", "-v0", env=env)
    sh(
        *manage,
        "seed",
        "--communities",
        "2",
        "--households",
        "200",
        "--tickets",
        "200",
        "--seed",
        "7",
        env=env,
        stdout=subprocess.DEVNULL,
    )
    mobile = one(
        "SELECT r.phone FROM accounts_user u JOIN properties_resident r ON r.id = u.resident_id "
        "WHERE u.kind = 'resident' ORDER BY u.id LIMIT 1"
    )[0]
    with db() as conn:  # the manager receives the overdue notices by e-mail
        conn.execute(
            "UPDATE accounts_user SET email = 'manager@wuyedesk.test' WHERE username = 'manager'"
        )
    say("migrated (directly, port 5432) and seeded: 2 communities, 200 households, 200 tickets")
    if static.wait():
        raise RuntimeError("collectstatic failed")
    for host in ("web1", "web2"):
        start_web(cluster, host)
    start_worker(cluster, "worker1")
    wait_for("worker1 to take the scheduler lease", lambda: (lease() or [""])[0] == "worker1")
    start_worker(cluster, "worker2")
    start_nginx(cluster)
    wait_for("nginx to reach the web hosts", lambda: call("GET", "/healthz")[0] == 200)
    say("web1, web2 (gunicorn), worker1 (scheduler), worker2 (standby), nginx (TLS) up")
    return {"mobile": mobile, "mail": mail}


def checks_before_load(context) -> dict:
    staff = api_token()
    resident = portal_token(context["mobile"])
    status, data, _ = call("GET", "/api/v1/portal/categories", headers=resident)
    category = json.loads(data)[0]["id"]
    status, data, _ = call("GET", "/api/v1/portal/me", headers=resident)
    me = json.loads(data)
    portal_form = {
        "kind": "repair",
        "category": category,
        "room": me["homes"][0]["room_id"],
        "description": "多机测试:楼道灯不亮",
    }
    # A photo submitted through web1 is served by web2 (media on the shared S3 bucket), and
    # only to its owner: an anonymous request gets no file.
    payload, content_type = multipart(
        dict(portal_form, title="跨主机附件"), [("photos", "photo.png", SMALL_PNG, "image/png")]
    )
    status, data, _ = call(
        "POST",
        "/api/v1/portal/tickets",
        body=payload,
        headers={**resident, "Content-Type": content_type},
        direct="web1",
    )
    if status != 201:
        raise RuntimeError(f"portal submission through web1: {status} {data[:300]!r}")
    ticket = json.loads(data)
    attachment = ticket["attachments"][0]
    path = f"/api/v1/portal/tickets/{ticket['id']}/files/{attachment['id']}"
    status, served, _ = call("GET", path, headers=resident, direct="web2")
    anonymous, _, _ = call("GET", path, direct="web2")
    key = one("SELECT file FROM tickets_attachment WHERE id = %s", attachment["id"])[0]
    cross_host = {
        "uploaded_via": "web1",
        "served_by": "web2",
        "status": status,
        "same_bytes": served == SMALL_PNG,
        "anonymous_status": anonymous,
        "stored_as": f"s3://{BUCKET}/{key}",
    }
    ok = status == 200 and served == SMALL_PNG and anonymous in (401, 403)
    # nginx passes the client's address: a failed login is recorded from the load
    # generator's address, not nginx's.
    call(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": "nobody-" + uuid.uuid4().hex[:6], "password": "x"}),
        headers={"Content-Type": "application/json"},
    )
    seen = one("SELECT ip_address FROM axes_accessattempt ORDER BY id DESC LIMIT 1")
    client_address = str(seen[0]) if seen else None
    status_static, _, response = call("GET", "/static/wuyedesk/app.css")
    static = {"status": status_static, "cache": response.getheader("Cache-Control")}
    _, data, _ = call("GET", "/api/v1/tickets?limit=1", headers=staff)
    sample = json.loads(data)["items"][0]
    intake = {
        "kind": "inquiry",
        "channel": "api",
        "category": sample["category"]["id"],
        "description": "多机测试:咨询",
    }
    if sample.get("room"):
        intake["room"] = sample["room"]["id"]
    else:
        intake["community"] = sample["community"]["id"]
    say(f"attachment uploaded via web1, served by web2: {json.dumps(cross_host)}")
    say(
        f"client address seen by the app through nginx: {client_address} (load generator "
        f"{GATEWAY}, nginx {addr('lb')}); static via the web hosts: {static}"
    )
    return {
        "staff": staff,
        "resident": resident,
        "portal_form": portal_form,
        "intake": intake,
        "cross_host": cross_host,
        "cross_host_ok": ok,
        "client_address": client_address,
        "static": static,
    }


def due_soon(count: int, spread: float, exclude=()) -> list[int]:
    """Move `count` open tickets' deadlines into the run's next minutes, so that the sweeps
    across the failures have overdue notices to send (each must be sent once)."""
    with db() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM tickets_ticket WHERE closed_at IS NULL AND NOT id = ANY(%s) "
                "ORDER BY id DESC LIMIT %s",
                (list(exclude), count),
            ).fetchall()
        ]
        for i, pk in enumerate(ids):
            conn.execute(
                "UPDATE tickets_ticket SET next_due = now() + make_interval(secs => %s), "
                "overdue_notified_for = NULL, overdue_since = NULL, reminded_for = next_due "
                "WHERE id = %s",
                (5 + spread * i / max(count - 1, 1), pk),
            )
    return ids


def failure_run(cluster: Cluster, context, args) -> dict:
    ready = checks_before_load(context)
    watched = due_soon(20, 60)
    load = Load(
        ready["staff"],
        ready["resident"],
        ready["portal_form"],
        ready["intake"],
        clients=args.clients,
    )
    figures = {
        "cross_host_attachment": ready["cross_host"],
        "client_address_seen": ready["client_address"],
        "static": ready["static"],
    }
    t0 = time.monotonic()
    load.start()
    say(f"load: {args.clients} clients through nginx (create 40 %, list 45 %, portal 15 %)")
    time.sleep(args.phase)  # the load runs meanwhile: a fixed measuring window
    t1 = time.monotonic()
    figures["steady"] = load.window(t0, t1)
    say(f"steady: {figures['steady']}")

    # Tickets fall due during the next failures (the load has created open ones by now).
    watched += due_soon(30, 150, exclude=watched)
    # 1. kill -9 web1 under load; nginx sends its requests to web2.
    cluster.kill_host("web1")
    killed = time.monotonic()
    say("killed -9 every process of web1")
    time.sleep(args.phase)
    back = time.monotonic()
    figures["web1_down"] = load.window(killed, back)
    say(f"while web1 was down: {figures['web1_down']}")
    start_web(cluster, "web1")
    t2 = time.monotonic()
    figures["web1_restarted_after_s"] = round(t2 - back, 1)

    # 2. kill -9 the worker host whose scheduler is active; the standby takes over.
    active = lease()[0]
    standby = "worker2" if active == "worker1" else "worker1"
    killed_at = db_now()
    cluster.kill_host(active)
    killed = time.monotonic()
    say(f"killed -9 every process of {active} (the active scheduler); {standby} stands by")
    taken = wait_for(
        f"{standby} to take the lease",
        lambda: (lambda row: row if row and row[0] == standby else None)(lease()),
        timeout=3 * PERIOD,
        every=0.5,
    )
    lease_after = (taken[2] - killed_at).total_seconds()
    swept = wait_for(
        "a sweep by the standby",
        lambda: (lambda at: at if at and at > taken[2] else None)(sweep_finished()),
        timeout=3 * PERIOD,
        every=0.5,
    )
    sweep_after = (swept - killed_at).total_seconds()
    figures["scheduler_kill"] = {
        "killed": active,
        "lease_taken_by": standby,
        "lease_taken_after_s": round(lease_after, 1),
        "first_sweep_finished_after_s": round(sweep_after, 1),
        "limit_s": 2 * PERIOD,
        "requests_meanwhile": load.window(killed, time.monotonic()),
    }
    say(f"scheduler takeover: {figures['scheduler_kill']}")
    start_worker(cluster, active)  # back as the standby

    # 3. Restart Redis (cache, session cache, queue) under load.
    before = time.monotonic()
    cluster.kill_host("redis", signal.SIGTERM)  # a clean stop: the AOF is written
    down = time.monotonic()
    time.sleep(args.redis_down)
    start_redis(cluster)
    up = time.monotonic()
    first_ok = wait_for(
        "a request answered after Redis restarted",
        lambda: next((r[0] for r in list(load.records) if r[0] >= up and 200 <= r[2] < 300), None),
        timeout=60,
    )
    restarted_at = db_now()
    time.sleep(args.phase)
    after = time.monotonic()
    swept = wait_for(
        "a sweep after Redis restarted",
        lambda: (lambda at: at if at and at > restarted_at else None)(sweep_finished()),
        timeout=2 * PERIOD + 30,
        every=0.5,
    )
    figures["redis_restart"] = {
        "down_s": round(up - down, 1),
        "while_down": load.window(before, up),
        "first_success_after_restart_s": round(first_ok - up, 2),
        "after_restart": load.window(first_ok, after),
        "sweep_after_restart_s": round((swept - restarted_at).total_seconds(), 1),
    }
    say(f"Redis restart: {figures['redis_restart']}")
    load.finish()
    end = time.monotonic()
    figures["whole_run"] = load.window(t0, end)

    # Let the last overdue notices be sent, then count.
    wait_for(
        "the watched tickets' overdue notices",
        lambda: (
            one(
                "SELECT count(*) FROM tickets_ticket WHERE id = ANY(%s) AND overdue_notified_for "
                "IS NOT NULL",
                watched,
            )[0]
            == len(watched)
        ),
        timeout=2 * PERIOD + 30,
        every=1,
    )
    wait_for(
        "the overdue e-mails",
        lambda: (
            one(
                "SELECT count(*) FROM notifications_notification WHERE kind = 'overdue' AND "
                "emailed_at IS NULL AND user_id = (SELECT id FROM accounts_user WHERE username = "
                "'manager')"
            )[0]
            == 0
        ),
        timeout=60,
        every=1,
    )
    time.sleep(2)  # the SMTP sink writes what it got
    created = set(load.created)
    found = {r[0] for r in rows("SELECT id FROM tickets_ticket WHERE id = ANY(%s)", list(created))}
    in_db = one("SELECT count(*) FROM tickets_ticket WHERE title LIKE 'mh-%%'")[0]
    events = rows(
        "SELECT ticket_id, data->>'due', count(*) FROM tickets_ticketevent "
        "WHERE kind = 'deadline_missed' GROUP BY 1, 2 HAVING count(*) > 1"
    )
    notes = rows(
        "SELECT user_id, key, count(*) FROM notifications_notification WHERE key <> '' "
        "GROUP BY 1, 2 HAVING count(*) > 1"
    )
    mails = [json.loads(line) for line in context["mail"].read_text().splitlines() if line]
    per_mail = Counter((",".join(m["to"]), m["subject"]) for m in mails)
    overdue_mails = sum(1 for m in mails if "已超时" in m["subject"])
    figures["tickets"] = {
        "accepted_201": len(created),
        "found_in_database": len(found),
        "lost": len(created - found),
        "in_database_with_run_titles": in_db,
        # Committed, but the answer was an error (e.g. Redis down when the task was queued):
        # the client saw a failure for a ticket that exists.
        "kept_though_answered_error": in_db - len(found),
    }
    figures["notifications"] = {
        "watched_overdue_tickets": len(watched),
        "overdue_notices_in_app": one(
            "SELECT count(*) FROM notifications_notification WHERE kind = 'overdue' AND "
            "key LIKE ANY(%s)",
            [f"overdue:{pk}:%" for pk in watched],
        )[0],
        "overdue_emails_received": overdue_mails,
        "deadline_missed_events_twice": len(events),
        "in_app_notifications_twice": len(notes),
        "emails_received_twice": sum(1 for n in per_mail.values() if n > 1),
    }
    return figures


def capacity_run(cluster: Cluster, context, args) -> dict:
    """Throughput of the list API and creation through nginx, with web2 stopped (one web
    host) and with both, beside the /healthz floor of each."""
    ready = checks_before_load(context) if "staff" not in context else context
    out = {}
    for hosts in (1, 2):
        if hosts == 1:
            cluster.kill_host("web2")
        else:
            start_web(cluster, "web2")
            wait_for("two web hosts", lambda: port_open(addr("web2"), 8000))
        figures = {}
        for label, method, path, body in (
            ("floor /healthz", "GET", "/healthz", None),
            ("list API", "GET", "/api/v1/tickets?limit=50", None),
            ("create API", "POST", "/api/v1/tickets", ready["intake"]),
        ):
            figures[label] = bench(method, path, ready["staff"], body, args)
            say(f"{hosts} web host(s), {label}: {figures[label]}")
        out[f"{hosts}_web_hosts"] = figures
    return out


def bench(method, path, headers, body, args) -> dict:
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + args.bench_seconds

    def client(i):
        conn = https()
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            payload = None
            h = dict(headers)
            if body is not None:
                payload = json.dumps(dict(body, title=f"mh-bench-{i}-{n}"))
                h["Content-Type"] = "application/json"
            t = time.perf_counter()
            try:
                status, _, _response = call(method, path, body=payload, headers=h, conn=conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = https()
                status = 0
            elapsed = time.perf_counter() - t
            with lock:
                if 200 <= status < 300:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.bench_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p = (lambda q: round(latencies[int(q * (len(latencies) - 1))] * 1000, 1)) if latencies else None
    return {
        "per_second": round(len(latencies) / args.bench_seconds, 1),
        "p50_ms": p(0.5) if p else None,
        "p95_ms": p(0.95) if p else None,
        "errors": errors[0],
    }


def verdict(figures: dict) -> list[str]:
    failed = []
    if not figures["cross_host_attachment"]["same_bytes"]:
        failed.append("an attachment uploaded through web1 was not served by web2")
    if figures["cross_host_attachment"]["anonymous_status"] not in (401, 403):
        failed.append("an attachment was served without authorisation")
    if figures["client_address_seen"] != GATEWAY:
        failed.append("the app did not see the client's address through nginx")
    if figures["tickets"]["lost"]:
        failed.append(f"{figures['tickets']['lost']} accepted tickets lost")
    n = figures["notifications"]
    if n["deadline_missed_events_twice"] or n["in_app_notifications_twice"]:
        failed.append("a notification was made twice")
    if n["emails_received_twice"]:
        failed.append("an e-mail was sent twice")
    if figures["scheduler_kill"]["first_sweep_finished_after_s"] > 2 * PERIOD:
        failed.append("the standby scheduler did not take over within two periods")
    if figures["redis_restart"]["after_restart"]["errors"]:
        failed.append("requests failed after Redis was back")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="load clients (default 4)")
    parser.add_argument("--phase", type=float, default=15, help="seconds per measured phase")
    parser.add_argument("--redis-down", type=float, default=5, help="seconds Redis stays down")
    parser.add_argument("--capacity", action="store_true", help="also one/two web host figures")
    parser.add_argument("--bench-seconds", type=float, default=15)
    parser.add_argument("--bench-clients", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("run as root (network namespaces): sudo ./deploy/multihost/run.sh", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="wuyedesk-multihost-"))
    os.chmod(work, 0o755)  # noqa: S103  (postgres, a user of its own, reads its folders)
    cluster = Cluster(work)
    started = time.monotonic()

    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        context = setup(cluster)
        figures = failure_run(cluster, context, args)
        if args.capacity:
            figures["capacity"] = capacity_run(cluster, context, args)
        figures["run_seconds"] = round(time.monotonic() - started, 1)
        print("\n=== figures ===")
        print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
        failed = verdict(figures)
        for line in failed:
            print(f"FAILED: {line}")
        if not failed:
            print(
                "OK: 0 tickets lost, 0 notifications twice, standby took over within two "
                "periods, requests succeed after Redis restarted, attachments cross hosts"
            )
        return 1 if failed else 0
    finally:
        cluster.close()
        if args.keep:
            print(f"logs kept in {work}/logs")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
