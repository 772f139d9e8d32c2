"""The "Briefkopf" dialog: the company profile used in every letterhead and footer."""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.company import CompanyProfile
from app.services.errors import ValidationError
from app.ui.context import AppContext
from app.ui.messages import MessageLabel
from app.ui.palette import TONE_COLOURS, Tone


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefkopf", text)


def labels() -> dict[str, str]:
    return {
        "name": tr("Firmenname"), "street": tr("Straße"), "postcode": tr("PLZ"),
        "city": tr("Ort"), "country": tr("Land (ISO, z. B. DE)"), "phone": tr("Telefon"),
        "email": tr("E-Mail"), "web": tr("Internet"), "iban": tr("IBAN"), "bic": tr("BIC"),
        "bank": tr("Bank"), "tax_number": tr("Steuernummer"), "vat_id": tr("USt-IdNr."),
        "managing_director": tr("Inhaber/Geschäftsführer"),
        "register": tr("Registereintrag"), "logo_path": tr("Logo (PNG, JPG, SVG)"),
    }


class CompanyDialog(QDialog):
    """Edit and validate the company profile; wrong fields are named below the form."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Briefkopf"))
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        profile = context.services.company.get()
        for name, label in labels().items():
            edit = QLineEdit(getattr(profile, name))
            edit.setObjectName(name)
            self.edits[name] = edit
            if name == "logo_path":
                row = QHBoxLayout()
                row.addWidget(edit)
                browse = QPushButton(tr("Durchsuchen …"))
                browse.clicked.connect(self._browse_logo)
                row.addWidget(browse)
                form.addRow(label, row)
            else:
                form.addRow(label, edit)
        self.form_choice = QComboBox()
        self.form_choice.addItem(tr("Form B (Briefkopf 45 mm, üblich)"), "B")
        self.form_choice.addItem(tr("Form A (Briefkopf 27 mm)"), "A")
        self.form_choice.setCurrentIndex(0 if context.services.letters.form().name == "B" else 1)
        form.addRow(tr("DIN-5008-Form"), self.form_choice)
        self.errors = MessageLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Logo wählen"), "",
                                              tr("Bilder (*.png *.jpg *.jpeg *.svg)"))
        if path:
            self.edits["logo_path"].setText(path)

    def profile(self) -> CompanyProfile:
        return CompanyProfile(**{f.name: self.edits[f.name].text()
                                 for f in fields(CompanyProfile)})

    def save(self) -> None:
        for edit in self.edits.values():
            edit.setStyleSheet("")
        try:
            saved = self.context.services.company.save(self.profile())
        except ValidationError as error:
            for name in error.fields:
                if name in self.edits:
                    self.edits[name].setStyleSheet(f"border: 1px solid {TONE_COLOURS[Tone.ERROR]}")
            names = labels()
            self.errors.error("\n".join(f"{names.get(k, k)}: {v}"
                                          for k, v in error.fields.items()))
            return
        self.context.services.letters.set_form(str(self.form_choice.currentData()))
        for name, value in asdict(saved).items():
            self.edits[name].setText(value)
        self.accept()
