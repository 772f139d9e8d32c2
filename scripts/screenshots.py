"""Render the README screenshots offscreen from demo data: `python scripts/screenshots.py`.

A composition root like main.py (so it may open the database itself): a throw-away
database filled by `demo_showcase.populate` (seed 7, 300 customers), the real main window
at 1280×800, and one PNG per entry of `SHOTS` in docs/screenshots/. QSettings go to the
temporary folder, so the user's own window layout stays untouched. Add a shot by appending
`(file name, function)`; the function gets the window and returns the widget to grab.
With poppler's `pdftoppm` installed, the first page of a letter and a voucher PDF are
rendered as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QSize  # noqa: E402
from PySide6.QtGui import QFont, QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.db import open_database  # noqa: E402
from app.services.clock import SystemClock  # noqa: E402
from app.services.container import Services  # noqa: E402
from app.services.demo import dataset as demo  # noqa: E402
from app.services.demo.showcase import populate  # noqa: E402
from app.services.loyalty import pdf as loyalty_pdf  # noqa: E402
from app.ui.application import create_application  # noqa: E402
from app.ui.context import AppContext, ChangeBus  # noqa: E402
from app.ui.customers.customer_view import CustomerView  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.preferences import set_staff_name  # noqa: E402
from app.ui.settings_dialog import SettingsDialog  # noqa: E402
from app.ui.setup.wizard import SetupWizard  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
IMAGES = ROOT / "docs" / "images"
SIZE = (1280, 800)
FEATURED_KEY = "featured_customer"


def settle(window: MainWindow) -> None:
    """Let background tasks, layouts and paints finish before grabbing."""
    for _ in range(4):
        QApplication.processEvents()
        window.context.tasks.wait()
        QApplication.processEvents()


def page(key: str) -> Callable[[MainWindow], QWidget]:
    def show(window: MainWindow) -> QWidget:
        window.show_page(key)
        return window

    return show


def _business_customer(window: MainWindow) -> CustomerView:
    """The demo's featured company: contacts, sales, history, a card, a voucher, feedback."""
    featured = window.property(FEATURED_KEY)
    window.show_page("customers")
    view = window.page("customers").open_customer(featured)  # type: ignore[attr-defined]
    assert isinstance(view, CustomerView)
    view.resize(*SIZE)
    return view


def customer_view(window: MainWindow) -> QWidget:
    view = _business_customer(window)
    view.tabs.setCurrentIndex(0)
    return view


def customer_sales(window: MainWindow) -> QWidget:
    """The Umsätze tab: purchases, totals and why the customer is in class A."""
    view = _business_customer(window)
    view.tabs.setCurrentWidget(view.extra_tabs["sales"])
    return view


def customer_timeline(window: MainWindow) -> QWidget:
    view = _business_customer(window)
    assert view.timeline is not None
    view.tabs.setCurrentWidget(view.timeline)
    return view


def letters(window: MainWindow) -> QWidget:
    letters_page = window.show_page("letters")
    templates = letters_page.templates  # type: ignore[attr-defined]
    row = next(i for i in range(templates.list.count())
               if templates.list.item(i).text().startswith("Wartungserinnerung"))
    templates.list.setCurrentRow(row)
    return window


def vouchers(window: MainWindow) -> QWidget:
    """Gutscheine with a partly redeemed voucher looked up, as at the counter."""
    vouchers_page = window.show_page("vouchers")
    partly = next((v for v in window.context.services.vouchers.listing(status="valid")
                   if v.kind == "value" and 0 < v.remaining_cents < v.value_cents), None)
    if partly is not None:
        vouchers_page.scan.setText(partly.display_code)  # type: ignore[attr-defined]
        vouchers_page.lookup()  # type: ignore[attr-defined]
    return window


def class_settings(window: MainWindow) -> QWidget:
    """Einstellungen → Klassen after "Jetzt neu berechnen", with the summary in words."""
    dialog = SettingsDialog(window.context, window)
    page = dialog.pages["classes"]
    dialog.tabs.setCurrentWidget(page)
    page.recompute_now()  # type: ignore[attr-defined]
    return dialog


