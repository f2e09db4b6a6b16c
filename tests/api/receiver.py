"""A small webhook receiver for the tests: a real HTTP server on loopback.

It verifies each delivery as the README tells a receiver to, on its own (not
with the portal's code): the HMAC-SHA256 of "<t>.<body>" under the secret,
compared in constant time, a timestamp no older than five minutes, and the
delivery id kept so that a repeat is processed once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, secret: str = "", answers=()):
        self.secret = secret
        # Status codes to answer, in order; 200 once they run out.
        self.answers = list(answers)
        self.received: list[dict] = []
        self.processed: dict[str, dict] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = receiver.verify(headers, body)
                receiver.received.append(
                    {"headers": headers, "body": body, "verified": verified}
                )
                code = receiver.answers.pop(0) if receiver.answers else 200
                if verified and 200 <= code < 300:
                    delivery = headers["x-portal-delivery"]
                    receiver.processed.setdefault(delivery, json.loads(body))
                self.send_response(code if verified else 401)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/portal"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verify(self, headers: dict, body: bytes) -> bool:
        parts = dict(
            item.split("=", 1)
            for item in headers.get("x-portal-signature", "").split(",")
            if "=" in item
        )
        try:
            timestamp = int(parts["t"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() - timestamp) > 300:
            return False
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
