"""``aftersales rasa export DIR``: a Rasa 3.x project on our actions (README "Use with Rasa")."""

from __future__ import annotations

from pathlib import Path

import click

from bot.commands import settings_of


@click.group()
def rasa() -> None:
    """Run a Rasa assistant on our actions."""


@rasa.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export(ctx: click.Context, directory: Path) -> None:
    """Write a Rasa 3.x project into DIRECTORY from training_data/: domain.yml, data/nlu.yml,
    data/rules.yml, config.yml (jieba pipeline) and endpoints.yml (our action server)."""
    from bot.rasa.export import export_project

    settings = settings_of(ctx)
    result = export_project(settings.training_data_dir, directory)
    click.echo(f"rasa project in {directory}: {result.intents} intents, {result.examples} "
               f"examples, {result.slots} slots, {result.rules} rules")
    click.echo(f"next: cd {directory} && rasa train && rasa run --enable-api  "
               "(actions: python -m rasa_sdk --actions bot.actions)")
