"""A read-only data folder is a clear German message on the command line and in the window,
never a traceback (issue 16, point 10). As root every folder is writable, so the program then
runs as the unprivileged user `nobody`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AS_NOBODY = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
             if os.geteuid() == 0 else [])
# Closes the start-up message box and prints its text, so the window's answer can be read.
WINDOW = """
import sys, main
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui.application import create_application
app = create_application()
def close():
    box = QApplication.activeModalWidget()
    if box is None:
        QTimer.singleShot(20, close)
        return
    print("FENSTER:", box.text())
    box.accept()
QTimer.singleShot(0, close)
sys.exit(main.main(sys.argv[1:]))
"""


@pytest.fixture
def read_only_data() -> Iterator[Path]:
    """A data folder with a database in it, then made read-only (outside the root-only
    pytest folder, so that `nobody` can reach it)."""
    folder = Path(tempfile.mkdtemp(prefix="stammkunde-ro-"))
    subprocess.run([sys.executable, "main.py", "--data-dir", str(folder), "demo",
                    "--customers", "3"], cwd=ROOT, check=True, capture_output=True)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def run(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = ["-c", code, *args] if code else ["main.py", *args]
    return subprocess.run([*AS_NOBODY, sys.executable, *command], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_a_command_on_a_read_only_data_folder_exits_2_with_a_german_message(
    read_only_data: Path,
) -> None:
    done = run("--data-dir", str(read_only_data), "check")
    assert done.returncode == 2
    assert "schreibgeschützt" in done.stderr and str(read_only_data) in done.stderr
    assert "Traceback" not in done.stderr


def test_the_window_on_a_read_only_data_folder_shows_the_message_instead_of_nothing(
    read_only_data: Path,
) -> None:
    done = run("--data-dir", str(read_only_data), code=WINDOW)
    assert done.returncode == 2, done.stderr
    assert "FENSTER:" in done.stdout and "schreibgeschützt" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_database_in_a_read_only_folder_is_refused_even_with_the_logs_elsewhere(
    read_only_data: Path,
) -> None:
    logs = Path(tempfile.mkdtemp(prefix="stammkunde-logs-"))
    logs.chmod(0o777)
    try:
        done = run("--db", str(read_only_data / "stammkunde.sqlite3"), "--data-dir", str(logs),
                   "check")
    finally:
        shutil.rmtree(logs)
    assert done.returncode == 2
    assert "schreibgeschützt" in done.stderr and "Traceback" not in done.stderr
