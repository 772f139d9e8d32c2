"""The "Segmente" page: saved customer filters (class, RFM, churn risk, tags, place, contact,
birthday month) — edited, counted and saved by name for the list and serial letters, with the
customers a segment counts listed beside it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.customers.dto import CustomerRow
from app.services.customers.segments import CLASSES, SEGMENT_LABELS, SegmentSpec, invalid
from app.services.errors import ValidationError
from app.services.formatting import format_count
from app.ui.context import AppContext
from app.ui.headings import page_heading
from app.ui.icons import icon
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, table_view

# More rows than anyone reads on screen; the whole segment goes to letters and exports.
SHOWN_CUSTOMERS = 500


def tr(text: str) -> str:
    return QCoreApplication.translate("SegmentsPage", text)


class SegmentsPage(QWidget):
    """Lists saved segments; the form edits one and shows how many match, and the table
    beside it the customers it counts (a double click opens one)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.segment_list = QListWidget()
        self.segment_list.setFixedWidth(260)
        self.segment_list.currentItemChanged.connect(self._load_selected)
        self.name_edit = QLineEdit()
        self.class_boxes = {c: QCheckBox(c) for c in CLASSES}
        self.rfm_list = QListWidget()
        for code, label in SEGMENT_LABELS.items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.rfm_list.addItem(item)
        # every segment visible at once: a scrolled check list hides what is ticked
        self.rfm_list.setFixedHeight(self.rfm_list.sizeHintForRow(0) * self.rfm_list.count()
                                     + 2 * self.rfm_list.frameWidth())
        self.rfm_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.risk_combo = QComboBox()
        self.risk_combo.addItem(tr("egal"), None)
        self.risk_combo.addItem(tr("nur gefährdete"), True)
        self.risk_combo.addItem(tr("nur nicht gefährdete"), False)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(tr("Merkmale, durch Komma getrennt"))
        self.postcode_from = QLineEdit()
        self.postcode_to = QLineEdit()
        self.city_edit = QLineEdit()
        self.quiet_days = self._days_box()
        self.recent_days = self._days_box()
        self.months_edit = QLineEdit()
        self.months_edit.setPlaceholderText(tr("z. B. 5, 12"))
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)  # a long filter description must not widen the page
        self.error_label = MessageLabel()
        self.members = RowsModel[CustomerRow]([tr("Nr."), tr("Name"), tr("Ort"), tr("Klasse")],
                                              self)
        self.members_view = table_view(self.members, widths=(90, 200, 140), stretch=(1,))
        self.members_view.doubleClicked.connect(self._open_member)
        open_member = QAction(tr("Kunde öffnen"), self.members_view)
        open_member.triggered.connect(self._open_current_member)
        add_row_menu(self.members_view, open_member)
        self.members_label = QLabel()
        self.members_label.setWordWrap(True)
        self.count_button = QPushButton(icon("users"), tr("Kunden zählen"))
        self.count_button.clicked.connect(self.count)
        self.save_button = QPushButton(icon("save"), tr("Speichern"))
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(icon("trash-2"), tr("Löschen"))
        self.delete_button.clicked.connect(self.delete)
        add_row_menu(self.segment_list, self.count_button, self.delete_button)

        classes = QHBoxLayout()
        for box in self.class_boxes.values():
            classes.addWidget(box)
        classes.addStretch(1)
        postcodes = QHBoxLayout()
        postcodes.addWidget(self.postcode_from)
        postcodes.addWidget(QLabel("–"))
        postcodes.addWidget(self.postcode_to)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name_edit)
        form.addRow(tr("Klasse"), classes)
        form.addRow(tr("RFM-Segment"), self.rfm_list)
        form.addRow(tr("Abwanderung"), self.risk_combo)
        form.addRow(tr("Merkmale"), self.tags_edit)
        form.addRow(tr("PLZ von – bis"), postcodes)
        form.addRow(tr("Ort"), self.city_edit)
        form.addRow(tr("Kein Kontakt seit (Tage)"), self.quiet_days)
        form.addRow(tr("Kontakt in den letzten (Tage)"), self.recent_days)
        form.addRow(tr("Geburtstagsmonate"), self.months_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.count_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        editor = QWidget()
        right = QVBoxLayout(editor)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.count_label)
        right.addWidget(self.error_label)
        right.addStretch(1)
        members = QWidget()
        members_layout = QVBoxLayout(members)
        members_layout.setContentsMargins(0, 0, 0, 0)
        members_layout.addWidget(self.members_label)
        members_layout.addWidget(self.members_view, 1)
        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(members)
        splitter.setStretchFactor(1, 1)
        body = QHBoxLayout()
        body.addWidget(self.segment_list)
        body.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(page_heading(tr("Segmente"), tr(
            "Ein Segment ist eine gespeicherte Kundenauswahl, zum Beispiel „A-Kunden in Berlin "
            "ohne Kontakt seit 90 Tagen“. Es zählt immer die Kunden, die heute passen, und "
            "dient als Empfängerliste für Serienbriefe, E-Mails und Etiketten. Links ein "
            "Segment wählen oder rechts Bedingungen eintragen und „Kunden zählen“; die Liste "
            "zeigt, wen das Segment zählt (Doppelklick öffnet den Kunden).")))
        layout.addLayout(body, 1)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    @staticmethod
    def _days_box() -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 3650)
        box.setSpecialValueText(tr("aus"))
        return box

    # --- reading and writing the form ------------------------------------------------------

    def spec(self) -> SegmentSpec:
        """The form as a filter; a bad month raises ValidationError."""
        try:
            months = tuple(int(m) for m in self.months_edit.text().replace(";", ",").split(",")
                           if m.strip())
        except ValueError:
            raise invalid({"birthday_months": "Monate als Zahlen 1–12"}) from None
        rfm = tuple(str(item.data(Qt.ItemDataRole.UserRole))
                    for item in (self.rfm_list.item(i) for i in range(self.rfm_list.count()))
                    if item.checkState() == Qt.CheckState.Checked)
        return SegmentSpec(
            abc_classes=tuple(c for c, box in self.class_boxes.items() if box.isChecked()),
            rfm_segments=rfm, at_risk=self.risk_combo.currentData(),
            tags=tuple(t.strip() for t in self.tags_edit.text().split(",") if t.strip()),
            postcode_from=self.postcode_from.text().strip(),
            postcode_to=self.postcode_to.text().strip(), city=self.city_edit.text().strip(),
            last_contact_min_days=self.quiet_days.value() or None,
            last_contact_max_days=self.recent_days.value() or None,
            birthday_months=months)

    def show_spec(self, name: str, spec: SegmentSpec) -> None:
        self.name_edit.setText(name)
        for code, box in self.class_boxes.items():
            box.setChecked(code in spec.abc_classes)
        for i in range(self.rfm_list.count()):
            item = self.rfm_list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in spec.rfm_segments
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.risk_combo.setCurrentIndex(self.risk_combo.findData(spec.at_risk))
        self.tags_edit.setText(", ".join(spec.tags))
        self.postcode_from.setText(spec.postcode_from)
        self.postcode_to.setText(spec.postcode_to)
        self.city_edit.setText(spec.city)
        self.quiet_days.setValue(spec.last_contact_min_days or 0)
        self.recent_days.setValue(spec.last_contact_max_days or 0)
        self.months_edit.setText(", ".join(map(str, spec.birthday_months)))

    # --- actions -------------------------------------------------------------------------

    def refresh(self) -> None:
        segments = self.context.services.segments
        self.segment_list.blockSignals(True)
        self.segment_list.clear()
        for segment in segments.saved():
            item = QListWidgetItem(f"{segment.name} ({segments.count(segment.spec)})")
            item.setData(Qt.ItemDataRole.UserRole, segment.name)
            item.setToolTip(segment.description)
            self.segment_list.addItem(item)
        self.segment_list.blockSignals(False)

    def count(self) -> None:
        try:
            spec = self.spec()
            found = self.context.services.segments.count(spec)
        except ValidationError as error:
            self.error_label.error(error.message)
            return
        self.error_label.clear()
        self.count_label.setText(tr("{customers}: {what}").format(
            customers=format_count(found, tr("Kunde"), tr("Kunden")), what=spec.describe()))
        self.show_members(spec)

    def save(self) -> None:
        try:
            saved = self.context.services.segments.save(self.name_edit.text(), self.spec())
        except ValidationError as error:
            self.error_label.error(error.message)
            return
        self.error_label.clear()
        self.count_label.setText(tr("Gespeichert: {what}").format(what=saved.description))

    def delete(self) -> None:
        name = self.name_edit.text().strip()
        if name:
            self.context.services.segments.delete(name)

    def _load_selected(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            segment = self.context.services.segments.get(str(item.data(
                Qt.ItemDataRole.UserRole)))
            self.show_spec(segment.name, segment.spec)
            self.show_members(segment.spec)

    def show_members(self, spec: SegmentSpec) -> None:
        """The customers `spec` counts now, the first SHOWN_CUSTOMERS of them by name."""
        services = self.context.services
        ids = services.segments.customer_ids(spec)
        self.members.set_rows(
            Row((row.number, row.name, row.city, row.abc_class or ""), row)
            for row in services.customers.rows(ids[:SHOWN_CUSTOMERS]))
        counted = format_count(len(ids), tr("Kunde"), tr("Kunden"))
        self.members_label.setText(
            tr("Das Segment zählt {customers}.").format(customers=counted)
            if len(ids) <= SHOWN_CUSTOMERS else
            tr("Das Segment zählt {customers}; die ersten {shown} stehen hier, alle gehen "
               "in Serienbrief und Export.").format(customers=counted, shown=SHOWN_CUSTOMERS))

    def _open_current_member(self) -> None:
        index = self.members_view.currentIndex()
        if index.isValid():
            self._open_member(index)

    def _open_member(self, index: QModelIndex) -> None:
        self.context.open_customer(self.members.payload(index.row()).id)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.SEGMENTS) or changes.touches(Domain.CLASSES):
            self.refresh()
