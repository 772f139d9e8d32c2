"""The Kontakthistorie tab: the timeline newest first, and the quick "Anruf notieren"."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes
from app.services.dto import InteractionDTO
from app.services.formatting import format_datetime
from app.services.timeline import CHANNELS
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.customers.customer_form import EditDialog
from app.ui.customers.rows_model import RowsModel


def tr(text: str) -> str:
    return QCoreApplication.translate("Kontakthistorie", text)


def timeline_model(zone: tzinfo, parent: QWidget) -> RowsModel[InteractionDTO]:
    """Times are stored in UTC and shown in the shop's zone."""
    return RowsModel[InteractionDTO]([
        (tr("Datum"), lambda e: format_datetime(e.occurred_at.astimezone(zone))),
        (tr("Kanal"), lambda e: CHANNELS.get(e.channel, e.channel)),
        (tr("Betreff"), lambda e: e.subject),
        (tr("Text"), lambda e: e.text.replace("\n", " ")),
        (tr("Von"), lambda e: e.author),
    ], parent)


class NoteDialog(EditDialog):
    """Channel, subject, text. The subject has the focus, so Enter saves at once."""

    def __init__(self, context: AppContext, customer_id: int, channel: str = "phone",
                 parent: QWidget | None = None) -> None:
        def save(values: tuple[str, str, str]) -> InteractionDTO:
            chosen, subject, text = values
            entry = context.services.timeline.add(
                customer_id, channel=chosen, subject=subject, text=text,
                by=preferences.author(context.user))
            context.bus.publish(Changes.of("timeline", customers=(customer_id,)))
            return entry

        super().__init__(tr("Kontakt notieren"), save, parent)
        self.channel = QComboBox()
        for code, label in CHANNELS.items():
            if code != "system":
                self.channel.addItem(tr(label), code)
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(tr("Worum ging es?"))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(100)
        self.form.addRow(tr("Kanal"), self.errors.wrap("channel", self.channel))
        self.form.addRow(tr("Betreff"), self.errors.wrap("subject", self.subject))
        self.form.addRow(tr("Text"), self.errors.wrap("text", self.text))
        self.resize(460, self.sizeHint().height())
        self.subject.setFocus()

    def value(self) -> tuple[str, str, str]:
        return (self.channel.currentData(), self.subject.text(), self.text.toPlainText())


class TimelineTab(QWidget):
    """Signals: note_requested(channel) — the view opens the note dialog."""

    note_requested = Signal(str)

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.model = timeline_model(context.services.clock.zone, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        for column, width in enumerate((120, 95, 240, 300, 150)):
            header.resizeSection(column, width)
        # Betreff and Text take the extra width; "Von" (a short name) stays as it is
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        call = QPushButton(tr("Anruf notieren (Strg+T)"))
        call.clicked.connect(lambda: self.note_requested.emit("phone"))
        other = QPushButton(tr("Kontakt notieren …"))
        other.clicked.connect(lambda: self.note_requested.emit("visit"))
        buttons = QHBoxLayout()
        buttons.addWidget(call)
        buttons.addWidget(other)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        self.model.set_items(self.context.services.timeline.entries(self.customer_id))
