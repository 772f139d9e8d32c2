"""Fault injection for crash tests: the process dies at a named point, like a power cut.

`STAMMKUNDE_KILL_AT=restore:prepared python main.py restore …` kills the process with SIGKILL
when it reaches `point("restore:prepared")`; without the variable a point does nothing. The
points sit in the crash windows that a guarantee depends on, so a test can kill exactly there
instead of hoping a random kill lands there.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "STAMMKUNDE_KILL_AT"


def point(name: str) -> None:
    if os.environ.get(VARIABLE) != name:
        return
    kill = getattr(signal, "SIGKILL", None)
    if kill is None:  # Windows
        os._exit(137)
    os.kill(os.getpid(), kill)
