"""The Vorlagen tab: edit a letter template with a live preview of the first letter."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.customers.dto import CustomerFilter
from app.services.errors import StammkundeError, ValidationError
from app.services.letters.service import PLACEHOLDERS, TemplateDTO
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.letters.common import elided_list, splitter_of, tr
from app.ui.letters.live_preview import LivePreview
from app.ui.letters.pdf_view import PdfPreview
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu

PREVIEW_DELAY_MS = 400


class TemplatesTab(QWidget):
    """Pick and edit a template; the first letter is re-rendered shortly after each edit."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current: TemplateDTO | None = None
        self.list = elided_list()
        self.list.setMinimumWidth(140)
        self.list.currentItemChanged.connect(self._selected)
        self.name = QLineEdit()
        self.subject = QLineEdit()
        self.advertising = QCheckBox(tr("Werbebrief (Kontaktregeln für Werbung)"))
        self.body = QPlainTextEdit()
        self.placeholders = elided_list()
        for name, (description, attrs) in PLACEHOLDERS.items():
            for shown in ([f"{name}.{a}" for a in attrs] or [name]):
                item = QListWidgetItem(f"{{{{ {shown} }}}} – {description}")
                item.setData(Qt.ItemDataRole.UserRole, shown)
                item.setToolTip(item.text())
                self.placeholders.addItem(item)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        insert = QAction(tr("Einfügen"), self.placeholders)
        insert.triggered.connect(self._insert_current_placeholder)
        add_row_menu(self.placeholders, insert)
        self.placeholders.setMaximumHeight(130)
        self.error = MessageLabel()
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(tr("Vorschau für Kundennr. …"))
        self.customer.setToolTip(tr("Kundennummer für die Vorschau (leer: erster Kunde)"))
        self.preview = PdfPreview(self, width=480)
        # "Neu" and "Löschen" act on the list and sit under it; the rest under the editor,
        # so neither column needs the width of all five buttons.
        list_buttons = QHBoxLayout()
        buttons = QHBoxLayout()
        made: dict[str, QPushButton] = {}
        for row, label, slot in (
                (list_buttons, tr("Neu"), self.new), (list_buttons, tr("Löschen"), self.delete),
                (buttons, tr("Speichern"), self.save),
                (buttons, tr("Als Kopie speichern"), self.save_copy),
                (buttons, tr("Zurücksetzen"), self.reset)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            row.addWidget(button)
            made[label] = button
        buttons.addStretch(1)
        add_row_menu(self.list, made[tr("Als Kopie speichern")], made[tr("Löschen")], None,
                     made[tr("Neu")])
        form = QFormLayout()
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Betreff"), self.subject)
        form.addRow("", self.advertising)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.body, 1)
        editor_layout.addWidget(QLabel(tr("Platzhalter (Doppelklick fügt ein):")))
        editor_layout.addWidget(self.placeholders)
        editor_layout.addWidget(self.error)
        editor_layout.addLayout(buttons)
        templates = QWidget()
        templates_layout = QVBoxLayout(templates)
        templates_layout.addWidget(self.list, 1)
        templates_layout.addLayout(list_buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.customer)
        right_layout.addWidget(self.preview, 1)
        self.splitter = splitter_of((templates, 1), (editor, 3), (right, 2))
        self.splitter.setSizes([260, 560, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.live = LivePreview(context.tasks, self.preview, self.error, parent=self,
                                empty_text=tr("Noch keine Kunden für eine Vorschau"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        for signal in (self.subject.textChanged, self.body.textChanged,
                       self.customer.editingFinished):
            signal.connect(self._timer.start)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for template in self.context.services.letters.templates():
            label = template.name + (tr(" (mitgeliefert)") if template.builtin else "")
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, template)
            self.list.addItem(item)
            if template.id == select_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._selected(self.list.currentItem(), None)

    def _selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        self.current = item.data(Qt.ItemDataRole.UserRole) if item else None
        template = self.current
        self.name.setText(template.name if template else "")
        self.subject.setText(template.subject if template else "")
        self.advertising.setChecked(bool(template and template.advertising))
        self.body.setPlainText(template.body if template else "")
        self.error.clear()
        self.update_preview()

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        self.body.insertPlainText(f"{{{{ {item.data(Qt.ItemDataRole.UserRole)} }}}}")
        self.body.setFocus()

    def _insert_current_placeholder(self) -> None:
        item = self.placeholders.currentItem()
        if item is not None:
            self._insert_placeholder(item)

    def edited(self) -> TemplateDTO:
        current = self.current
        return TemplateDTO(id=current.id if current else 0, name=self.name.text(),
                           subject=self.subject.text(), body=self.body.toPlainText(),
                           version=current.version if current else 1,
                           builtin=bool(current and current.builtin),
                           advertising=self.advertising.isChecked())

    def update_preview(self) -> None:
        """Render the edited (unsaved) template for one customer on the worker; errors show
        by name, a template that would hang as a message (see live_preview)."""
        self._timer.stop()
        services, actor = self.context.services, self.context.actor
        template, number = self.edited(), self.customer.text().strip()

        def render() -> bytes | None:
            customers = services.customers
            if number:
                customer_id: int | None = customers.get_by_number(number).id
            else:
                customer_id = next(iter(customers.ids(CustomerFilter(), sort="number")), None)
            if customer_id is None:
                return None
            return services.letters.preview(template, customer_id, by=actor)

        self.live.request(render)

    def new(self) -> None:
        self.list.clearSelection()
        self.current = None
        self.name.setText(tr("Neue Vorlage"))
        self.subject.clear()
        self.advertising.setChecked(False)
        self.body.setPlainText("{{ briefanrede }}\n\n\n\nMit freundlichen Grüßen\n\n"
                               "{{ absender }}")

    def _store(self, template_id: int | None, name: str) -> None:
        edited = self.edited()
        try:
            saved = self.context.services.letters.save(
                template_id, name=name, subject=edited.subject, body=edited.body,
                advertising=edited.advertising)
        except ValidationError as error:
            self.error.error(error.message)
            return
        self.reload(select_id=saved.id)

    def save(self) -> None:
        self._store(self.current.id if self.current else None, self.name.text())

    def save_copy(self) -> None:
        self._store(None, self.name.text() + tr(" (Kopie)"))

    def reset(self) -> None:
        if self.current is None:
            return
        try:
            restored = self.context.services.letters.reset(self.current.id)
        except StammkundeError as error:
            self.error.error(error.message)
            return
        self.reload(select_id=restored.id)

    def delete(self) -> None:
        if self.current is None:
            return
        if not confirm(self, title=tr("Vorlage löschen"),
                       text=tr("Vorlage „{name}“ löschen?").format(name=self.current.name),
                       action=tr("Löschen")):
            return
        try:
            self.context.services.letters.delete(self.current.id)
        except StammkundeError as error:
            self.error.error(error.message)
            return
        self.reload()
