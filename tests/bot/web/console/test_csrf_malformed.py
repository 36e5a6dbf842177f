"""Point 2: a malformed CSRF token (non-ASCII, lone surrogate, empty, huge) is a 403, never a
500 — in the sign-in form, a case-note form and the ``X-CSRF-Token`` header. On both engines."""

from __future__ import annotations

import pytest

from bot.web.console.auth.sessions import SESSION_COOKIE
from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, sign_in

MALFORMED = ["令牌é", "é", "\x00", "a" * 5000, "", "ü" * 43, "%FF%FE"]


@pytest.mark.parametrize("token", MALFORMED)
async def test_a_malformed_csrf_token_in_the_sign_in_form_is_403(
        engine_console: EngineConsole, token: str) -> None:
    async with client() as http:
        async with http.get(f"{engine_console.base}/console/signin"):
            pass
        async with http.post(f"{engine_console.base}/console/signin", allow_redirects=False,
                             data={"name": "amy", "password": PASSWORD,
                                   "csrf_token": token}) as response:
            assert response.status == 403


@pytest.mark.parametrize("token", MALFORMED)
async def test_a_malformed_csrf_token_in_a_case_note_form_or_header_is_403(
        engine_console: EngineConsole, token: str) -> None:
    async with client() as http:
        signed = await sign_in(http, engine_console.base, "amy", PASSWORD)
        cookie = signed.cookies[SESSION_COOKIE].value
    async with client({SESSION_COOKIE: cookie}) as http:
        url = f"{engine_console.base}/console/cases/2026110001/notes"
        async with http.post(url, data={"csrf_token": token, "text": "x"},
                             allow_redirects=False) as response:
            assert response.status == 403
        if "\x00" in token or not token:
            return  # not a header value any client can send
        # The raw UTF-8 bytes on the wire, as a browser or curl would send them.
        header = token.encode("utf-8").decode("latin-1")
        async with http.post(url, headers={"X-CSRF-Token": header}, data={"text": "x"},
                             allow_redirects=False) as response:
            assert response.status == 403
