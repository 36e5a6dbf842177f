"""Logs never see a full phone number, ID or card number: every record's message is masked
(with the same configured patterns as stored text) when a handler formats it, so every
handler — console, file, a test's capture — gets the masked text."""

from __future__ import annotations

import logging
import threading

from handoff.store.masking import IdentifierMasker

_lock = threading.Lock()
_masker: IdentifierMasker | None = None


class MaskedLogRecord(logging.LogRecord):
    """A record whose formatted message is masked. The arguments stay as they are (not
    pre-formatted), so logging keeps its lazy formatting and object lifetimes."""

    def getMessage(self) -> str:
        message = super().getMessage()
        masker = _masker
        return masker.mask(message) if masker is not None else message


def install_log_masking(masker: IdentifierMasker) -> None:
    """Mask every log record from now on (idempotent: the latest masker is used)."""
    global _masker
    with _lock:
        _masker = masker
        if logging.getLogRecordFactory() is logging.LogRecord:
            logging.setLogRecordFactory(MaskedLogRecord)
