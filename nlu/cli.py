"""``aftersales nlu …`` commands: train, parse, evaluate, bench.

The bot's CLI mounts the group (``cli.add_command(nlu.cli.nlu)``) and puts its
settings object in ``ctx.obj``; anything with ``nlu_model_path`` and
``training_data_dir`` works (``NluConfig``). Without it, paths default to the
repository's ``training_data/``. Other modules may add commands to ``nlu``
(e.g. ``review``) using ``model_path`` / ``data_dir`` below.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TextIO, runtime_checkable

import click

from nlu.artifacts import save_model

REPO_ROOT = Path(__file__).resolve().parent.parent
MODEL_FILENAME = "intent_model.npz"


@runtime_checkable
class NluConfig(Protocol):
    """The settings the NLU commands need (the app settings object satisfies it)."""

    nlu_model_path: Path
    training_data_dir: Path


def data_dir(ctx: click.Context) -> Path:
    """The training-data folder: settings when present, else ``<repo>/training_data``."""
    obj = ctx.find_root().obj
    return (
        Path(obj.training_data_dir) if isinstance(obj, NluConfig) else REPO_ROOT / "training_data"
    )


def model_path(ctx: click.Context) -> Path:
    """The model in use: settings when present, else ``<training_data>/models/intent_model.npz``."""
    obj = ctx.find_root().obj
    return (
        Path(obj.nlu_model_path)
        if isinstance(obj, NluConfig)
        else data_dir(ctx) / "models" / MODEL_FILENAME
    )


def metadata_path(model_file: Path) -> Path:
    """The metadata JSON written beside a model file."""
    return model_file.with_name(model_file.name.split(".")[0] + ".meta.json")


def progress(message: str) -> None:
    """Progress line on stderr (stdout stays machine-readable)."""
    click.echo(f"[nlu] {message}", err=True)


def _optional(path: Path) -> Path | None:
    return path if path.exists() else None


def _train_inputs(
    ctx: click.Context, config: Path | None, userdict: Path | None, lexicon: Path | None
) -> tuple[Any, str, Any]:
    from nlu.config import ConfigError, load_config, load_yaml
    from nlu.tokenize import read_userdict

    base = data_dir(ctx)
    config = config or _optional(base / "nlu_config.yml")
    userdict = userdict or _optional(base / "jieba_userdict.txt")
    lexicon = lexicon or _optional(base / "lexicons" / "sensitive.yml")
    try:
        cfg = load_config(config)
        lex = load_yaml(lexicon) if lexicon else None
        return cfg, read_userdict(userdict) if userdict else "", lex
    except (ConfigError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


def _load_examples(ctx: click.Context, data: tuple[Path, ...]) -> list[Any]:
    from nlu.data import DataError, load_examples

    paths = data or (data_dir(ctx) / "nlu",)
    try:
        return load_examples(paths)
    except DataError as exc:
        raise click.ClickException(f"training data: {exc}") from exc


@click.group(name="nlu")
def nlu() -> None:
    """Intent model: train, parse, evaluate, bench."""


_data_option = click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of Rasa YAML, or a YAML/CSV/TSV file (text,intent). Repeatable.",
)
_config_options = [
    click.option(
        "--config",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help="nlu_config.yml",
    ),
    click.option(
        "--userdict",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help="jieba user dict",
    ),
    click.option(
        "--lexicon",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help="sensitive lexicon",
    ),
]


def _with_config_options(fn: Any) -> Any:
    for option in reversed(_config_options):
        fn = option(fn)
    return fn


@nlu.command()
@_data_option
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Model file to write.")
@click.option(
    "--cv",
    "cv_folds",
    type=int,
    default=0,
    show_default=True,
    help="Also run K-fold cross-validation and store the scores in the metadata.",
)
@_with_config_options
@click.pass_context
def train(
    ctx: click.Context,
    data: tuple[Path, ...],
    out: Path | None,
    cv_folds: int,
    config: Path | None,
    userdict: Path | None,
    lexicon: Path | None,
) -> None:
    """Train the intent model and write it with a metadata JSON beside it."""
    from nlu.data import DataError
    from nlu.training import train_model

    examples = _load_examples(ctx, data)
    cfg, udict, lex = _train_inputs(ctx, config, userdict, lexicon)
    out = out or model_path(ctx)
    try:
        model = train_model(examples, cfg, userdict=udict, lexicon=lex, progress=progress,
                            risk=_risk_data(ctx))
    except DataError as exc:
        raise click.ClickException(f"training data: {exc}") from exc
    if cv_folds:
        model.metadata["cv"] = _cv_scores(examples, cfg, cv_folds, udict)
    model.metadata["data_paths"] = [str(p) for p in (data or (data_dir(ctx) / "nlu",))]
    save_model(model, Path(out))
    metadata_path(out).write_text(
        json.dumps(model.metadata, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    click.echo(
        f"model written to {out} ({len(examples)} examples, threshold {model.threshold:.2f})"
    )


def _risk_data(ctx: click.Context) -> Any:
    from nlu.config import ConfigError
    from nlu.risk.data import load_risk_data

    try:
        return load_risk_data(data_dir(ctx) / "risk")
    except ConfigError as exc:
        raise click.ClickException(f"risk data: {exc}") from exc


def _cv_scores(examples: list[Any], cfg: Any, folds: int, udict: str) -> dict[str, Any]:
    from nlu.evaluate import build_report, cross_validate

    report = build_report(
        cross_validate(examples, cfg, folds, userdict=udict, progress=progress), f"cv{folds}"
    )
    return {
        "folds": folds,
        "macro_f1": report["macro_f1"],
        "accuracy": report["accuracy"],
        "f1": {k: v["f1-score"] for k, v in report["intents"].items()},
    }


def _load(ctx: click.Context, model: Path | None) -> Any:
    from nlu.artifacts import ModelLoadError, load_model

    try:
        return load_model(model or model_path(ctx))
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from exc


def _lines(text: str | None, file: TextIO | None) -> Iterator[str]:
    if text is not None:
        yield text
        return
    stream = file or sys.stdin
    for line in stream:
        yield line.rstrip("\r\n")


@nlu.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="One message per line ('-' = stdin).",
)
@click.option("--model", type=click.Path(path_type=Path, dir_okay=False), help="Model file.")
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help="Reference date for relative dates."
)
@click.pass_context
def parse(ctx: click.Context, text: str | None, file: Any, model: Path | None, today: Any) -> None:
    """Parse TEXT (or each line of --file / stdin); print JSON Lines in Rasa's parse format."""
    loaded = _load(ctx, model)
    ref: date | None = today.date() if today else None
    for line in _lines(text, file):
        click.echo(json.dumps(loaded.parse(line, today=ref), ensure_ascii=False))


