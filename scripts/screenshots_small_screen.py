"""Render "Heute" with 3,000 demo customers and the customer view as a 1366×768 laptop shows
them: `python scripts/screenshots_small_screen.py` (offscreen; PNGs in docs/images/).

A composition root like scripts/screenshots.py, whose set-up it shares: a throw-away demo
database (seed 7), temporary Qt settings, "Ich bin" set to the demo's first staff member,
and the windows at the size they open with on a 1366×768 screen with a 40 px task bar.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QFont, QFontDatabase
from screenshots import FEATURED_KEY, ROOT, settle  # the sibling script sets up sys.path

from app.db import open_database
from app.services.clock import SystemClock
from app.services.container import Services
from app.services.demo import dataset as demo
from app.services.demo.showcase import populate
from app.ui.application import create_application
from app.ui.context import AppContext, ChangeBus
from app.ui.customers.customer_view import CustomerView
from app.ui.main_window import MainWindow
from app.ui.preferences import set_staff_name
from app.ui.screen_fit import SMALL_SCREENS, fitted_size
from app.ui.tasks import TaskRunner

OUT = ROOT / "docs" / "images"
LAPTOP = SMALL_SCREENS[0]  # 1366×768 without the task bar
CUSTOMERS = 3000


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="stammkunde-small-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(workdir / "qsettings"))
    app = create_application(sys.argv[:1])
    for font in sorted((ROOT / "resources" / "fonts").glob("DejaVuSans*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    app.setFont(QFont("DejaVu Sans", 9))
    db = open_database(f"sqlite:///{workdir / 'demo.sqlite3'}")
    try:
        services = Services.build(db, SystemClock())
        result = populate(services, customers=CUSTOMERS, seed=7)
        set_staff_name(demo.STAFF[0])
        context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                             data_dir=workdir, log_file=workdir / "demo.log")
        window = MainWindow(context)
        window.setProperty(FEATURED_KEY, result.featured)
        window.resize(fitted_size(QSize(1280, 800), LAPTOP))
        window.statusBar().showMessage("Datenbank: stammkunde.sqlite3 (Demodaten)")
        window.show()
        OUT.mkdir(parents=True, exist_ok=True)
        today = window.show_page("today")
        settle(window)
        tree = today.due_view  # type: ignore[attr-defined]
        dormant = next(item for item in tree.top_items() if item.text(2).startswith(
            "Schlafender Kunde"))
        tree.expandItem(dormant)
        tree.scrollToItem(dormant, tree.ScrollHint.PositionAtTop)
        tree.setCurrentItem(dormant.child(0))
        window.grab().save(str(OUT / "today-3000.png"))
        print(OUT / "today-3000.png")
        view = window.page("customers").open_customer(result.featured)  # type: ignore[attr-defined]
        assert isinstance(view, CustomerView)
        view.resize(fitted_size(QSize(1100, 720), LAPTOP))
        view.show_class_reason()
        settle(window)
        view.grab().save(str(OUT / "customer-view-1366x768.png"))
        print(OUT / "customer-view-1366x768.png")
        view.close()
        window.close()
        context.tasks.wait()
    finally:
        db.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
