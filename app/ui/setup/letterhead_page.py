"""Company and letterhead with a live letter preview: a page of the set-up assistant and the
"Briefkopf" tab of the settings."""

from __future__ import annotations

from dataclasses import asdict, replace

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.services.company import LETTERHEAD_REQUIRED, CompanyProfile
from app.services.errors import ValidationError
from app.services.letters.sample import sample_letter_pdf
from app.ui.context import AppContext
from app.ui.letters.company_dialog import labels
from app.ui.letters.pdf_view import PdfPreview
from app.ui.messages import MessageLabel
from app.ui.palette import TONE_COLOURS, Tone

# The fields the assistant asks for; the rest (bank, register, logo …) under Briefe → Briefkopf.
SHOWN = ("name", "managing_director", "street", "postcode", "city", "phone", "email", "web",
         "iban", "tax_number", "vat_id")
PREVIEW_DELAY_MS = 300


def tr(text: str) -> str:
    return QCoreApplication.translate("Einrichtung", text)


class LetterheadPage(QWidget):
    """The letterhead fields on the left, the sample letter as it prints on the right.

    `save()` validates and stores; a wrong field is named below the form (ValidationError
    propagates, so the wizard or the settings dialog stays open)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stored = context.services.company.get()
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        names = labels()
        for name in SHOWN:
            edit = QLineEdit(getattr(self._stored, name))
            edit.setObjectName(name)
            label = names[name] + (" *" if name in LETTERHEAD_REQUIRED else "")
            form.addRow(label, edit)
            edit.textChanged.connect(self._schedule)
            self.edits[name] = edit
        hint = QLabel(tr("* braucht jeder Brief: ohne sie wird nichts gedruckt. Logo, Bank und "
                         "Registereintrag: Briefe → Briefkopf."))
        hint.setWordWrap(True)
        self.errors = MessageLabel()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(hint)
        left.addWidget(self.errors)
        left.addStretch(1)
        self.preview = PdfPreview(width=360)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.preview, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.refresh_preview()

    def profile(self) -> CompanyProfile:
        typed = {name: edit.text() for name, edit in self.edits.items()}
        return replace(self._stored, **typed)

    def refresh_preview(self) -> None:
        services = self.context.services
        self.preview.show_pdf(sample_letter_pdf(
            self.profile(), on=services.clock.today(), by=self.context.actor,
            form=services.letters.form().name))

    def save(self) -> None:
        for edit in self.edits.values():
            edit.setStyleSheet("")
        if self.profile() == self._stored:
            return  # untouched: another tab was what the user came for
        try:
            saved = self.context.services.company.save(self.profile())
        except ValidationError as error:
            names = labels()
            for name in error.fields:
                if name in self.edits:
                    self.edits[name].setStyleSheet(
                        f"border: 1px solid {TONE_COLOURS[Tone.ERROR]}")
            self.errors.error("\n".join(f"{names.get(k, k)}: {v}"
                                          for k, v in error.fields.items()))
            raise
        self.errors.clear()
        self._stored = saved
        for name in SHOWN:
            self.edits[name].setText(asdict(saved)[name])

    def _schedule(self) -> None:
        self._timer.start()

