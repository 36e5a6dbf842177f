"""Loading training data: Rasa YAML, CSV, and clear errors naming file and line."""

from pathlib import Path

import pytest

from nlu.data import DataError, data_hash, load_examples


def test_rasa_yaml_examples_keep_intent_source_line_and_drop_entity_markup(data_dir: Path) -> None:
    examples = load_examples([data_dir / "mini.yml"])
    second = examples[1]
    assert (second.intent, second.text) == ("order_status", "订单2026110512345什么时候发货")
    assert second.line == 6
    assert len({e.intent for e in examples}) == 5


def test_csv_with_text_and_intent_columns(data_dir: Path) -> None:
    examples = load_examples([data_dir / "helpdesk.csv"])
    assert examples[0].intent == "hardware_fault"
    assert examples[0].line == 2


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_examples([tmp_path / "nope.yml"])


def test_line_that_is_not_an_example_is_reported_with_its_line(data_dir: Path) -> None:
    with pytest.raises(DataError) as err:
        load_examples([data_dir / "broken_example_line.yml"])
    assert err.value.line == 7
    assert "must start with '- '" in err.value.reason


def test_invalid_yaml_is_reported_with_its_line(data_dir: Path) -> None:
    with pytest.raises(DataError) as err:
        load_examples([data_dir / "broken_yaml.yml"])
    assert err.value.line == 7
    assert "invalid YAML" in str(err.value)


def test_item_without_intent_name_is_refused(data_dir: Path) -> None:
    with pytest.raises(DataError, match="no 'intent' name"):
        load_examples([data_dir / "no_intent.yml"])


def test_csv_without_text_and_intent_header_is_refused(data_dir: Path) -> None:
    with pytest.raises(DataError, match="header must name 'text' and 'intent'") as err:
        load_examples([data_dir / "bad_header.csv"])
    assert err.value.line == 1


def test_data_hash_ignores_order_but_not_content(data_dir: Path) -> None:
    examples = load_examples([data_dir / "mini.yml"])
    assert data_hash(examples) == data_hash(list(reversed(examples)))
    assert data_hash(examples) != data_hash(examples[1:])
