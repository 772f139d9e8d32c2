"""Forms of the customer view: the Stammdaten form and the contact person / address dialogs.

Validation is the service's job; a form only shows `ValidationError.fields` in red next to
the field they name, and nothing is saved while any field is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.customers.dto import (
    AddressDTO,
    AddressInput,
    Birthday,
    ContactInput,
    ContactPersonDTO,
    CustomerDetail,
    CustomerInput,
)
from app.services.customers.naming import SALUTATIONS
from app.services.errors import ValidationError
from app.services.validation import display_phone
from app.ui.keys import ctrl_enter_accepts
from app.ui.messages import tone_style
from app.ui.palette import Tone

ADDRESS_LABELS = ("Objektadresse", "Baustellenadresse", "Lieferadresse")
COUNTRIES = ("DE", "AT", "CH")
ERROR_STYLE = tone_style(Tone.ERROR)
MIN_FIELD_WIDTH = 120  # px; a field and its error message never shrink below this
DIALOG_MIN_WIDTH = 420  # px; room for a field and a two-line error message below it
REQUIRED = " *"  # appended to the caption of a field that must be filled


def tr(text: str) -> str:
    return QCoreApplication.translate("CustomerForm", text)


class FieldErrors:
    """Red error labels beside the fields of one form, keyed by the service's field names."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}
        self.general = self._make_label()

    def wrap(self, key: str, widget: QWidget) -> QWidget:
        """The field with its (hidden) error label below it: a long message wraps onto more
        lines instead of squeezing the field or being cut off."""
        label = self._make_label()
        self._labels[key] = label
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(label)
        return box

    def label(self, key: str) -> QLabel:
        return self._labels[key]

    def show(self, fields: dict[str, str]) -> None:
        self.clear()
        rest = []
        for key, reason in fields.items():
            if key in self._labels:
                self._labels[key].setText(reason)
                self._labels[key].show()
            else:
                rest.append(reason)
        if rest:
            self.general.setText("\n".join(rest))
            self.general.show()

    def clear(self) -> None:
        for label in (*self._labels.values(), self.general):
            label.clear()
            label.hide()

    def shown(self) -> dict[str, str]:
        return {key: label.text() for key, label in self._labels.items() if label.text()}

    @staticmethod
    def _make_label() -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.setMinimumWidth(MIN_FIELD_WIDTH)
        label.hide()
        return label


def _salutation_combo() -> QComboBox:
    combo = QComboBox()
    for value in SALUTATIONS:
        combo.addItem(value or tr("(keine)"), value)
    return combo


def _set_combo(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0:
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class TagsEdit(QLineEdit):
    """Comma-separated tags; the completer completes the tag being typed."""

    def __init__(self, known: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(tr("z. B. Wartungsvertrag, Vermieter"))
        self._completer = QCompleter(QStringListModel(list(known)), self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._insert)
        self.textEdited.connect(self._complete)

    def tags(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.text().split(",") if t.strip())

    def set_tags(self, tags: Sequence[str]) -> None:
        self.setText(", ".join(tags))

    def _complete(self, text: str) -> None:
        current = text.rsplit(",", 1)[-1].strip()
        if not current:
            popup = self._completer.popup()
            assert popup is not None  # a QCompleter always has its popup
            popup.hide()
            return
        self._completer.setCompletionPrefix(current)
        self._completer.complete()

    def _insert(self, tag: str) -> None:
        head = self.text().rsplit(",", 1)[0] if "," in self.text() else ""
        self.setText((head + ", " if head else "") + tag + ", ")


class CustomerForm(QWidget):
    """Every field of a `CustomerInput`."""

    def __init__(self, staff: Sequence[str], known_tags: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        self.private = QRadioButton(tr("Privat"))
        self.business = QRadioButton(tr("Firma"))
        self._kind = QButtonGroup(self)
        self._kind.addButton(self.private)
        self._kind.addButton(self.business)
        self.private.setChecked(True)
        kind = QWidget()
        kind_row = QHBoxLayout(kind)
        kind_row.setContentsMargins(0, 0, 0, 0)
        kind_row.addWidget(self.private)
        kind_row.addWidget(self.business)
        kind_row.addStretch(1)

        self.salutation = _salutation_combo()
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("z. B. Dr."))
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.company = QLineEdit()
        self.street = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode.setMaximumWidth(90)
        self.city = QLineEdit()
        self.country = QComboBox()
        self.country.setEditable(True)
        self.country.addItems(COUNTRIES)
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.mobile = QLineEdit()
        self.birth_day = self._spin(0, 31, tr("Tag"))
        self.birth_month = self._spin(0, 12, tr("Monat"))
        self.birth_year = self._spin(0, 2999, tr("Jahr (optional)"))
        birthday = QWidget()
        birthday_row = QHBoxLayout(birthday)
        birthday_row.setContentsMargins(0, 0, 0, 0)
        for spin, sep in ((self.birth_day, "."), (self.birth_month, "."), (self.birth_year, "")):
            birthday_row.addWidget(spin)
            if sep:
                birthday_row.addWidget(QLabel(sep))
        birthday_row.addStretch(1)
        self.owner = QComboBox()
        self.owner.addItem(tr("(niemand)"), "")
        self.set_staff(staff)
        self.tags = TagsEdit(known_tags)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(60)

        self.postcode.setMinimumWidth(70)
        place = self._row(self.errors.wrap("postcode", self.postcode),
                          (self.errors.wrap("city", self.city), 1),
                          self.errors.wrap("country", self.country))
        # Anrede and Titel share a row, so Tab goes from Vorname straight to Nachname.
        self.title.setMaximumWidth(120)
        greeting = self._row(self.errors.wrap("salutation", self.salutation),
                             QLabel(tr("Titel")), self.errors.wrap("title", self.title))
        self.last_name_caption = QLabel(tr("Nachname"))
        self.company_caption = QLabel(tr("Firma"))
        self.required_hint = QLabel(tr("* Pflichtfeld"))
        self.private.toggled.connect(self._mark_required)
        self._mark_required()

        form = QFormLayout()
        rows: list[tuple[str | QLabel, QWidget]] = [
            (tr("Kundenart"), self.errors.wrap("kind", kind)),
            (tr("Anrede"), greeting),
            (tr("Vorname"), self.errors.wrap("first_name", self.first_name)),
            (self.last_name_caption, self.errors.wrap("last_name", self.last_name)),
            (self.company_caption, self.errors.wrap("company", self.company)),
            (tr("Straße"), self.errors.wrap("street", self.street)),
            (tr("PLZ / Ort / Land"), place),
            (tr("E-Mail"), self.errors.wrap("email", self.email)),
            (tr("Telefon"), self.errors.wrap("phone", self.phone)),
            (tr("Mobil"), self.errors.wrap("mobile", self.mobile)),
            (tr("Geburtstag"), self.errors.wrap("birthday", birthday)),
            (tr("Betreuer"), self.errors.wrap("owner", self.owner)),
            (tr("Schlagwörter"), self.errors.wrap("tags", self.tags)),
            (tr("Notizen"), self.errors.wrap("notes", self.notes)),
        ]
        for caption, field in rows:
            form.addRow(caption, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.errors.general)
        layout.addLayout(form)
        layout.addWidget(self.required_hint)

    def first_field(self) -> QWidget:
        """Where typing starts: Vorname for a person, Firma for a business."""
        return self.company if self.business.isChecked() else self.first_name

    def _mark_required(self) -> None:
        """A person needs a Nachname, a business a Firma (the service's rule)."""
        business = self.business.isChecked()
        self.last_name_caption.setText(tr("Nachname") + ("" if business else REQUIRED))
        self.company_caption.setText(tr("Firma") + (REQUIRED if business else ""))

    @staticmethod
    def _row(*cells: QWidget | tuple[QWidget, int]) -> QWidget:
        """Several fields on one line of the form."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for cell in cells:
            widget, stretch = cell if isinstance(cell, tuple) else (cell, 0)
            line.addWidget(widget, stretch)
        return row

    @staticmethod
    def _spin(low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSpecialValueText("–")
        spin.setToolTip(tip)
        return spin

    def set_staff(self, staff: Sequence[str]) -> None:
        """Offer a changed staff list; the chosen Betreuer stays chosen, even one no longer
        listed, so an open form neither loses an unsaved choice nor silently changes one."""
        current = self.owner.currentData() or ""
        self.owner.blockSignals(True)
        while self.owner.count() > 1:
            self.owner.removeItem(1)
        for name in staff:
            self.owner.addItem(name, name)
        _set_combo(self.owner, current)
        self.owner.blockSignals(False)

    def value(self) -> CustomerInput:
        day, month, year = (self.birth_day.value(), self.birth_month.value(),
                            self.birth_year.value())
        birthday = Birthday(day, month, year or None) if day or month or year else None
        return CustomerInput(
            kind="business" if self.business.isChecked() else "private",
            salutation=self.salutation.currentData() or "",
            title=self.title.text(), first_name=self.first_name.text(),
            last_name=self.last_name.text(), company=self.company.text(),
            street=self.street.text(), postcode=self.postcode.text(), city=self.city.text(),
            country=self.country.currentText().strip().upper() or "DE",
            email=self.email.text(), phone=self.phone.text(), mobile=self.mobile.text(),
            birthday=birthday, notes=self.notes.toPlainText(),
            owner=self.owner.currentData() or "", tags=self.tags.tags())

    def set_value(self, customer: CustomerDetail) -> None:
        (self.business if customer.kind == "business" else self.private).setChecked(True)
        _set_combo(self.salutation, customer.salutation)
        self.title.setText(customer.title)
        self.first_name.setText(customer.first_name)
        self.last_name.setText(customer.last_name)
        self.company.setText(customer.company)
        self.street.setText(customer.street)
        self.postcode.setText(customer.postcode)
        self.city.setText(customer.city)
        self.country.setCurrentText(customer.country)
        self.email.setText(customer.email)
        self.phone.setText(display_phone(customer.phone))
        self.mobile.setText(display_phone(customer.mobile))
        birthday = customer.birthday
        self.birth_day.setValue(birthday.day if birthday else 0)
        self.birth_month.setValue(birthday.month if birthday else 0)
        self.birth_year.setValue(birthday.year or 0 if birthday else 0)
        _set_combo(self.owner, customer.owner)
        self.tags.set_tags(customer.tags)
        self.notes.setPlainText(customer.notes)
        self.errors.clear()


class EditDialog(QDialog):
    """A small form dialog whose OK calls `save`; a ValidationError keeps it open with the
    reasons shown beside the fields."""

    def __init__(self, title: str, save: Callable[[Any], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self._save = save
        self.result_value: object = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)  # Enter in any field saves (when it may)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(DIALOG_MIN_WIDTH)
        ctrl_enter_accepts(self)

    def value(self) -> object:
        raise NotImplementedError

    def accept(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            self.result_value = self._save(self.value())
        except ValidationError as error:
            self.errors.show(error.fields)
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            return
        super().accept()


class ContactDialog(EditDialog):
    def __init__(self, save: Callable[[ContactInput], object],
                 contact: ContactPersonDTO | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("Ansprechperson"), save, parent)
        self.salutation = _salutation_combo()
        self.title = QLineEdit()
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.role = QLineEdit()
        self.role.setPlaceholderText(tr("z. B. Hausverwaltung, Einkauf"))
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.primary = QCheckBox(tr("Hauptansprechperson"))
        for caption, key, widget in (
                (tr("Anrede"), "salutation", self.salutation), (tr("Titel"), "title", self.title),
                (tr("Vorname"), "first_name", self.first_name),
                (tr("Nachname"), "last_name", self.last_name),
                (tr("Funktion"), "role", self.role), (tr("Telefon"), "phone", self.phone),
                (tr("E-Mail"), "email", self.email), ("", "is_primary", self.primary)):
            self.form.addRow(caption, self.errors.wrap(key, widget))
        if contact is not None:
            _set_combo(self.salutation, contact.salutation)
            self.title.setText(contact.title)
            self.first_name.setText(contact.first_name)
            self.last_name.setText(contact.last_name)
            self.role.setText(contact.role)
            self.phone.setText(contact.phone_display)
            self.email.setText(contact.email)
            self.primary.setChecked(contact.is_primary)
        self.first_name.setFocus()

    def value(self) -> ContactInput:
        return ContactInput(
            salutation=self.salutation.currentData() or "", title=self.title.text(),
            first_name=self.first_name.text(), last_name=self.last_name.text(),
            role=self.role.text(), phone=self.phone.text(), email=self.email.text(),
            is_primary=self.primary.isChecked())


class AddressDialog(EditDialog):
    def __init__(self, save: Callable[[AddressInput], object],
                 address: AddressDTO | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("Adresse"), save, parent)
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.addItems([tr(label) for label in ADDRESS_LABELS])
        self.street = QLineEdit()
        self.postcode = QLineEdit()
        self.city = QLineEdit()
        self.country = QComboBox()
        self.country.setEditable(True)
        self.country.addItems(COUNTRIES)
        self.notes = QLineEdit()
        for caption, key, widget in (
                (tr("Bezeichnung") + REQUIRED, "label", self.label),
                (tr("Straße"), "street", self.street),
                (tr("PLZ"), "postcode", self.postcode), (tr("Ort"), "city", self.city),
                (tr("Land"), "country", self.country), (tr("Hinweis"), "notes", self.notes)):
            self.form.addRow(caption, self.errors.wrap(key, widget))
        self.form.addRow(QLabel(tr("* Pflichtfeld; dazu Straße, PLZ oder Ort.")))
        if address is not None:
            self.label.setCurrentText(address.label)
            self.street.setText(address.street)
            self.postcode.setText(address.postcode)
            self.city.setText(address.city)
            self.country.setCurrentText(address.country)
            self.notes.setText(address.notes)
        for field in (self.street, self.postcode, self.city):
            field.textChanged.connect(self._allow_save)
        self._allow_save()
        self.label.setFocus()
        edit = self.label.lineEdit()
        assert edit is not None  # the combo is editable
        edit.selectAll()  # typing replaces the suggested Bezeichnung

    def _allow_save(self) -> None:
        """An address with neither street, postcode nor city is no address: Speichern (and
        Enter) wait until one of them is filled."""
        self.save_button.setEnabled(any(
            field.text().strip() for field in (self.street, self.postcode, self.city)))

    def value(self) -> AddressInput:
        return AddressInput(
            label=self.label.currentText(), street=self.street.text(),
            postcode=self.postcode.text(), city=self.city.text(),
            country=self.country.currentText().strip().upper() or "DE",
            notes=self.notes.text())
