"""The push side of an agent's reply: how long until it reaches a sender that crosses the
network. The web chat's replies are pulled by the widget (recorded as sent when queued), so the
bench configures the servers with an outgoing webhook for ``case.agent_reply`` pointed at a
local HTTP server here (the platform's side of the seam). The server's own outbox worker
delivers it, woken by the reply's commit, exactly as it delivers a Telegram or LINE reply; the
delay runs from the agent API call's return to the webhook's arrival, matched by message id."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.bench.servers import free_port

ENDPOINT = "bench"


class Platform:
    """The local HTTP server standing in for a platform: when each agent reply arrived."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self._lock = threading.Lock()

    def note(self, body: bytes) -> None:
        event = json.loads(body)
        message_id = (event.get("data") or {}).get("message_id")
        if event.get("type") == "case.agent_reply" and isinstance(message_id, int):
            with self._lock:
                self.arrived.setdefault(message_id, time.time())

    def delays(self, replied: dict[int, float]) -> list[float]:
        """Seconds from each reply's API call returning to its arrival here."""
        with self._lock:
            return [self.arrived[m] - at for m, at in replied.items() if m in self.arrived]

    def settled_delays(self, replied: dict[int, float], wait: float = 10.0) -> list[float]:
        """`delays` once every reply arrived, or ``wait`` seconds are over."""
        deadline = time.monotonic() + wait
        while len(self.delays(replied)) < len(replied) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.delays(replied)


@contextmanager
def platform_server(folder: Path) -> Iterator[tuple[Platform, dict[str, str]]]:
    """A running receiver, and the environment that points the servers' webhook at it."""
    platform = Platform()

    class Receive(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the stdlib handler's name for a POST
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            platform.note(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_: object) -> None:  # no line per request on the bench's output
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform, _webhook_env(folder, f"http://127.0.0.1:{server.server_port}/hook")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _webhook_env(folder: Path, url: str) -> dict[str, str]:
    config = folder / "webhooks.yml"
    config.write_text(f"timeout_seconds: 5\nendpoints:\n  - name: {ENDPOINT}\n"
                      f"    url: {url}\n    events: [case.agent_reply]\n", encoding="utf-8")
    return {"AFTERSALES_WEBHOOKS_FILE": str(config),
            "AFTERSALES_WEBHOOK_SECRETS": f"{ENDPOINT}={secrets.token_hex(16)}"}
