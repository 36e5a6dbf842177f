"""``aftersales test conversations`` (the YAML conversation suite) and ``aftersales shell``
(chat with the bot from the terminal, like ``rasa shell``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from bot.commands import settings_of
from bot.model_holder import ModelHolder, ensure_model_file
from handoff.config.settings import Settings


@click.group("test")
def test_group() -> None:
    """Check the bot's behaviour against written expectations."""


@test_group.command("conversations")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="Print every transcript, not only failures.")
@click.pass_context
def conversations(ctx: click.Context, files: tuple[Path, ...], verbose: bool) -> None:
    """Run conversation tests (default: training_data/tests/conversations/); one line each and
    a summary; exits 1 when any fails."""
    from bot.conversations.runner import ConversationRunner
    from bot.conversations.script import load_conversations

    settings = settings_of(ctx)
    paths = list(files) or [settings.training_data_dir / "tests" / "conversations"]
    suite = load_conversations(paths)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="aftersales-conversations-") as workdir:
        runner = ConversationRunner(settings, _models(settings), Path(workdir))
        for number, conversation in enumerate(suite):
            outcome = runner.run(conversation, number)
            failed += not outcome.passed
            mark = "ok  " if outcome.passed else "FAIL"
            click.echo(f"{mark} {conversation.locale:7} {conversation.kind:13} "
                       f"{conversation.name}  ({conversation.source})")
            if verbose or not outcome.passed:
                for line in (*outcome.transcript, *outcome.problems):
                    click.echo(f"       {line}")
    click.echo(f"{len(suite) - failed} passed, {failed} failed")
    ctx.exit(1 if failed else 0)


def _models(settings: Settings) -> ModelHolder:
    if ensure_model_file(settings.training_data_dir, settings.nlu_model_path):
        click.echo(f"trained the NLU model into {settings.nlu_model_path}")
    return ModelHolder.load(settings.nlu_model_path)
