"""Datei → Kunden exportieren…: choose a file (the format follows its suffix) and whether the
file is for an advertising campaign: then the contact policy keeps out who may not get it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QProgressDialog, QWidget

from app.services.customers.export import ExportResult
from app.services.formatting import format_count
from app.services.privacy.contact_policy import Channel
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.save_file import ask_save_file
from app.ui.tasks import Task

FILTERS = {"CSV für Excel (*.csv)": ".csv", "Excel-Arbeitsmappe (*.xlsx)": ".xlsx",
           "vCard (*.vcf)": ".vcf"}


def tr(text: str) -> str:
    return QCoreApplication.translate("CustomerExport", text)


def campaign_choices() -> dict[str, Channel | None]:
    return {tr("Alle aktiven Kunden (keine Werbeaktion)"): None,
            tr("Werbeaktion per Brief"): Channel.LETTER,
            tr("Werbeaktion per E-Mail"): Channel.EMAIL,
            tr("Werbeaktion per Telefon"): Channel.PHONE}


def export_customers(context: AppContext, parent: QWidget | None) -> Task | None:
    """Ask for the file and the purpose, then export every active customer to it (for a
    campaign: only those the contact policy allows advertising on its channel)."""
    path = ask_save_file(parent, context.services, tr("Kunden exportieren"),
                         Path.home() / "Kunden.csv", {tr(f): s for f, s in FILTERS.items()})
    if path is None:
        return None
    choices = campaign_choices()
    purpose, ok = QInputDialog.getItem(parent, tr("Kunden exportieren"), tr("Wofür?"),
                                       list(choices), 0, False)
    if not ok:
        return None
    return start_export(context, path, parent, campaign=choices[purpose])


def start_export(context: AppContext, path: Path, parent: QWidget | None, *,
                 campaign: Channel | None = None) -> Task:
    """Export in the background with a progress dialog that can cancel it."""
    exporter = context.services.customer_export
    dialog = QProgressDialog(tr("Kunden werden exportiert …"), tr("Abbrechen"), 0, 0, parent)
    dialog.setWindowTitle(tr("Kunden exportieren"))
    dialog.setMinimumDuration(300)

    def done(result: ExportResult) -> None:
        dialog.reset()
        box = QMessageBox(QMessageBox.Icon.Information, tr("Kunden exportieren"), tr(
            "{customers} nach {path} exportiert.").format(
                customers=format_count(result.count, tr("Kunde"), tr("Kunden")),
                path=result.path), parent=parent)
        if campaign is not None:
            box.setInformativeText(tr(
                "{customers} nach den Kontaktregeln zurückgehalten.").format(
                    customers=format_count(len(result.held_back), tr("Kunde"), tr("Kunden"))))
            box.setDetailedText("\n".join(f"{item.number}: {item.reason}"
                                          for item in result.held_back))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window stays usable

    def failed(error: BaseException) -> None:
        dialog.reset()
        show_error(parent, error)

    def progress(done_rows: int, total: int, _text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done_rows)

    task = context.tasks.start(
        lambda p: exporter.export(path, campaign=campaign, by=context.actor, progress=p),
        on_done=done,
        on_error=failed, on_progress=progress, on_cancel=dialog.reset)
    dialog.canceled.connect(task.cancel)
    return task
