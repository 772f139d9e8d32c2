"""Measured in its own process: start-up to a shown main window with the first list page.

Prints one JSON object: cold_start_s (from process creation to the painted window),
first_page_ms (the customer list model reloaded and its first 40 rows fetched, as a view
paints them), peak_rss_mb.
"""

from __future__ import annotations

import json
import os
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
from bench.memory import peak_rss_mb  # noqa: E402


def process_created() -> float:
    """When this process started, as a `time.time()` value.

    psutil's `create_time()` adds the start tick to /proc/stat's `btime`, which Linux rounds
    down to whole seconds, so it is up to a second early and start-up looked up to a second
    slower. /proc/uptime has centiseconds: now minus the time elapsed since the start tick.
    """
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return psutil.Process().create_time()
    return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))


def measure(db_path: str) -> dict[str, float]:
    created = process_created()
    paths, url = resolve(data_dir=None, db=db_path)
    app = create_application()
    with main.opened(url, paths, lock=False) as services:
        context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                             data_dir=paths.data_dir, log_file=paths.log_file)
        window = MainWindow(context)
        window.show()
        app.processEvents()
        cold_start = time.time() - created
        model = window.show_page("customers").model  # type: ignore[attr-defined]
        started = time.perf_counter()
        model.reload()  # the ids in list order, then what a view paints: the first rows
        for row in range(min(40, model.rowCount())):
            for column in range(model.columnCount()):
                model.data(model.index(row, column))
        first_page_ms = (time.perf_counter() - started) * 1000
        window.close()
        context.tasks.wait()
    return {"cold_start_s": round(cold_start, 3), "first_page_ms": round(first_page_ms, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
