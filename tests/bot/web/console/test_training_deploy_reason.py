"""A greyed-out Deploy says why: with no trained candidate the trainer reads that they must
retrain first, in their own language. Over real HTTP, no browser needed."""

from __future__ import annotations

from tests.bot.web.console.helpers import PASSWORD, client, sign_in


async def test_deploy_greyed_out_says_retrain_first(console: str) -> None:
    async with client() as http:
        await sign_in(http, console, "tina", PASSWORD)
        async with http.get(f"{console}/console/training") as page:
            html = await page.text()
    deploy = html[html.index('action="/console/training/deploy"'):]
    assert "disabled" in deploy[:deploy.index("</form>")]
    assert 'id="deploy-why"' in deploy and "retrain first" in deploy
