"""The Telegram side of the channel tests: the `telegram-test-api` emulator and a customer.

`Emulator` runs the npm package (installed into ``peers/`` on first use) as a subprocess on a
free loopback port; `TelegramCustomer` speaks its client API (the HTTP calls its own JS client
makes) to play a customer: say things, send commands, press inline buttons, read the bot's
messages.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp

PEERS = Path(__file__).parent / "peers"
SCRIPT = PEERS / "telegram-emulator.js"
PACKAGE = PEERS / "node_modules" / "telegram-test-api"


def install_reason() -> str | None:
    """Install the emulator if missing; a reason to skip when that is impossible."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Telegram emulator tests need node and npm (telegram-test-api)"
    if PACKAGE.exists():
        return None
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(PEERS)],
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not PACKAGE.exists():
        return f"could not install telegram-test-api: {done.stderr.strip()[-400:]}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Emulator:
    """One emulator process; `stop` and `start` again on the same port simulate an outage."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["node", str(SCRIPT), str(self.port)], cwd=PEERS, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # "listening <url>" once the port is bound
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"telegram emulator did not start: {line!r}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        if self._process.stdout is not None:
            self._process.stdout.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


class TelegramCustomer:
    """A customer in a private chat with the bot whose token is ``token``."""

    def __init__(self, base_url: str, token: str, user_id: int, *,
                 first_name: str = "小明", language_code: str = "zh-hans") -> None:
        self.base_url = base_url
        self.token = token
        self.user_id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name,
                     "username": f"customer{user_id}", "language_code": language_code}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self._unread: list[dict[str, Any]] = []

    async def say(self, text: str) -> None:
        await self._post("/sendMessage", self._message(text))

    async def command(self, text: str) -> None:
        length = text.find(" ") if " " in text else len(text)
        entities = [{"offset": 0, "length": length, "type": "bot_command"}]
        await self._post("/sendCommand", {**self._message(text), "entities": entities})

    async def press(self, reply: dict[str, Any], title: str) -> None:
        """Press the inline button titled ``title`` under the bot's message ``reply``."""
        markup = reply["message"].get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        button = next(b for b in buttons if b["text"] == title)
        message = {"message_id": reply["messageId"], "date": int(time.time()),
                   "chat": self.chat, "text": reply["message"]["text"],
                   "reply_markup": markup}
        await self._post("/sendCallback", {"botToken": self.token, "from": self.user,
                                           "message": message, "data": button["callback_data"]})

    async def replies(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait for ``count`` new bot messages in this chat (fails the test after ``timeout``)."""
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(received) < count:
            body = await self._post("/getUpdates", {"token": self.token, "chatId": self.user_id})
            received.extend(body.get("result") or [])
            if len(received) >= count:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} bot messages, got {received}")
            await asyncio.sleep(0.05)
        return received

    async def wait_for(self, needle: str, timeout: float = 15.0) -> dict[str, Any]:
        """Read the bot's messages until one contains ``needle``; returns that message (the
        ones before it are read and dropped, the ones after it are kept for later)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, item in enumerate(self._unread):
                if needle in (item["message"].get("text") or ""):
                    self._unread = self._unread[index + 1:]
                    return item
            if time.monotonic() > deadline:
                seen = [m["message"].get("text") for m in self._unread]
                raise AssertionError(f"no bot message containing {needle!r}; got {seen}")
            body = await self._post("/getUpdates", {"token": self.token, "chatId": self.user_id})
            self._unread.extend(body.get("result") or [])
            await asyncio.sleep(0.05)

    async def press_payload(self, reply: dict[str, Any], payload: str) -> str:
        """Press the button whose callback data is ``payload``; returns its title."""
        markup = reply["message"].get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        title = next(b["text"] for b in buttons if b["callback_data"] == payload)
        await self.press(reply, title)
        return str(title)

    async def texts(self, count: int = 1, timeout: float = 10.0) -> list[str]:
        return [r["message"]["text"] for r in await self.replies(count, timeout)]

    def _message(self, text: str) -> dict[str, Any]:
        return {"botToken": self.token, "from": self.user, "chat": self.chat,
                "date": int(time.time()), "text": text}

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, \
                session.post(self.base_url + path, json=body) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json()
            return data
