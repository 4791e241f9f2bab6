"""The `solde` command run as a user runs it: a fresh data directory, a real process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def solde(tmp_path):
    env = {**os.environ, "SOLDE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("SOLDE_DATABASE_URL", None)

    def run(*args, stdin: str | None = None, check: bool = True):
        done = subprocess.run(
            [sys.executable, "-m", "solde", "--today", "2026-11-20", *args],
            capture_output=True,
            text=True,
            env=env,
            input=stdin,
            cwd=tmp_path,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"solde {' '.join(args)} → {done.returncode}\n{done.stderr}")
        return done

    return run
