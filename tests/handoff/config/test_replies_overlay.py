"""The zh-Hant-HK overlay holds only the templates whose Hong Kong wording differs; every other
template falls back to zh-Hant, one by one."""

from __future__ import annotations

from pathlib import Path

from handoff.config.replies import OVERLAYS, Replies


def _replies(tmp_path: Path) -> Replies:
    for locale, name, text in (("zh-Hant", "ask_phone", "請提供手機末四碼"),
                               ("zh-Hant", "thanks", "不客氣"),
                               ("zh-Hant-HK", "ask_phone", "請提供手機號碼末四位")):
        folder = tmp_path / "replies" / locale
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Replies(tmp_path, "zh-Hans", "店")


def test_the_overlay_wins_where_it_has_a_template(tmp_path: Path) -> None:
    assert _replies(tmp_path).render("ask_phone", "zh-Hant-HK") == "請提供手機號碼末四位"


def test_a_template_the_overlay_lacks_comes_from_its_base(tmp_path: Path) -> None:
    replies = _replies(tmp_path)
    assert replies.render("thanks", "zh-Hant-HK") == "不客氣"
    assert replies.names("zh-Hant-HK") == {"ask_phone", "thanks"}
    assert replies.render("ask_phone", "zh-Hant") == "請提供手機末四碼"


def test_the_shipped_overlay_only_overrides_templates_of_its_base() -> None:
    root = Path(__file__).resolve().parents[3] / "templates" / "replies"
    for overlay, base in OVERLAYS.items():
        own = {p.stem for p in (root / overlay).glob("*.txt")}
        assert own and own <= {p.stem for p in (root / base).glob("*.txt")}, overlay
