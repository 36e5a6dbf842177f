"""``aftersales demo --no-serve``: trains the model when missing, migrates, imports the demo
orders; ``aftersales serve`` is registered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from handoff.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Order


def test_demo_sets_up_without_serving(tmp_path: Path, nlu_model_path: Path) -> None:
    model = tmp_path / "models" / "intent_model.npz"
    model.parent.mkdir()
    shutil.copy(nlu_model_path, model)  # present: the demo does not retrain
    settings = Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'd.db'}",
                        nlu_model=model)
    result = CliRunner().invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "14 demo orders" in result.output and "trained" not in result.output
    database = Database(settings.database_url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 14
    database.dispose()


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_web_commands_are_documented_in_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"], obj=Settings())
    assert result.exit_code == 0 and "--" in result.output
