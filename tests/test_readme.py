"""The README stays the operator's reference: every setting is documented there."""

from pathlib import Path

from handoff.config.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _env_name(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else f"AFTERSALES_{name.upper()}"


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [_env_name(n) for n in Settings.model_fields if f"`{_env_name(n)}`" not in README]
    assert missing == []


def test_the_two_commands_are_at_the_top() -> None:
    top = README[:1500]
    assert "make demo" in top and "make test" in top
