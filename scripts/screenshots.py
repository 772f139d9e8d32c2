"""Render the README screenshots offscreen from demo data: `python scripts/screenshots.py`.

A composition root like main.py (so it may open the database itself): a throw-away demo
database (seed 7, 300 customers), the real main window at 1280×800, and one PNG per entry
of `SHOTS`. Add a shot by appending `(file name, function)`; the function gets the window
and returns the widget to grab.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QFont, QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.db import open_database  # noqa: E402
from app.services import demo  # noqa: E402
from app.services.clock import SystemClock  # noqa: E402
from app.services.container import Services  # noqa: E402
from app.ui.application import create_application  # noqa: E402
from app.ui.context import AppContext, ChangeBus  # noqa: E402
from app.ui.customers.customer_view import CustomerView  # noqa: E402
from app.ui.customers.list_page import CustomerListPage  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.preferences import set_staff_name  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
VIEW_SIZE = (980, 700)


def settle() -> None:
    """Let layouts and paints finish before grabbing."""
    for _ in range(5):
        QApplication.processEvents()


def main_window(window: MainWindow) -> QWidget:
    return window


def _business_customer(window: MainWindow) -> CustomerView:
    """A company with several contact persons and some history: the richest example."""
    services = window.context.services
    page = window.page("customers")
    assert isinstance(page, CustomerListPage)
    best = max((row for row in services.customers.search("", limit=300) if row.company),
               key=lambda row: (bool(row.email and row.phone),
                                len(services.customers.get(row.id).contacts),
                                len(services.timeline.entries(row.id))))
    view = page.open_customer(best.id)
    assert isinstance(view, CustomerView)
    view.resize(*VIEW_SIZE)
    return view


def customer_view(window: MainWindow) -> QWidget:
    view = _business_customer(window)
    view.tabs.setCurrentIndex(0)
    return view


def customer_contacts(window: MainWindow) -> QWidget:
    view = _business_customer(window)
    assert view.contacts is not None
    view.tabs.setCurrentWidget(view.contacts)
    return view


def customer_timeline(window: MainWindow) -> QWidget:
    view = _business_customer(window)
    assert view.timeline is not None
    view.tabs.setCurrentWidget(view.timeline)
    return view


SHOTS: list[tuple[str, Callable[[MainWindow], QWidget]]] = [
    ("main-window.png", main_window),
    ("customer-view.png", customer_view),
    ("customer-contacts.png", customer_contacts),
    ("customer-timeline.png", customer_timeline),
]


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="stammkunde-shots-"))
    app = create_application(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's own settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(workdir / "qsettings"))
    for font in sorted((ROOT / "resources" / "fonts").glob("DejaVuSans*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    app.setFont(QFont("DejaVu Sans", 9))
    db = open_database(f"sqlite:///{workdir / 'demo.sqlite3'}")
    try:
        services = Services.build(db, SystemClock())
        demo.fill(db, services.clock, customers=300, seed=7)
        services.settings.set_staff(list(demo.STAFF))
        set_staff_name(demo.STAFF[0])
        context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                             user="demo", data_dir=workdir, log_file=workdir / "demo.log")
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        OUT.mkdir(parents=True, exist_ok=True)
        for name, shoot in SHOTS:
            widget = shoot(window)
            widget.show()
            settle()
            widget.grab().save(str(OUT / name))
            print(OUT / name)
            if widget is not window:
                widget.close()
        window.close()
        context.tasks.wait()
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
