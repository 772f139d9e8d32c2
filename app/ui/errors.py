"""Known errors become a plain German message; anything else is a bug: logged with its
traceback and shown with the path of the log file (qutebrowser's KnownError/BugError)."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.errors import StammkundeError

log = logging.getLogger(__name__)
_log_file: Path | None = None


def tr(text: str) -> str:
    return QCoreApplication.translate("Fehler", text)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    if isinstance(error, StammkundeError):
        QMessageBox.warning(parent, tr("Hinweis"), error.message)
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    show_unexpected(parent, error)


def show_unexpected(parent: QWidget | None, error: BaseException) -> None:
    where = str(_log_file) if _log_file else tr("(kein Protokoll)")
    box = QMessageBox(QMessageBox.Icon.Critical, tr("Unerwarteter Fehler"),
                      tr("Ein unerwarteter Fehler ist aufgetreten. Ihre gespeicherten Daten "
                         "sind nicht betroffen.\n\nDetails stehen im Protokoll:\n") + where,
                      parent=parent)
    box.setDetailedText("".join(traceback.format_exception(error)))
    box.exec()


def install_excepthook(log_file: Path) -> None:
    """Route every uncaught exception on the GUI thread to the log and the bug dialog."""
    global _log_file
    _log_file = log_file

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        log.critical("uncaught exception", exc_info=(kind, error, tb))
        if isinstance(error, StammkundeError):
            show_error(None, error)
        else:
            show_unexpected(None, error)

    sys.excepthook = hook
