"""Property: whatever bytes arrive, the JSON reader answers a document or a 400, nothing else."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.http.errors import ApiError
from bot.http.payloads import parse_json

_JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=20)


@given(st.binary())
def test_any_bytes_are_a_document_or_a_400(raw: bytes) -> None:
    try:
        parse_json(raw)
    except ApiError as exc:
        assert exc.status == 400


@given(_JSON_LIKE)
def test_any_json_document_comes_back_without_nul_or_is_a_400(document: object) -> None:
    raw = json.dumps(document).encode()
    try:
        parsed = parse_json(raw)
    except ApiError as exc:
        assert exc.status == 400 and "surrogate" in exc.text
        return
    assert "\\u0000" not in json.dumps(parsed)


def test_a_hundred_thousand_brackets_are_a_400() -> None:
    try:
        parse_json(b"[" * 100_000)
    except ApiError as exc:
        assert exc.status == 400
    else:
        raise AssertionError("deep nesting was accepted")
