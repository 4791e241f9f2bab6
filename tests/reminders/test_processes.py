"""Reminder runs in real processes: one killed in the middle and started again, and two
workers on one Redis running the daily job at once. Each planned message must be
written, queued and delivered exactly once.

The processes (tests/reminders/processes.py) work on a SQLite data directory of their
own, whatever database the rest of the suite uses: what is tested is the run surviving
a kill and a second worker, not the database.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SOLDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CUSTOMERS = 1500  # three sending transactions of 500 customers


def env_for(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLDE_")}
    return {**env, "SOLDE_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra}


def call(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.reminders.processes", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def reminders_written(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "solde.sqlite3", timeout=5) as db:
        return db.execute("SELECT count(*) FROM reminders_reminder").fetchone()[0]


@pytest.fixture
def company_dir(tmp_path):
    env = env_for(tmp_path)
    call(env, "setup", str(CUSTOMERS))
    return tmp_path, env


def test_a_run_killed_in_the_middle_and_run_again_sends_each_message_once(company_dir):
    data_dir, env = company_dir
    planned = int(call(env, "plan"))
    assert planned == CUSTOMERS  # one message per customer for its two invoices

    run = subprocess.Popen(
        [sys.executable, "-m", "tests.reminders.processes", "run"], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 240
    while reminders_written(data_dir) == 0 and time.monotonic() < deadline:
        assert run.poll() is None, "the run ended before it could be killed"
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    partial = reminders_written(data_dir)
    assert 0 < partial < planned, "killed once some chunks were written, before all were"

    call(env, "run")
    assert int(call(env, "deliver")) == planned
    counts = json.loads(call(env, "counts"))
    assert counts == {
        "reminders": planned,
        "emails": planned,
        "sent": planned,
        "lines": 2 * planned,
        "reminded_twice": 0,
    }
    eml = list((data_dir / "outbox").glob("*.eml"))
    assert len(eml) == planned


def test_two_workers_on_one_redis_run_the_daily_job_once(company_dir):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    data_dir, env = company_dir
    env = {**env, "SOLDE_REDIS_URL": REDIS_URL}
    client.flushdb()
    planned = int(call(env, "plan"))
    call(env, "enqueue", "2")  # as two schedulers would: the same job twice
    workers = [
        subprocess.Popen([sys.executable, "-m", "solde", "worker"], cwd=ROOT, env=env)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            counts = json.loads(call(env, "counts"))
            if counts["sent"] >= planned:
                break
            time.sleep(1)
        time.sleep(2)  # anything still running would write now
        counts = json.loads(call(env, "counts"))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        client.flushdb()
    assert counts == {
        "reminders": planned,
        "emails": planned,
        "sent": planned,
        "lines": 2 * planned,
        "reminded_twice": 0,
    }
