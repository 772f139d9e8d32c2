"""The Kontakthistorie tab: the timeline newest first, and the quick "Anruf notieren"."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.formatting import format_datetime
from app.services.timeline import CHANNELS, InteractionDTO
from app.ui.context import AppContext
from app.ui.customers.customer_form import EditDialog
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("Kontakthistorie", text)


def timeline_row(entry: InteractionDTO, zone: tzinfo) -> Row[InteractionDTO]:
    """Times are stored in UTC and shown in the shop's zone."""
    return Row((format_datetime(entry.occurred_at.astimezone(zone)),
                CHANNELS.get(entry.channel, entry.channel), entry.subject,
                entry.text.replace("\n", " "), entry.author), entry)


class NoteDialog(EditDialog):
    """Channel, subject, text. The subject has the focus, so Enter saves at once."""

    def __init__(self, context: AppContext, customer_id: int, channel: str = "phone",
                 parent: QWidget | None = None) -> None:
        def save(values: tuple[str, str, str]) -> InteractionDTO:
            chosen, subject, text = values
            entry = context.services.timeline.add(
                customer_id, channel=chosen, subject=subject, text=text,
                by=context.actor)
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
        self.model = RowsModel[InteractionDTO](
            [tr("Datum"), tr("Kanal"), tr("Betreff"), tr("Text"), tr("Von")], self,
            cell_tooltips=True)
        # Betreff and Text take the extra width; "Von" (a short name) stays as it is
        self.table = table_view(self.model, widths=(120, 95, 240, 300, 150), stretch=(2, 3))
        call = QPushButton(tr("Anruf notieren (Strg+T)"))
        call.clicked.connect(lambda: self.note_requested.emit("phone"))
        other = QPushButton(tr("Kontakt notieren …"))
        other.clicked.connect(lambda: self.note_requested.emit("visit"))
        buttons = QHBoxLayout()
        buttons.addWidget(call)
        buttons.addWidget(other)
        buttons.addStretch(1)
        add_row_menu(self.table, call, other)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        zone = self.context.services.clock.zone
        self.model.set_rows(timeline_row(entry, zone)
                            for entry in self.context.services.timeline.entries(self.customer_id))
