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
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.company import LEGAL_FORM_NAMES, LEGAL_FORMS, CompanyProfile, required_fields
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
        "managing_director": tr("Inhaber/Geschäftsführer"), "seat": tr("Sitz"),
        "register_court": tr("Registergericht"), "register_number": tr("Registernummer"),
        "logo_path": tr("Logo (PNG, JPG, SVG)"), "legal_form": tr("Rechtsform"),
    }


class CompanyDialog(QDialog):
    """Edit and validate the company profile; wrong fields are named below the form."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Briefkopf"))
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        self.form_layout = form
        profile = context.services.company.get()
        self.legal_form = QComboBox()
        self.legal_form.setObjectName("legal_form")
        for key, name in LEGAL_FORM_NAMES.items():
            self.legal_form.addItem(tr(name), key)
        self.legal_form.setCurrentIndex(max(self.legal_form.findData(profile.legal_form), 0))
        form.addRow(labels()["legal_form"], self.legal_form)
        self.required_note = QLabel()
        self.required_note.setWordWrap(True)
        form.addRow("", self.required_note)
        for name, label in labels().items():
            if name == "legal_form":
                continue
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
        self.legal_form.currentIndexChanged.connect(self._show_required)
        self._show_required()

    def _show_required(self) -> None:
        """Mark the details the chosen legal form requires on business letters and mails."""
        key = str(self.legal_form.currentData())
        required = required_fields(key)
        names = labels()
        for name in self.edits:
            field_label = self.form_layout.labelForField(self.edits[name])
            if not isinstance(field_label, QLabel):  # the logo row: never required
                continue
            field_label.setText(names[name] + (" *" if name in required else ""))
        law = LEGAL_FORMS[key].law
        self.required_note.setText(tr("* Pflichtangaben für Geschäftsbriefe und -mails "
                                      "({law}); sie stehen in der Fußzeile jeder Mail.")
                                   .format(law=law) if law else "")

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Logo wählen"), "",
                                              tr("Bilder (*.png *.jpg *.jpeg *.svg)"))
        if path:
            self.edits["logo_path"].setText(path)

    def profile(self) -> CompanyProfile:
        return CompanyProfile(legal_form=str(self.legal_form.currentData()),
                              **{f.name: self.edits[f.name].text()
                                 for f in fields(CompanyProfile) if f.name != "legal_form"})

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
            if name in self.edits:
                self.edits[name].setText(value)
        self.accept()
