"""`make run` (scripts/run.sh): the web server and the worker live and die together."""

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its parent has not read its status yet.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_the_worker_stops_when_the_web_server_stops(tmp_path):
    """Each manage.py command is a stand-in that records its pid and arguments, then waits."""
    log = tmp_path / "commands.log"
    stand_in = tmp_path / "python"
    stand_in.write_text('#!/bin/bash\necho "$$ $*" >> "$LOG"\nexec sleep 60\n')
    stand_in.chmod(0o755)
    script = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env={**os.environ, "PY": str(stand_in), "PORT": "8765", "LOG": str(log)},
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(_lines(log)) < 2:
            time.sleep(0.05)
        commands = {args: int(pid) for pid, args in (line.split(" ", 1) for line in _lines(log))}
        assert set(commands) == {"manage.py worker", "manage.py runserver 127.0.0.1:8765"}
        worker, web = (
            commands["manage.py worker"],
            commands["manage.py runserver 127.0.0.1:8765"],
        )
        assert _alive(worker) and _alive(web)

        os.kill(web, 15)  # the web server stops (a crash, a kill, Ctrl+C)
        script.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        script.kill()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
