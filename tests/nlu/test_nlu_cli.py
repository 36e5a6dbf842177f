"""The `aftersales nlu` commands, driven through click's test runner."""

import json
from pathlib import Path

from click.testing import CliRunner

from nlu import save_model
from nlu.cli import metadata_path, nlu


class Settings:
    """Stands in for the app settings object the bot CLI puts in ctx.obj."""

    def __init__(self, model: Path, data: Path) -> None:
        self.nlu_model_path = model
        self.training_data_dir = data


def test_train_writes_model_and_metadata_then_parse_prints_json_lines(
    data_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    model = tmp_path / "models" / "intent_model.npz"
    done = runner.invoke(nlu, ["train", "--data", str(data_dir / "mini.yml"), "--out", str(model)])
    assert done.exit_code == 0, done.output
    meta = json.loads(metadata_path(model).read_text(encoding="utf-8"))
    assert meta["n_examples"] == 50 and "threshold" in meta
    parsed = runner.invoke(
        nlu,
        ["parse", "--model", str(model), "--file", "-", "--today", "2026-11-25"],
        input="我想退货\n昨天买的 where is my order\n",
    )
    assert parsed.exit_code == 0, parsed.output
    lines = [json.loads(line) for line in parsed.output.splitlines()]
    assert [r["intent"]["name"] for r in lines] == ["return_request", "order_status"]
    assert lines[1]["entities"][0]["value"] == "2026-11-24"


def test_default_paths_come_from_the_settings_object(data_dir: Path, tmp_path: Path) -> None:
    training = tmp_path / "training_data"
    (training / "nlu").mkdir(parents=True)
    (training / "nlu" / "mini.yml").write_text(
        (data_dir / "mini.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    settings = Settings(tmp_path / "store" / "model.npz", training)
    done = CliRunner().invoke(nlu, ["train"], obj=settings)
    assert done.exit_code == 0, done.output
    assert settings.nlu_model_path.is_file()
    parsed = CliRunner().invoke(nlu, ["parse", "thank you"], obj=settings)
    assert json.loads(parsed.output)["intent"]["name"] == "thanks"


def test_train_on_malformed_file_stops_with_file_line_and_reason(
    data_dir: Path, tmp_path: Path
) -> None:
    bad = data_dir / "broken_example_line.yml"
    done = CliRunner().invoke(nlu, ["train", "--data", str(bad), "--out", str(tmp_path / "m.npz")])
    assert done.exit_code != 0
    assert f"{bad}:7" in done.output and "must start with '- '" in done.output
    assert not (tmp_path / "m.npz").exists()


def test_train_on_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        nlu, ["train", "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "m.npz")]
    )
    assert done.exit_code != 0
    assert "no such file or folder" in done.output


def test_parse_with_a_corrupt_model_is_a_clear_error(tmp_path: Path) -> None:
    model = tmp_path / "m.npz"
    model.write_bytes(b"not a model")
    done = CliRunner().invoke(nlu, ["parse", "hi", "--model", str(model)])
    assert done.exit_code != 0
    assert "not a readable NLU model" in done.output


def test_evaluate_writes_report_png_errors_and_a_diff_on_the_second_run(
    data_dir: Path, tmp_path: Path
) -> None:
    args = [
        "evaluate",
        "--data",
        str(data_dir / "helpdesk.csv"),
        "--folds",
        "3",
        "--report",
        str(tmp_path / "r"),
    ]
    first = CliRunner().invoke(nlu, args)
    assert first.exit_code == 0, first.output
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "cv3" and set(report["intents"]) >= {
        "hardware_fault",
        "password_reset",
    }
    assert (tmp_path / "r" / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "r" / "misclassified.jsonl").exists()
    assert not (tmp_path / "r" / "diff.json").exists()
    second = CliRunner().invoke(nlu, args)
    assert second.exit_code == 0
    assert json.loads((tmp_path / "r" / "diff.json").read_text(encoding="utf-8"))["macro_f1"] == 0.0


def test_evaluate_train_on_data_test_on_file(data_dir: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(
        nlu,
        [
            "evaluate",
            "--data",
            str(data_dir / "mini.yml"),
            "--test",
            str(data_dir / "mini.yml"),
            "--report",
            str(tmp_path / "r"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert (
        json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))["mode"]
        == "train-test"
    )


def test_bench_prints_latency_load_time_and_memory(
    data_dir: Path, tmp_path: Path, mini_model
) -> None:
    model = tmp_path / "m.npz"
    save_model(mini_model, model)
    done = CliRunner().invoke(
        nlu,
        [
            "bench",
            "--model",
            str(model),
            "--data",
            str(data_dir / "mini.yml"),
            "-n",
            "200",
            "--warmup",
            "20",
        ],
    )
    assert done.exit_code == 0, done.output
    figures = dict(
        line.split(None, 1)
        for line in done.output.splitlines()
        if line and not line.startswith("[")
    )
    for key in (
        "parse_p50_ms",
        "parse_p99_ms",
        "throughput_msg_per_s",
        "model_load_s",
        "rss_peak_mb",
    ):
        assert float(figures[key]) > 0
