"""An installed wheel carries everything the product reads at run time."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _tracked(*folders: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", *folders], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if line]


def test_every_template_and_training_file_is_installed_as_data() -> None:
    patterns = [p for globs in CONFIG["data-files"].values() for p in globs]
    missing = [f for f in _tracked("templates", "training_data")
               if not any(fnmatch.fnmatchcase(f, p) and "/" not in f[len(p.rsplit("/", 1)[0]) + 1:]
                          for p in patterns)]
    assert missing == [], "add these folders to [tool.setuptools.data-files]"


def test_non_python_files_inside_packages_are_package_data() -> None:
    package_data = CONFIG["package-data"]
    missing = []
    for path in _tracked("bot", "handoff"):
        if path.endswith(".py"):
            continue
        folder, name = path.rsplit("/", 1)
        parts = folder.split("/")
        covered = any(
            ".".join(parts[:i]) in package_data
            and any(fnmatch.fnmatchcase("/".join([*parts[i:], name]), p)
                    for p in package_data[".".join(parts[:i])])
            for i in range(1, len(parts) + 1)
        )
        if not covered:
            missing.append(path)
    assert missing == []
