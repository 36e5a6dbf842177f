"""Print Rasa 3.6.21's requirements as this project installs them on Python 3.11 (run with the
Rasa venv's python after ``pip install --no-deps rasa==3.6.21``; stdlib and pip only).

Rasa's markers stop at Python 3.10, so they are evaluated as on 3.10.

Rasa declares Python < 3.11 and pins packages that have no 3.11 wheels; these pins (from the
issue that tried it) install and run: numpy 1.23.5, scipy 1.10.1, scikit-learn 1.1.3,
aiohttp 3.9.5, and matplotlib >=3.6,<3.8 instead of Rasa's <3.6."""

from __future__ import annotations

from importlib.metadata import requires

from pip._vendor.packaging.requirements import Requirement

PINS = {"numpy": "numpy==1.23.5", "scipy": "scipy==1.10.1", "scikit-learn": "scikit-learn==1.1.3",
        "aiohttp": "aiohttp==3.9.5", "matplotlib": "matplotlib>=3.6,<3.8"}
AS_ON = {"python_version": "3.10", "python_full_version": "3.10.12", "extra": ""}


def main() -> None:
    seen: set[str] = set()
    for line in requires("rasa") or []:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(AS_ON):
            continue
        name = requirement.name.lower()
        if name in seen:
            continue
        seen.add(name)
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        print(PINS.get(name, f"{requirement.name}{extras}{requirement.specifier}"))


if __name__ == "__main__":
    main()
