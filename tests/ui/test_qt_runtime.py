"""The Qt runtime itself: the PySide6 refcount crash stays away, and real glyphs render."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

STRESS = textwrap.dedent("""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    class Source(QObject):
        ping = Signal(bool)
        nothing = Signal(object)

    app = QApplication([])
    source = Source()
    seen = []
    source.ping.connect(seen.append)
    source.nothing.connect(seen.append)
    for i in range(5000):
        source.ping.emit(i % 2 == 0)
        source.nothing.emit(None)
    for _ in range(6000):
        app.processEvents()
    assert len(seen) == 10000
    print("survived")
""")


def test_thousands_of_signals_and_event_loops_do_not_crash_the_process() -> None:
    """PySide6 6.12.0 on Python 3.11 aborts here with bool_dealloc / none_dealloc (PITFALLS)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


def test_a_real_font_renders_german_text(qapp: QApplication) -> None:
    """Without any font Qt warns about nothing and every glyph is a box."""
    families = QFontDatabase.families()
    assert families
    info = QFontInfo(qapp.font())
    assert info.family() in families
    metrics = QFontMetrics(qapp.font())
    for char in "AZaz09äöüÄÖÜß€–„“":
        assert metrics.inFontUcs4(ord(char)), char  # inFont(str) mis-converts non-ASCII
    assert metrics.horizontalAdvance("Müller") > metrics.horizontalAdvance("M")
