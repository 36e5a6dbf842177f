"""``aftersales shell``: chat with the bot in the terminal on the configured store — the
quickest way for a trainer to try a new wording. ``--debug`` shows the parse, the slots and
what answered."""

from __future__ import annotations

import json
import uuid

import click

from bot.commands import settings_of
from bot.commands.conversations import _models
from bot.messages import InboundMessage


@click.command()
@click.option("--user", default=None, help="Customer id to chat as (default: a new one).")
@click.option("--debug", is_flag=True, help="Show the NLU parse, slots and the step taken.")
@click.pass_context
def shell(ctx: click.Context, user: str | None, debug: bool) -> None:
    """Chat with the bot (web chat channel); an empty line or Ctrl-D ends."""
    from bot.engine.bot import Bot
    from bot.runtime import build_runtime
    from handoff.config.tables import load_queues, sync_queues
    from handoff.store.migrate import upgrade
    from handoff.store.models import Conversation, Message

    settings = settings_of(ctx)
    runtime = build_runtime(settings, models=_models(settings))
    upgrade(runtime.db)  # idempotent: a fresh store works at once
    assert settings.queues_file is not None
    with runtime.db.session() as session:
        sync_queues(session, load_queues(settings.queues_file))
    engine, user = Bot(runtime), user or f"shell-{uuid.uuid4().hex[:8]}"
    click.echo(f"chatting as {user!r} on {settings.database_url} (empty line to quit)")
    for number in range(1, 10**9):
        text = click.prompt("you", default="", show_default=False).strip()
        if not text:
            return
        key = f"{user}-{number}-{uuid.uuid4().hex[:6]}"
        for reply in engine.handle(InboundMessage("webchat", user, text, update_id=key)):
            click.echo(f"bot: {reply.text}")
            for button in reply.buttons:
                click.echo(f"     [{button.title}] → {button.payload}")
        if debug:
            with runtime.db.session() as session:
                message = session.query(Message).filter_by(
                    idempotency_key=f"webchat:{key}").one()
                conversation = session.get(Conversation, message.conversation_id)
                state = (conversation.state if conversation else None) or {}
                parse = message.nlu or {}
                click.echo(click.style(json.dumps({
                    "intent": parse.get("intent"), "entities": parse.get("entities"),
                    "sensitive": parse.get("sensitive"), "slots": state.get("slots"),
                    "flow": state.get("flow"), "answered_by": parse.get("answered_by")},
                    ensure_ascii=False, default=str), dim=True))
