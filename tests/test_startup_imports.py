"""Start-up stays light: the heavy libraries load only when a feature needs them (issue 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "reportlab", "openpyxl", "vobject", "icalendar", "schwifty",
         "segno", "svglib")


def test_importing_main_loads_none_of_the_heavy_libraries() -> None:
    code = ("import json, sys, main; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []

