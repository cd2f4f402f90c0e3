"""Crash safety, end to end: bench/load.py serves the application with gunicorn, runs concurrent
quote conversations, kills the server with SIGKILL in the middle and starts it again on the same
database. What the clients were told must hold: every reference they received is stored exactly
once, the database is intact, and conversations open at the crash carry on to their reference."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_a_kill_9_under_load_loses_no_confirmed_request():
    done = subprocess.run(
        [sys.executable, str(BENCH / "load.py"), "--seconds", "10", "--crash", "4", "--clients", "4", "--json"],
        capture_output=True,
        text=True,
        cwd=BENCH,
        timeout=300,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert result["integrity"] == "ok" and result["confirmed"] > 0
    assert result["confirmed_missing"] == 0 and result["duplicate_keys"] == 0
    assert result["server_errors"] == 0 and result["broken"] == 0
    assert result["crash"]["down_s"] > 0 and result["spanning"] >= 1
    assert result["spanning_done"] == result["spanning"]
