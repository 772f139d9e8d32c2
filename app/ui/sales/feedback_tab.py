"""The customer view's "Zufriedenheit" tab: record a score or a complaint, close complaints."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.formatting import format_date
from app.services.sales.feedback import KINDS, ComplaintDTO, FeedbackDTO
from app.ui.context import AppContext
from app.ui.dates import to_date
from app.ui.errors import show_error
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("Zufriedenheit", text)


def _table(model: RowsModel[Any], stretch: Collection[int]) -> QTableView:
    """The texts are short: the other columns fit their contents."""
    view = table_view(model, stretch=stretch)
    for column in set(range(model.columnCount())) - set(stretch):
        view.horizontalHeader().setSectionResizeMode(
            column, QHeaderView.ResizeMode.ResizeToContents)
    return view


def _complaint_row(complaint: ComplaintDTO) -> Row[ComplaintDTO]:
    return Row((format_date(complaint.opened_on), complaint.subject, complaint.status_label,
                complaint.resolution, format_date(complaint.resolved_on)), complaint)


def _score_row(score: FeedbackDTO) -> Row[FeedbackDTO]:
    _low, high, label = KINDS[score.kind]
    return Row((format_date(score.given_on), label, f"{score.score} / {high}", score.comment),
               score)


class FeedbackTab(QWidget):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        today = QDate.fromString(context.services.clock.today().isoformat(), "yyyy-MM-dd")

        self.kind = QComboBox()
        for code, (_low, _high, label) in KINDS.items():
            self.kind.addItem(label, code)
        self.score = QSpinBox()
        self.score_hint = QLabel()
        self.score_date = QDateEdit(today)
        self.score_date.setDisplayFormat("dd.MM.yyyy")
        self.score_date.setCalendarPopup(True)
        self.score_date.setMaximumDate(today)
        self.comment = QLineEdit()
        self.save_score = QPushButton(tr("Bewertung speichern"))
        self.save_score.clicked.connect(self._record_score)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        score_row = QHBoxLayout()
        score_row.addWidget(self.score)
        score_row.addWidget(self.score_hint, 1)
        score_form = QFormLayout()
        score_form.addRow(tr("Art"), self.kind)
        score_form.addRow(tr("Wert"), score_row)
        score_form.addRow(tr("Datum"), self.score_date)
        score_form.addRow(tr("Kommentar"), self.comment)
        score_form.addRow("", self.save_score)
        score_box = QGroupBox(tr("Bewertung erfassen"))
        score_box.setLayout(score_form)

        self.subject = QLineEdit()
        self.complaint_text = QLineEdit()
        self.open_button = QPushButton(tr("Reklamation anlegen"))
        self.open_button.clicked.connect(self._open_complaint)
        complaint_form = QFormLayout()
        complaint_form.addRow(tr("Betreff"), self.subject)
        complaint_form.addRow(tr("Beschreibung"), self.complaint_text)
        complaint_form.addRow("", self.open_button)
        complaint_box = QGroupBox(tr("Reklamation erfassen"))
        complaint_box.setLayout(complaint_form)

        self.complaints_model = RowsModel[ComplaintDTO](
            [tr("Eingang"), tr("Betreff"), tr("Status"), tr("Lösung"), tr("Erledigt am")], self)
        self.complaints = _table(self.complaints_model, stretch=(1, 3))
        self.complaints.selectionModel().selectionChanged.connect(self._selection_changed)
        self.resolution = QLineEdit()
        self.resolution.setPlaceholderText(tr("Wie wurde die Reklamation gelöst?"))
        self.done_button = QPushButton(tr("Als erledigt markieren"))
        self.done_button.clicked.connect(self._resolve)
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.resolution, 1)
        resolve_row.addWidget(self.done_button)
        add_row_menu(self.complaints, self.done_button)
        self.scores_model = RowsModel[FeedbackDTO](
            [tr("Datum"), tr("Art"), tr("Wert"), tr("Kommentar")], self)
        self.scores = _table(self.scores_model, stretch=(3,))

        forms = QHBoxLayout()
        forms.addWidget(score_box, 1)
        forms.addWidget(complaint_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(forms)
        layout.addWidget(QLabel(tr("Reklamationen")))
        layout.addWidget(self.complaints, 1)
        layout.addLayout(resolve_row)
        layout.addWidget(QLabel(tr("Bewertungen")))
        layout.addWidget(self.scores, 1)
        context.bus.changed.connect(self._on_changed)
        self.reload()

    def _kind_changed(self) -> None:
        low, high, _label = KINDS[self.kind.currentData()]
        self.score.setRange(low, high)
        self.score.setValue(high)
        self.score_hint.setText(tr("von {low} bis {high}").format(low=low, high=high))

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.FEEDBACK, self.customer_id):
            self.reload()

    def reload(self) -> None:
        services = self.context.services.feedback
        self.complaints_model.set_rows(map(_complaint_row, services.complaints(self.customer_id)))
        self.scores_model.set_rows(map(_score_row, services.scores(self.customer_id)))
        self._selection_changed()

    def _selected(self) -> ComplaintDTO | None:
        return selected_payload(self.complaints, self.complaints_model)

    def _selection_changed(self) -> None:
        selected = self._selected()
        can_close = selected is not None and selected.status == "open"
        self.done_button.setEnabled(can_close)
        self.resolution.setEnabled(can_close)

    def _record_score(self) -> None:
        try:
            self.context.services.feedback.record_score(
                self.customer_id, kind=self.kind.currentData(), score=self.score.value(),
                comment=self.comment.text(), given_on=to_date(self.score_date.date()),
                by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            return
        self.comment.clear()

    def _open_complaint(self) -> None:
        try:
            self.context.services.feedback.open_complaint(
                self.customer_id, subject=self.subject.text(),
                text=self.complaint_text.text(), by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            return
        self.subject.clear()
        self.complaint_text.clear()

    def _resolve(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        try:
            self.context.services.feedback.resolve_complaint(
                selected.id, resolution=self.resolution.text(), by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            return
        self.resolution.clear()
