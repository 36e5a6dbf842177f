"""Point 7: the sign-in lock-out does not tell which names exist — an unknown name gets the same
answer as a real one, locks the same way and costs the same argon2 work — and one client
address is throttled across names. On both engines."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from bot.web.console.auth import passwords
from handoff.store.clock import ManualClock
from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, sign_in


async def _answers(console: EngineConsole, name: str, times: int) -> list[tuple[int, str]]:
    answers = []
    async with client() as http:
        for _ in range(times):
            response = await sign_in(http, console.base, name, "wrong")
            answers.append((response.status, await response.text()))
    return answers


def _error(page: str) -> str:
    return page.split('class="error"', 1)[-1].split("</", 1)[0]


async def test_unknown_and_locked_names_get_the_same_answer(
        engine_console: EngineConsole) -> None:
    real = await _answers(engine_console, "amy", 5)
    unknown = await _answers(engine_console, "nobody-here", 5)
    assert [status for status, _ in real] == [status for status, _ in unknown] == [401] * 5
    assert [_error(page) for _, page in real] == [_error(page) for _, page in unknown]


async def test_a_locked_or_unknown_name_costs_one_argon2_verification_like_a_real_one(
        engine_console: EngineConsole) -> None:
    await _answers(engine_console, "amy", 3)  # amy is locked now
    with mock.patch.object(passwords, "verify_password",
                           wraps=passwords.verify_password) as verify:
        await _answers(engine_console, "amy", 1)
        await _answers(engine_console, "ghost", 1)
        async with client() as http:
            await sign_in(http, engine_console.base, "sam", "wrong")
    assert verify.call_count == 3


async def test_one_address_guessing_across_names_is_throttled_without_locking_the_names(
        engine_console: EngineConsole, clock: ManualClock) -> None:
    limit = engine_console.settings.console_address_max_failed_logins
    async with client() as http:
        for index in range(limit):
            await sign_in(http, engine_console.base, f"guess-{index}", "wrong")
        refused = await sign_in(http, engine_console.base, "sam", PASSWORD)
        assert refused.status == 401, "the address is locked, even for a right password"
        clock.advance(timedelta(minutes=engine_console.settings.console_lockout_minutes + 1))
        allowed = await sign_in(http, engine_console.base, "sam", PASSWORD)
        assert allowed.status == 303
