"""Mailvorlagen: edit the mail templates (same placeholders and typo check as letters)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.letters.service import TemplateDTO
from app.ui.context import AppContext
from app.ui.messages import MessageLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("E-Mail", text)


class TemplatesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Mailvorlagen"))
        self.templates: list[TemplateDTO] = []
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit()
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.advertising = QCheckBox(tr("Werbung (nur mit Einwilligung, mit Abmeldehinweis)"))
        self.status = MessageLabel()
        new = QPushButton(tr("Neu"))
        new.clicked.connect(self.new)
        save = QPushButton(tr("Speichern"))
        save.clicked.connect(self.save)
        close = QPushButton(tr("Schließen"))
        close.clicked.connect(self.accept)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Betreff"), self.subject)
        form.addRow(tr("Text"), self.body)
        form.addRow("", self.advertising)
        editor = QVBoxLayout()
        editor.addLayout(form)
        editor.addWidget(QLabel(tr("Platzhalter wie bei Briefen, z. B. {{ briefanrede }}, "
                                   "{{ gutschein.code }}. Leerzeile = neuer Absatz.")))
        editor.addWidget(self.status)
        buttons = QHBoxLayout()
        for button in (new, save, close):
            buttons.addWidget(button)
        editor.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(editor, 3)
        self.current: int | None = None
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.templates = self.context.services.email.templates.templates()
        self.list.clear()
        self.list.addItems([t.name for t in self.templates])
        ids = [t.id for t in self.templates]
        self.list.setCurrentRow(ids.index(select) if select in ids else 0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.templates):
            return
        template = self.templates[row]
        self.current = template.id
        self.name.setText(template.name)
        self.subject.setText(template.subject)
        self.body.setPlainText(template.body)
        self.advertising.setChecked(template.advertising)
        self.status.setText("")

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        for field in (self.name, self.subject):
            field.clear()
        self.body.setPlainText("{{ briefanrede }}\n\n")
        self.advertising.setChecked(False)

    def save(self) -> None:
        try:
            saved = self.context.services.email.templates.save(
                self.current, name=self.name.text(), subject=self.subject.text(),
                body=self.body.toPlainText(), advertising=self.advertising.isChecked())
        except StammkundeError as error:
            self.status.error(error.message)
            return
        self.reload(saved.id)
        self.status.success(tr("Gespeichert (Version {v}).").format(v=saved.version))
