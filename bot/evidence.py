"""Where customers' photos go: the `EvidenceStore` port and a local-folder implementation.

Blobs are content-addressed (sha256), so storing the same upload twice (a channel redelivery
after a rollback) writes one file; the `Evidence` row that points at it is written in the
turn's transaction.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps

# Pillow's format names of the images accepted as evidence, and their content types.
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_NOT_IMAGE = "only JPEG, PNG, GIF or WebP images are accepted"


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


@dataclass(frozen=True)
class CheckedImage:
    """An upload that decoded as an image, re-encoded: no metadata (EXIF GPS) and no bytes
    after the image (an HTML tail of a polyglot) survive; ``content_type`` is the decoded one."""

    data: bytes
    content_type: str


def check_image(data: bytes, max_bytes: int, max_pixels: int) -> CheckedImage:
    """Decode ``data`` fully (``verify()`` then ``load()``) and re-encode it, or raise
    EvidenceRejected saying why (``too_large`` | ``not_image``). We never trust the declared
    type or the magic number."""
    if len(data) > max_bytes:
        raise EvidenceRejected(
            f"image is {len(data)} bytes; the limit is {max_bytes} bytes", "too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, max_pixels)
    except EvidenceRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise EvidenceRejected(f"the image has too many pixels: {exc}", "too_large") from exc
    except Exception as exc:  # a decoder fed hostile bytes may raise anything (struct.error …)
        raise EvidenceRejected(_NOT_IMAGE, "not_image") from exc


def _decode(data: bytes, max_pixels: int) -> CheckedImage:
    with Image.open(io.BytesIO(data)) as probe:
        if probe.format not in _FORMATS:
            raise EvidenceRejected(_NOT_IMAGE, "not_image")
        if probe.width * probe.height > max_pixels:
            raise EvidenceRejected(f"the image has more than {max_pixels} pixels", "too_large")
        probe.verify()  # checksums and structure; the image cannot be used after it
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # every pixel decodes
        fmt = str(image.format)
        return CheckedImage(_reencode(image, fmt), _FORMATS[fmt])


def _reencode(image: Image.Image, fmt: str) -> bytes:
    upright = ImageOps.exif_transpose(image)  # the orientation goes with the EXIF block
    upright.info.clear()
    out = io.BytesIO()
    if fmt == "JPEG":
        upright.convert("RGB").save(out, "JPEG", quality=90, exif=b"")
    elif fmt == "PNG":
        upright.save(out, "PNG")
    else:
        upright.save(out, fmt)
    return out.getvalue()


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
