"""Where customers' photos go: the `EvidenceStore` port and a local-folder implementation.

Blobs are content-addressed (sha256), so storing the same upload twice (a channel redelivery
after a rollback) writes one file; the `Evidence` row that points at it is written in the
turn's transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Magic numbers of the image formats accepted as evidence (we never trust the declared type).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class EvidenceRejected(ValueError):
    """An upload is not an accepted image or is too large; the message says which and
    ``code`` (``too_large`` | ``not_image``) lets replies say it in the customer's language."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StoredBlob:
    uri: str
    content_type: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, object]:
        return {"uri": self.uri, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256}


class EvidenceStore(Protocol):
    """Keeps evidence bytes somewhere (a folder, object storage) and names them by URI."""

    def put(self, data: bytes, content_type: str) -> StoredBlob: ...

    def read(self, uri: str) -> bytes: ...


def sniff_image(data: bytes, max_bytes: int) -> str:
    """The image's real content type, or EvidenceRejected saying why it is refused."""
    if len(data) > max_bytes:
        raise EvidenceRejected(
            f"image is {len(data)} bytes; the limit is {max_bytes} bytes", "too_large")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise EvidenceRejected("only JPEG, PNG, GIF or WebP images are accepted", "not_image")


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
               "image/webp": ".webp"}


class LocalEvidenceStore:
    """Evidence files under a folder (``settings.evidence_dir``), ``file:`` URIs relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, content_type: str) -> StoredBlob:
        digest = hashlib.sha256(data).hexdigest()
        name = f"{digest[:2]}/{digest}{_EXTENSIONS.get(content_type, '.bin')}"
        path = self.root / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a reader never sees half a file
        return StoredBlob(f"evidence:{name}", content_type, len(data), digest)

    def read(self, uri: str) -> bytes:
        name = uri.removeprefix("evidence:")
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise EvidenceRejected(f"not an evidence URI: {uri}", "not_found")
        return path.read_bytes()
