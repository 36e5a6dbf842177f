"""The supervisor's widget page gives the embed line for each locale, with this server's
address, and says which sites may show it; agents cannot open it."""

from __future__ import annotations

import html

from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, sign_in


async def test_the_supervisor_copies_the_embed_line_for_the_shops_site(
        engine_console: EngineConsole) -> None:
    async with client() as http:
        await sign_in(http, engine_console.base, "sam", PASSWORD)
        async with http.get(f"{engine_console.base}/console/widget") as page:
            assert page.status == 200
            text = html.unescape(await page.text())
    assert (f'<script src="{engine_console.base}/webchat/embed.js" data-locale="zh-Hant" async>'
            "</script>") in text
    assert "AFTERSALES_WIDGET_ORIGINS" in text  # none configured yet: says how


async def test_an_agent_cannot_open_the_widget_page(engine_console: EngineConsole) -> None:
    async with client() as http:
        await sign_in(http, engine_console.base, "amy", PASSWORD)
        async with http.get(f"{engine_console.base}/console/widget") as page:
            assert page.status == 403
