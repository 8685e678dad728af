"""A real IMAP server on 127.0.0.1 for tests: Dovecot (the Debian package), run from a
generated configuration in a temporary directory, never the system service.

`start_dovecot(directory)` returns a `Dovecot` with the host, port, user and password of one
mailbox; `append(raw)` puts a mail into it with IMAP APPEND, as a mail server delivers it.
Stop it with `stop()`. The `imap` fixture in wuyedesk/mailbox/tests/conftest.py wraps it.
"""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from wuyedesk.testing_mail import free_port

USER = "kefu@test.example"
PASSWORD = "imap-test-pass"  # noqa: S105  (a throwaway server on 127.0.0.1)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:{dir}/home/%n/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


@dataclass
class Dovecot:
    directory: Path
    port: int
    process: subprocess.Popen
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD
    folder: str = "INBOX"

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        client = self.connect()
        try:
            status, data = client.append(folder, flags or None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        """The flags of every message in the folder, in order."""
        client = self.connect()
        try:
            _status, count = client.select(folder, readonly=True)
            if count[0] in (b"0", None):
                return []
            _status, data = client.fetch("1:*", "(FLAGS)")
            return [] if data == [None] else [item.decode() for item in data if item]
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_dovecot(directory: Path) -> Dovecot:
    binary = dovecot_binary()
    if binary is None:
        raise RuntimeError("dovecot is not installed (Debian package dovecot-imapd)")
    directory = Path(directory)
    for sub in ("run", "state", "home"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        # Dovecot runs no mail process as root: the mailbox belongs to an unprivileged user.
        account = pwd.getpwnam("nobody")
        login_user = "dovenull" if _has_user("dovenull") else "nobody"
        uid, gid = account.pw_uid, account.pw_gid
        os.chown(directory / "home", uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
        login_user = pwd.getpwuid(uid).pw_name
    (directory / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = directory / "dovecot.conf"
    config.write_text(
        CONFIG.format(dir=directory, port=port, uid=uid, gid=gid, login_user=login_user)
    )
    process = subprocess.Popen(  # noqa: S603  (the Debian binary, our generated config)
        [binary, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot(directory=directory, port=port, process=process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logfile = directory / "dovecot.log"
            log = logfile.read_text() if logfile.exists() else ""
            raise RuntimeError(f"dovecot exited: {process.stderr.read().decode()} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("dovecot did not start listening")


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
