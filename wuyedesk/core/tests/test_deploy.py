"""deploy/ (issue #17): the nginx template is a valid configuration once filled, and its body
size limit matches the largest request the application accepts."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from wuyedesk.channels.services import MAX_PHOTOS
from wuyedesk.policies.models import PolicySettings

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
TEMPLATE = DEPLOY / "nginx" / "wuyedesk.conf.template"


def _render(text: str, **values) -> str:
    """As `envsubst '${A} ${B}'`: only the named placeholders (nginx's $host stays)."""
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def test_the_body_limit_is_nine_photos_at_the_policys_size_plus_the_form():
    text = TEMPLATE.read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    default_mb = PolicySettings._meta.get_field("attachment_max_mb").default
    assert limit == MAX_PHOTOS * default_mb + 10


def test_the_filled_template_is_a_valid_nginx_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is not installed (scripts/test.sh installs nginx-light)")
    key, cert = tmp_path / "tls.key", tmp_path / "tls.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607  (the system's openssl)
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=kefu.example.com",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    site = _render(
        TEMPLATE.read_text(),
        WEB_UPSTREAMS="server 10.0.0.11:8000; server 10.0.0.12:8000;",
        SERVER_NAME="kefu.example.com",
        LISTEN="127.0.0.1:8443",
        TLS_CERT=str(cert),
        TLS_KEY=str(key),
    ).replace("/var/log/nginx/wuyedesk.access.log", str(tmp_path / "access.log"))
    assert not re.search(r"\$\{[A-Z_]+\}", site), "a placeholder was left unfilled"
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(  # noqa: S603
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    # The client's address and the scheme reach the application (PROXY_COUNT=1).
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto https;" in site
