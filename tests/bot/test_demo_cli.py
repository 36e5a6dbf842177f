"""``aftersales demo --no-serve``: trains the model when missing, migrates, imports the demo
orders; ``aftersales serve`` is registered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from handoff.agents.auth import verify_password
from handoff.config.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Agent, Order


def test_demo_sets_up_without_serving(tmp_path: Path, nlu_model_path: Path) -> None:
    model = tmp_path / "models" / "intent_model.npz"
    model.parent.mkdir()
    shutil.copy(nlu_model_path, model)  # present: the demo does not retrain
    settings = Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'd.db'}",
                        nlu_model=model)
    result = CliRunner().invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert result.exit_code == 0, result.output
    count = len(json.loads((settings.training_data_dir / "demo" / "orders.json").read_text(
        encoding="utf-8"))["orders"])
    assert f"{count} demo orders" in result.output and "trained" not in result.output
    database = Database(settings.database_url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == count
        staff = {a.name: a for a in session.scalars(select(Agent))}
    database.dispose()
    # Demo staff can sign in: each printed password verifies against its stored hash.
    assert {"alice", "sam", "tina"} <= set(staff)
    for name in ("alice", "sam", "tina"):
        line = next(x for x in result.output.splitlines() if x.strip().startswith(name))
        password = line.split("password ")[1].split()[0]
        assert verify_password(staff[name].password_hash or "", password)


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_web_commands_are_documented_in_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"], obj=Settings())
    assert result.exit_code == 0 and "--" in result.output
