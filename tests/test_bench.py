"""The benchmark still works: its smoke mode (one target, one repetition), not a measurement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke_mode_reports_every_figure(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "bench.py", "--smoke", "--out", report], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text()
    for figure in (
        "wheel size ratio",
        "cold full-matrix build",
        "rebuild with nothing changed",
        "rebuild after a one-line Go edit",
        "a bare go build",
        "installed command",
        "python -m",
        "get_binary_path",
    ):
        assert figure in text, figure
    assert "| linux/amd64 |" in text