@nlu.command()
@_data_option
@click.option(
    "--test",
    "test_file",
    type=click.Path(path_type=Path),
    help="Train on --data, test on this file.",
)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option(
    "--part",
    type=click.Choice(["intent", "risk", "all"]),
    default="intent",
    show_default=True,
    help="risk: held-out recall / false alarms of risk detection (lexicon + risk model).",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Report folder.",
)
@_with_config_options
@click.pass_context
def evaluate(
    ctx: click.Context,
    data: tuple[Path, ...],
    test_file: Path | None,
    folds: int,
    part: str,
    report_dir: Path | None,
    config: Path | None,
    userdict: Path | None,
    lexicon: Path | None,
) -> None:
    """Cross-validate (or train/test) and write report.json, confusion PNG, errors, diff;
    ``--part risk``: held-out risk figures in risk.json."""
    directory = report_dir or data_dir(ctx).parent / "reports" / "nlu"
    if part in ("risk", "all"):
        _evaluate_risk(ctx, directory, userdict, lexicon)
    if part == "risk":
        return
    from nlu.data import DataError, data_hash
    from nlu.evaluate import build_report, cross_validate, predict, write_report
    from nlu.training import train_model

    examples = _load_examples(ctx, data)
    cfg, udict, _lex = _train_inputs(ctx, config, userdict, lexicon)
    started = time.perf_counter()
    try:
        if test_file:
            tests = _load_examples(ctx, (test_file,))
            model = train_model(examples, cfg, userdict=udict, progress=progress)
            report = build_report(predict(model, tests), "train-test", model.threshold)
        else:
            report = build_report(
                cross_validate(examples, cfg, folds, userdict=udict, progress=progress),
                f"cv{folds}",
            )
    except DataError as exc:
        raise click.ClickException(f"training data: {exc}") from exc
    report["data_hash"] = data_hash(examples)
    report["seconds"] = round(time.perf_counter() - started, 2)
    paths = write_report(report, directory)
    _print_summary(report)
    click.echo(f"report: {paths['report']}  confusion matrix: {paths['confusion']}")


def _evaluate_risk(
    ctx: click.Context, directory: Path, userdict: Path | None, lexicon: Path | None
) -> None:
    from nlu.risk.evaluate import evaluate_risk, summary_lines, write_risk_report
    from nlu.sensitive import SensitiveMatcher
    from nlu.training import build_tokenizer

    cfg, udict, lex = _train_inputs(ctx, None, userdict, lexicon)
    data = _risk_data(ctx)
    if data is None:
        raise click.ClickException(f"risk data: no {data_dir(ctx) / 'risk' / 'thresholds.yml'}")
    progress(f"risk: {len(data.examples)} examples, 5 held-out splits")
    # The tokenizer the shipped model would have (built from the intent examples).
    tokenizer = build_tokenizer(_load_examples(ctx, ()), udict, cfg)
    report = evaluate_risk(data, SensitiveMatcher(lex or {"categories": {}}), tokenizer)
    for line in summary_lines(report):
        click.echo(line)
    click.echo(f"risk report: {write_risk_report(report, directory)}")


def _print_summary(report: dict[str, Any]) -> None:
    click.echo(f"{'intent':32} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}")
    for name in report["labels"]:
        row = report["intents"][name]
        click.echo(
            f"{name:32} {row['precision']:6.3f} {row['recall']:6.3f} "
            f"{row['f1-score']:6.3f} {int(row['support']):5d}"
        )
    click.echo(
        f"accuracy {report['accuracy']:.4f}  macro-F1 {report['macro_f1']:.4f}  "
        f"misclassified {len(report['misclassified'])}/{report['n_examples']}"
    )
    if "diff" in report and "macro_f1" in report["diff"]:
        click.echo(f"vs previous report: macro-F1 {report['diff']['macro_f1']:+.4f}")


@nlu.command()
@click.option("--model", type=click.Path(path_type=Path, dir_okay=False), help="Model file.")
@_data_option
@click.option("-n", "--messages", "n", type=click.IntRange(min=10), default=5000, show_default=True)
@click.option("--warmup", type=click.IntRange(min=0), default=500, show_default=True)
@click.pass_context
def bench(
    ctx: click.Context, model: Path | None, data: tuple[Path, ...], n: int, warmup: int
) -> None:
    """Print parse latency p50/p99, throughput, model load time and peak memory."""
    from nlu.bench import BenchError, run_benchmark

    texts = [e.text for e in _load_examples(ctx, data)]
    try:
        figures = run_benchmark(model or model_path(ctx), texts, n, warmup, progress=progress)
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    for key, value in figures.items():
        click.echo(f"{key:28} {value}")
