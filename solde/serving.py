"""`solde serve` (gunicorn and a Huey consumer together) and `solde worker`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _prepare(args) -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    if getattr(args, "demo", False):
        from solde.companies.models import Company
        from solde.demo import demo_create

        if not Company.objects.filter(slug="demo").exists():
            print("Creating the demo company (about a minute)…", flush=True)
            demo_create(slug="demo")
        print("Demo company: sign in as demo@solde.test / demo-solde", flush=True)


def _run_together(commands: list[list[str]]) -> int:
    """Start the processes; stop them all when one ends or on SIGINT/SIGTERM."""
    processes = [subprocess.Popen(command) for command in commands]

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return max((process.returncode or 0) for process in processes)


def serve_cmd(args) -> int:
    _prepare(args)
    print(f"Solde on http://{args.host}:{args.port}/ (API: /api/v1/, docs: /api/docs/)", flush=True)
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "solde.config.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    worker = [sys.executable, "-m", "solde", "worker"]
    return _run_together([web, worker])


def worker_cmd(args) -> int:
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    call_command("run_huey", workers=2, worker_type="thread")
    return 0
