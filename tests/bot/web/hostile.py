"""Hostile requests as raw bytes on a socket: what an attacker (or a broken client) can send that
an HTTP library would refuse to build — lone surrogates, non-UTF-8 headers, truncated multipart.

`Hostile` is one input; an endpoint turns it into a `RawRequest` in its own shape (where the
text goes, which header carries the secret, how the body is signed). `send` writes the request
to a loopback server and reads the whole answer (``Connection: close``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

NESTED = b"[" * 100_000 + b"]" * 100_000
BOUNDARY = "hostileBoundary7MA4YWxk"


@dataclass(frozen=True)
class Hostile:
    """One hostile input. ``text`` goes where the endpoint expects text; ``body`` (raw bytes)
    replaces the whole body; ``secret`` replaces the endpoint's token/signature header value."""

    name: str
    text: Any = "你好"
    body: bytes | None = None
    content_type: str | None = None
    secret: bytes | None = None
    query: str = ""
    long_id: bool = False  # the endpoint's id field (message_id, webhookEventId …) is 1,000 chars
    events: Any = None  # LINE's "events" value, for bodies that are JSON but not LINE's shape


def _multipart(*parts: tuple[str, bytes], close: bool = True) -> bytes:
    chunks = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
              + value + b"\r\n" for name, value in parts]
    return b"".join(chunks) + (f"--{BOUNDARY}--\r\n".encode() if close else b"")


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"

INPUTS: tuple[Hostile, ...] = (
    Hostile("lone_surrogate", text="\udfff"),
    Hostile("nul_in_text", text="我要退货\x00订单"),
    Hostile("deep_nesting", body=NESTED),
    Hostile("deep_nesting_in_a_field", text=json.loads("[" * 500 + "]" * 500)),
    Hostile("invalid_utf8_body", body=b'{"text": "\xff\xfe\xfd"}'),
    Hostile("body_is_a_number", body=b"42"),
    Hostile("empty_body", body=b""),
    Hostile("text_is_an_object", text={"$gt": ""}),
    Hostile("huge_number", text=10**30),
    Hostile("overlong_text", text="好" * 100_000),
    Hostile("non_ascii_secret_utf8", secret="tökén✓".encode()),
    Hostile("non_ascii_secret_latin1", secret="tökén".encode("latin-1")),
    Hostile("after_overflow", query=f"after={10**30}"),
    Hostile("overlong_query", query="q=" + "x" * 20_000),
    Hostile("overlong_id", long_id=True),
    Hostile("events_not_a_list", events=42),
    Hostile("events_hold_junk", events=[42, {}, "x", None, {"type": "message"}]),
    Hostile("multipart_without_boundary", body=_multipart(("text", b"hi")),
            content_type="multipart/form-data"),
    Hostile("truncated_multipart", body=_multipart(("user_id", b"u"), close=False)[:-7],
            content_type=MULTIPART),
    Hostile("non_utf8_multipart_field",
            body=_multipart(("user_id", b"hostile-mp"), ("text", b"\xff\xfe\xfa")),
            content_type=MULTIPART),
    Hostile("wrong_content_type", body=b"text=hello", content_type="text/plain"),
)


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str  # with the query string
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def send(base_url: str, request: RawRequest) -> RawResponse:
    """Write ``request`` byte for byte and read the answer."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = [f"{request.method} {request.path} HTTP/1.1".encode(),
            f"Host: {url.netloc}".encode(), b"Connection: close",
            f"Content-Length: {len(request.body)}".encode()]
    head += [name + b": " + value for name, value in request.headers]
    writer.write(b"\r\n".join(head) + b"\r\n\r\n" + request.body)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=60)
    writer.close()
    return _parse(raw)


def _parse(raw: bytes) -> RawResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return RawResponse(int(lines[0].split()[1]), headers, body)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return bytes(out)
