"""A real SMS/WeChat gateway for tests: an HTTP server on 127.0.0.1 in a thread that receives
WuyeDesk's signed webhook (docs/notifications.md), checks the signature and keeps each
message, so that a test reads what reached the phone (a sign-up's one-time code)."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "test-gateway-secret"  # noqa: S105  (tests only)


class Gateway:
    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.messages: list[dict] = []
        self.refused = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-WuyeDesk-Timestamp", "")
                expected = (
                    "sha256="
                    + hmac.new(
                        gateway.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                signed = hmac.compare_digest(expected, self.headers.get("X-WuyeDesk-Signature", ""))
                if signed:
                    gateway.messages.append(json.loads(body))
                else:
                    gateway.refused += 1
                status = 200 if signed else 401
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m["resident"]["phone"] == phone]

    def code_for(self, phone: str) -> str:
        """The last one-time code the gateway was asked to send to `phone`."""
        codes = [m["code"] for m in self.to(phone) if m.get("event") == "signup_code"]
        assert codes, f"no code was sent to {phone[:3]}****"
        return codes[-1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
