"""Logs never see a full phone number, ID or card number: every record's message is masked
(with the same configured patterns as stored text) when the record is created, so every
handler — console, file, a test's capture — gets the masked text."""

from __future__ import annotations

import logging
import threading
from typing import Any

from handoff.store.masking import IdentifierMasker

_lock = threading.Lock()
_masker: IdentifierMasker | None = None


def install_log_masking(masker: IdentifierMasker) -> None:
    """Mask every log record from now on (idempotent: the latest masker is used)."""
    global _masker
    with _lock:
        if _masker is None:
            logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
        _masker = masker


def _masking_factory(original: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = original(*args, **kwargs)
        masker = _masker
        if masker is not None:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # a bad format string: leave it to the handler
                return record
            record.msg, record.args = masker.mask(message), None
        return record

    return factory
