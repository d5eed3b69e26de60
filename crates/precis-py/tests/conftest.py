"""Fixtures of the precis Python tests: the CLI to compare with, the repo's
example articles, ../shared data and the downloaded models.

Data and models that are absent skip their tests with a notice, except
under CI (`CI` set), which fetches the models first: there a missing model
fails."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
TIMINGS = "timings"


def shared_dir() -> Path | None:
    """`../shared` (or $PRECIS_SHARED_DIR), when this machine has it."""
    path = Path(os.environ.get("PRECIS_SHARED_DIR", REPO.parent / "shared"))
    return path if path.is_dir() else None


def require_shared(relative: str) -> Path:
    root = shared_dir()
    if root is None or not (root / relative).exists():
        pytest.skip(f"notice: ../shared/{relative} is absent; skipping the check that needs it")
    return root / relative


def require_model(folder: str) -> Path:
    path = REPO / "models" / "downloads" / folder
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"models/downloads/{folder} is missing in CI: run `just models` first")
        pytest.skip(f"notice: models/downloads/{folder} is absent (run `just models`)")
    return path


def precis_bin() -> str:
    default = REPO / "target" / "release" / "precis"
    path = Path(os.environ.get("PRECIS_BIN", default))
    if not path.is_file():
        pytest.fail(f"no precis binary at {path}: set PRECIS_BIN (scripts/python_tests.sh does)")
    return str(path)


def cli(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs the precis CLI from the repository root, as the tests' Python runs."""
    return subprocess.run(
        [precis_bin(), "--quiet", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=check,
    )


def cli_json(*args: str | Path) -> Any:
    """One article's JSON record."""
    return json.loads(cli(*args, "--format", "json").stdout)


def cli_json_lines(*args: str | Path, check: bool = True) -> list[dict[str, Any]]:
    """Several articles' records, one a line."""
    out = cli(*args, "--format", "json", check=check).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def without(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in keys}


def without_timings(record: dict[str, Any]) -> dict[str, Any]:
    return without(record, TIMINGS)


@pytest.fixture(autouse=True)
def run_from_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI runs from the repository root; so does precis here, so both
    find models/downloads and name sources alike. No test reaches the
    network: the model registry is a closed local port, as in the e2e suite."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PRECIS_REGISTRY_URL", "http://127.0.0.1:9/v1")


EXAMPLES = sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "examples").iterdir() if p.is_file()
)
