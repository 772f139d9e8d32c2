"""Measured in its own process: start-up to a shown main window with the first list page.

Prints one JSON object: cold_start_s (from process creation), first_page_ms (list model
reset to its first rows fetched), peak_rss_mb.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import psutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import main  # noqa: E402
from app.paths import resolve  # noqa: E402
from app.ui.application import create_application  # noqa: E402
from app.ui.context import AppContext, ChangeBus  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402


def measure(db_path: str) -> dict[str, float]:
    created = psutil.Process().create_time()
    paths, url = resolve(data_dir=None, db=db_path)
    app = create_application()
    with main.opened(url, paths, lock=False) as services:
        context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                             user="bench", data_dir=paths.data_dir, log_file=paths.log_file)
        window = MainWindow(context)
        window.show()
        app.processEvents()
        cold_start = time.time() - created
        page = window.page("customers")
        started = time.perf_counter()
        page.reload()  # type: ignore[attr-defined]
        app.processEvents()
        first_page_ms = (time.perf_counter() - started) * 1000
        window.close()
        context.tasks.wait()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"cold_start_s": round(cold_start, 3), "first_page_ms": round(first_page_ms, 1),
            "peak_rss_mb": round(peak_kb / 1024, 1)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
