"""Datei → Sicherungen…: the list of backups, "Jetzt sichern", "Wiederherstellen…" and the
backup folder; plus the backup on close. The daily backup and the purge of expired
records are nightly steps of app/ui/scheduler.py."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes
from app.services.container import Services
from app.services.errors import StammkundeError
from app.services.formatting import format_count, format_datetime
from app.services.privacy.backups import (
    AUTOMATIC,
    COPY,
    MANUAL,
    BackupInfo,
    RestoreResult,
    format_size,
)
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("Sicherungen", text)


def kind_label(kind: str) -> str:
    return {MANUAL: tr("manuell"), AUTOMATIC: tr("automatisch"), COPY: tr("Kopie")}[kind]


def backup_row(info: BackupInfo) -> Row[BackupInfo]:
    return Row((format_datetime(info.taken_at) if info.taken_at else "–",
                kind_label(info.kind),
                str(info.customers) if info.customers is not None else tr("unlesbar"),
                format_size(info.size), info.path.name), info)



def _customers(info: BackupInfo) -> str:
    """How many customers a backup holds, or that it cannot be read."""
    if info.customers is None:
        return tr("unlesbar")
    return format_count(info.customers, tr("Kunde"), tr("Kunden"))


class BackupsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Sicherungen"))
        self.resize(760, 420)
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder_button = QPushButton(tr("Ordner ändern…"))
        self.folder_button.clicked.connect(self.change_folder)
        self.model = RowsModel[BackupInfo](
            [tr("Datum"), tr("Art"), tr("Kunden"), tr("Größe"), tr("Datei")], self)
        self.table = table_view(self.model, widths=(120, 90))  # date and time on one line
        self.status = MessageLabel()
        self.backup_button = QPushButton(tr("Jetzt sichern"))
        self.restore_button = QPushButton(tr("Wiederherstellen…"))
        self.close_button = QPushButton(tr("Schließen"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.close_button.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(self.folder, 1)
        top.addWidget(self.folder_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        add_row_menu(self.table, self.restore_button, None, self.backup_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.table.setFocus()  # arrow keys choose a backup; no button is pressed by Enter
        self.refresh()

    def refresh(self) -> None:
        """Reads every backup file (customer count) on the worker thread: a NAS is slow."""
        backups = self.context.services.backups
        self.folder.setText(tr("Sicherungsordner: {path}\nAutomatisch beim Beenden und "
                               "täglich, wenn sich etwas geändert hat; behalten werden alle "
                               "Sicherungen der letzten 2 Tage, 7 tägliche, 4 wöchentliche und "
                               "12 monatliche Sicherungen und jede manuelle. Zum "
                               "Zurückspielen eine Zeile wählen.")
                            .format(path=backups.folder()))
        self.context.tasks.start(lambda _progress: backups.backups(), on_done=self._show,
                                 on_error=lambda error: show_error(self, error))

    def _show(self, found: list[BackupInfo]) -> None:
        self.model.set_rows(map(backup_row, found))
        if found:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(found))

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in (self.backup_button, self.restore_button, self.folder_button,
                       self.close_button):
            button.setEnabled(not busy)
        self.status.setText(text)

    def backup_now(self) -> None:
        backups = self.context.services.backups
        self._busy(True, tr("Sicherung läuft …"))

        def done(info: BackupInfo) -> None:
            self._busy(False)
            self.status.success(tr("Gesichert und geprüft: {name} ({customers})").format(
                name=info.path.name, customers=_customers(info)))
            self.refresh()

        def failed(error: BaseException) -> None:
            self._busy(False)
            show_error(self, error)

        self.context.tasks.start(
            lambda progress: backups.backup_now(by=self.context.actor, progress=progress),
            on_done=done, on_error=failed)

    def choose_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, tr("Sicherungsordner wählen"),
                                                  str(self.context.services.backups.folder()))
        return Path(folder) if folder else None

    def change_folder(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        try:
            self.context.services.backups.set_folder(folder, by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            return
        self.refresh()

    def selected(self) -> BackupInfo | None:
        return selected_payload(self.table, self.model)

    def confirm_restore(self, info: BackupInfo) -> bool:
        when = format_datetime(info.taken_at) if info.taken_at else info.path.name
        return confirm(self, title=tr("Wiederherstellen"), text=tr(
            "Den Stand vom {when} ({kind}, {customers}) zurückspielen?\n\nDer aktuelle Stand "
            "wird vorher als Kopie gesichert. Löschungen und Werbewidersprüche, die nach "
            "dieser Sicherung eingetragen wurden, werden erneut angewendet.").format(
                when=when, kind=kind_label(info.kind), customers=_customers(info)),
            action=tr("Zurückspielen"))

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or not self.confirm_restore(info):
            return
        backups = self.context.services.backups
        self._busy(True, tr("Wiederherstellung läuft …"))

        def done(result: RestoreResult) -> None:
            lines = [tr("Zurückgespielt. Der vorherige Stand liegt in {path}.").format(
                path=result.safety_copy)]
            lines += [tr("Erneut angewendet: {item}").format(item=item)
                      for item in result.reapplied]
            self._busy(False)
            self.status.success("\n".join(lines))
            self.context.bus.publish(Changes.everything())
            self.refresh()

        def failed(error: BaseException) -> None:
            self._busy(False)
            show_error(self, error)

        self.context.tasks.start(
            lambda progress: backups.restore(info.path, by=self.context.actor,
                                             progress=progress),
            on_done=done, on_error=failed)


def backup_on_close(services: Services, user: str) -> None:
    """Called after the window closed: back up when the data changed since the last one
    (a backup first finishes an erasure's compaction the window kept pending)."""
    if not services.db.is_sqlite:
        return
    try:
        services.backups.backup_if_changed(by=user)
    except (StammkundeError, OSError):
        log.exception("backup on close failed")
