"""``aftersales nlu review``: the trainer's review loop from the command line.

Export the messages the model misunderstood to CSV, fill in the ``intent`` column (or ``-`` to
dismiss a row), import it back, then ``aftersales nlu train`` picks the relabels up from
``training_data/nlu/reviewed.yml``.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from bot.commands import open_database, settings_of
from bot.review.labels import LabelError
from bot.review.service import ReviewDesk
from handoff.store.clock import SystemClock


def _desk(ctx: click.Context) -> ReviewDesk:
    settings = settings_of(ctx)
    return ReviewDesk(settings, open_database(settings), SystemClock())


@click.command("review")
@click.option("--export", "export_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the messages to review to this CSV file.")
@click.option("--import", "import_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Apply a filled-in CSV (intent column; '-' dismisses a row).")
@click.option("--by", default=None, help="Trainer name recorded with the labels.")
@click.pass_context
def review(ctx: click.Context, export_file: Path | None, import_file: Path | None,
           by: str | None) -> None:
    """Review misunderstood messages: list them, --export them, or --import labels."""
    if export_file and import_file:
        raise click.UsageError("use --export or --import, not both")
    desk = _desk(ctx)
    try:
        if export_file:
            count = desk.export_csv(export_file)
            click.echo(f"{count} messages to review written to {export_file}")
        elif import_file:
            result = desk.import_csv(import_file, by or getpass.getuser())
            click.echo(f"{result.labelled} labelled, {result.dismissed} dismissed; "
                       f"run `aftersales nlu train` to use them")
        else:
            for item in desk.pending():
                click.echo(f"{item.message_id}\t{item.predicted}\t{item.confidence:.2f}\t"
                           f"{item.text}")
    except LabelError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        desk.db.dispose()