SHOTS: list[tuple[str, Callable[[MainWindow], QWidget]]] = [
    ("main-window.png", page("customers")),
    ("today.png", page("today")),
    ("customer-view.png", customer_view),
    ("customer-sales.png", customer_sales),
    ("customer-timeline.png", customer_timeline),
    ("dashboard.png", page("dashboard")),
    ("vouchers.png", vouchers),
    ("letters.png", letters),
    ("privacy.png", page("privacy")),
    ("settings-classes.png", class_settings),
]


def setup_wizard(window: MainWindow) -> QWidget:
    """The set-up assistant's first page: the letterhead and its live letter preview."""
    wizard = SetupWizard(window.context, window)
    wizard.resize(1000, 680)
    return wizard


def render_pdfs(services: Services, workdir: Path) -> None:
    """A letter and a voucher, page one as PNG (needs pdftoppm from poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        print("pdftoppm fehlt (poppler-utils): letter.png und voucher.png übersprungen")
        return
    template = services.letters.by_name("Wartungserinnerung")
    number = next(row.number for row in services.customers.search("", limit=50)
                  if not row.company and row.street)
    letter_pdf = workdir / "letter.pdf"
    services.letters.write_letter(template.id, customer_number=number, out=letter_pdf,
                                  by=demo.STAFF[1])
    voucher = next(v for v in services.vouchers.listing(status="valid")
                   if v.kind == "value" and v.customer_id)
    voucher_pdf = workdir / "voucher.pdf"
    loyalty_pdf.voucher_pdf([voucher], voucher_pdf,
                            company=services.settings.get("company_profile", {}))
    for pdf, name, dpi in ((letter_pdf, "letter", 70), (voucher_pdf, "voucher", 110)):
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(OUT / name)], check=True)
        print(OUT / f"{name}.png")


@contextmanager
def demo_window(prefix: str, *, customers: int, size: QSize,
                **populate_options: object) -> Iterator[tuple[MainWindow, Services]]:
    """The real main window on a throw-away demo database (seed 7), shown at `size`, with
    QSettings in the temporary folder (never the user's own) and "Ich bin" set to the demo's
    first staff member; everything is removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(workdir / "qsettings"))
    app = QApplication.instance() or create_application(sys.argv[:1])
    for font in sorted((ROOT / "resources" / "fonts").glob("DejaVuSans*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    cast(QApplication, app).setFont(QFont("DejaVu Sans", 9))
    db = open_database(f"sqlite:///{workdir / 'demo.sqlite3'}")
    try:
        services = Services.build(db, SystemClock())
        result = populate(services, customers=customers, seed=7, **populate_options)
        set_staff_name(demo.STAFF[0])
        context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                             data_dir=workdir, log_file=workdir / "demo.log")
        window = MainWindow(context)
        window.setProperty(FEATURED_KEY, result.featured)
        window.resize(size)
        window.statusBar().showMessage("Datenbank: stammkunde.sqlite3 (Demodaten)")
        window.show()
        yield window, services
        window.close()
        context.tasks.wait()
    finally:
        db.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="stammkunde-pdfs-"))
    with demo_window("stammkunde-shots-", customers=300, size=QSize(*SIZE),
                     mailing_out=workdir / "mailing.pdf") as (window, services):
        OUT.mkdir(parents=True, exist_ok=True)
        for name, shoot in SHOTS:
            widget = shoot(window)
            widget.show()
            settle(window)
            widget.grab().save(str(OUT / name))
            print(OUT / name)
            if widget is not window:
                widget.close()
        wizard = setup_wizard(window)
        wizard.show()
        settle(window)
        IMAGES.mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(IMAGES / "einrichtungsassistent.png"))
        print(IMAGES / "einrichtungsassistent.png")
        wizard.close()
        render_pdfs(services, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
