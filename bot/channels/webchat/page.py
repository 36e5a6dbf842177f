"""The widget's two documents: the chat page (``GET /webchat/``, what the iframe shows) and
``GET /webchat/embed.js``, the script a shop puts on its own pages to get the chat bubble.

``/webchat/?embed=1&locale=zh-Hant&host=https://shop.example`` is the page as embed.js frames
it: the words of that locale, a close button, and the unread count told to ``host`` (only an
origin listed in ``AFTERSALES_WIDGET_ORIGINS``: the frame talks to nobody else).
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.webchat.words import WidgetWords
from bot.runtime import Runtime
from handoff.config.templating import environment

EMBED_CACHE = "public, max-age=300"  # shops' pages load it on every view; a change shows soon


def allowed_host(runtime: Runtime, raw: str | None) -> str:
    """``raw`` when it is a configured widget origin, else "" (no messages to the parent)."""
    origins = {o.strip().rstrip("/") for o in runtime.settings.webchat_allowed_origins}
    value = (raw or "").strip().rstrip("/")
    return value if value and value in origins else ""


async def chat_page(request: web.Request, runtime: Runtime, words: WidgetWords) -> web.Response:
    locale = words.locale(request.query.get("locale"))
    embedded = request.query.get("embed") == "1"
    html = environment(runtime.settings.templates_dir).get_template("webchat/index.html").render(
        shop_name=runtime.settings.shop_name, locale=locale, words=words.of(locale),
        embedded=embedded, host=allowed_host(runtime, request.query.get("host")) if embedded
        else "", poll_ms=int(runtime.dialogue.webchat_poll_seconds * 1000),
        max_bytes=runtime.settings.evidence_max_bytes)
    return web.Response(text=html, content_type="text/html")


async def embed_script(request: web.Request, runtime: Runtime,
                       words: WidgetWords) -> web.Response:
    bubble = {locale: {key: text[key] for key in ("title", "open_chat", "close_chat", "unread")}
              for locale, text in words.by_locale.items()}
    script = environment(runtime.settings.templates_dir).get_template("webchat/embed.js").render(
        words=bubble, default_locale=words.default_locale)
    return web.Response(text=script, content_type="application/javascript",
                        headers={"Cache-Control": EMBED_CACHE})
