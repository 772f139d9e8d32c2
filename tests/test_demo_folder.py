"""`--demo` (issue #15): a throw-away folder that is gone after the window closes, or the folder
given with `--data-dir`, which stays."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def window_open(log: Path) -> bool:
    return log.is_file() and "window open on" in log.read_text(encoding="utf-8")


def start_demo(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path / "tmp"),
           "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    (tmp_path / "tmp").mkdir()
    return subprocess.Popen([sys.executable, "main.py", "--demo", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def close(window: subprocess.Popen[str]) -> str:
    window.send_signal(signal.SIGTERM)
    _out, err = window.communicate(timeout=120)
    assert window.returncode == 0, err
    return err


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal")
def test_the_demo_folder_is_removed_when_the_window_closes(tmp_path: Path) -> None:
    window = start_demo(tmp_path)
    try:
        wait_for(lambda: any(window_open(folder / "logs" / "stammkunde.log")
                             for folder in (tmp_path / "tmp").glob("stammkunde-demo-*")),
                 "the demo window")
        [folder] = (tmp_path / "tmp").glob("stammkunde-demo-*")
        assert (folder / "stammkunde.sqlite3").is_file()
        close(window)
    finally:
        window.kill()
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal")
def test_the_demo_fills_the_data_dir_it_is_given_and_leaves_it(tmp_path: Path) -> None:
    data = tmp_path / "vorfuehrung"
    window = start_demo(tmp_path, "--data-dir", str(data))
    try:
        wait_for(lambda: window_open(data / "logs" / "stammkunde.log"), "the demo window")
        close(window)
    finally:
        window.kill()
    assert (data / "stammkunde.sqlite3").is_file() and (data / "Demo-Mailing.pdf").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []
