"""Starting the window: Qt application, lock, checks, migration, services, main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from app import logs
from app.paths import AppPaths
from app.services.container import Services
from app.services.demo.showcase import populate
from app.services.errors import ForeignLockError, StammkundeError, UnusableDatabaseError
from app.ui.closing import SessionEnd
from app.ui.context import AppContext, ChangeBus
from app.ui.errors import install_excepthook
from app.ui.palette import SELECTED_TEXT, SELECTION
from app.ui.scheduler import start_scheduler
from app.ui.setup.wizard import setup_needed
from app.ui.tasks import TaskRunner
from app.ui.termination import QuitOnTermination

log = logging.getLogger(__name__)
DEMO_CUSTOMERS = 300


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Stammkunde")
    app.setOrganizationName("Stammkunde")
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    apply_palette(app)
    translator = QTranslator(app)
    if translator.load(QLocale(), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)  # German "Abbrechen", "Ja", … in Qt's dialogs
    return app


def apply_palette(app: QApplication) -> None:
    """Selected rows in the palette's darker blue, so their white text stays readable."""
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(SELECTION))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(SELECTED_TEXT))
    app.setPalette(palette)


def offer_restore(error: UnusableDatabaseError,
                  restore: Callable[[Path, Path], Path]) -> bool:
    """Ask to put the newest backup in place of an empty or damaged database; True if done."""
    if error.newest_backup is None:
        QMessageBox.critical(None, "Stammkunde", error.message)
        return False
    answer = QMessageBox.question(
        None, "Stammkunde",
        error.message + "\n\n" + QApplication.translate(
            "Start", "Sicherung „{0}“ jetzt zurückspielen? Die unbrauchbare Datei bleibt "
            "daneben erhalten.").format(error.newest_backup.name))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        restore(error.path, error.newest_backup)
    except StammkundeError as failed:
        QMessageBox.critical(None, "Stammkunde", failed.message)
        return False
    return True


def open_anyway(error: ForeignLockError) -> bool:
    """Ask before taking over a lock written on another PC ("Trotzdem öffnen")."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Stammkunde", error.message)
    box.setInformativeText(QApplication.translate(
        "Start", "Nur öffnen, wenn Stammkunde auf „{0}“ sicher geschlossen ist."
    ).format(error.host))
    anyway = box.addButton(QApplication.translate("Start", "Trotzdem öffnen"),
                           QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is anyway


def run(*, paths: AppPaths, demo: bool,
        open_services: Callable[[bool], AbstractContextManager[Services]],
        restore_unusable: Callable[[Path, Path], Path]) -> int:
    """Show the window; `open_services(take_over_foreign_lock)` opens the database."""
    app = create_application()
    try:
        paths.ensure()
        logs.setup(paths.log_file)
    except StammkundeError as error:
        print(f"Fehler: {error.message}", file=sys.stderr)
        QMessageBox.critical(None, "Stammkunde", error.message)
        return 2
    install_excepthook(paths.log_file)
    take_over = False
    while True:
        try:
            return _run_window(app, paths=paths, demo=demo,
                               open_services=partial(open_services, take_over))
        except ForeignLockError as error:
            if not open_anyway(error):
                return 2
            take_over = True
        except UnusableDatabaseError as error:
            if not offer_restore(error, restore_unusable):
                return 2
        except StammkundeError as error:
            QMessageBox.critical(None, "Stammkunde", error.message)
            return 2


def _run_window(app: QApplication, *, paths: AppPaths, demo: bool,
                open_services: Callable[[], AbstractContextManager[Services]]) -> int:
    from app.ui.main_window import MainWindow

    with open_services() as services:
        if demo:
            populate(services, customers=DEMO_CUSTOMERS, seed=7,
                     mailing_out=paths.data_dir / "Demo-Mailing.pdf")
        context = AppContext(
            services=services, tasks=TaskRunner(), bus=ChangeBus(),
            data_dir=paths.data_dir, log_file=paths.log_file, demo=demo)
        window = MainWindow(context)
        window.show()
        if not demo and setup_needed(context):
            window.open_setup()
        scheduler = start_scheduler(context, window)
        session_end = SessionEnd(context, stop_scheduler=scheduler.shutdown)
        termination = QuitOnTermination(app, on_session_end=session_end.run)
        log.info("window open on %s", services.db.url)
        code = app.exec()
        termination.uninstall()
        session_end.run()
        return code
