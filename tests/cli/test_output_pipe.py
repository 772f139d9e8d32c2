"""A command whose output is piped into `head` ends quietly, not with "Unerwarteter Fehler"
(issue 16, point 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_output_cut_short_by_the_reader_is_not_an_unexpected_error(tmp_path: Path) -> None:
    db = tmp_path / "kunden.sqlite3"
    subprocess.run([sys.executable, "main.py", "--db", str(db), "demo", "--customers", "300"],
                   cwd=ROOT, check=True, capture_output=True, timeout=180)
    reader = subprocess.Popen(
        [sys.executable, "main.py", "--db", str(db), "search", "", "--json", "--limit", "300"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline()
    reader.stdout.close()  # like `head -1`
    assert reader.stderr is not None
    err = reader.stderr.read()
    reader.stderr.close()
    assert reader.wait(timeout=120) == 0, err
    assert "Unerwarteter Fehler" not in err and "BrokenPipe" not in err
