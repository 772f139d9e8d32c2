"""The customer view: one non-modal window per customer with Stammdaten, contact persons,
addresses, contact history and the tabs features register in `CUSTOMER_TABS`.

Twelve tabs do not fit in one tab bar of a 1366×768 laptop, so the view lists its tabs in a
column on the left (the tab widget keeps Strg+Tab and the pages). It is a window of its own,
not a dialog owned by the main window: it does not stay above the main window, and closing
the main window still ends the program."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.customers.dto import (
    AddressDTO,
    AddressInput,
    ContactInput,
    ContactPersonDTO,
    CustomerDetail,
    CustomerInput,
)
from app.services.errors import NotFoundError, StammkundeError, ValidationError
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.customers.customer_form import AddressDialog, ContactDialog, CustomerForm
from app.ui.customers.duplicates_dialog import DuplicatesDialog
from app.ui.customers.table_model import CLASS_COLOURS, CLASS_TEXT
from app.ui.customers.timeline_tab import NoteDialog, TimelineTab
from app.ui.errors import show_error
from app.ui.icons import icon
from app.ui.messages import tone_style
from app.ui.palette import Tone
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, table_view
from app.ui.screen_fit import resize_to_fit


def tr(text: str) -> str:
    return QCoreApplication.translate("Kundenansicht", text)


class _ListTab(QWidget):
    """A table with Hinzufügen / Bearbeiten / Entfernen; the subclass knows the cells of a
    row and the dialogs."""

    def __init__(self, context: AppContext, customer_id: int, headers: Sequence[str],
                 widths: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.model = RowsModel[object](headers, self, cell_tooltips=True)
        self.table = table_view(self.model, widths=widths)
        self.table.activated.connect(lambda _index: self.edit())
        self.add_button = QPushButton(icon("plus"), tr("Hinzufügen …"))
        self.edit_button = QPushButton(icon("pencil"), tr("Bearbeiten …"))
        self.remove_button = QPushButton(icon("trash-2"), tr("Entfernen"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        add_row_menu(self.table, self.edit_button, self.remove_button, None, self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.dialog: QDialog | None = None

    def set_items(self, items: Sequence[object]) -> None:
        self.model.set_rows(Row(self.cells(item), item) for item in items)

    def selected(self) -> object | None:
        row = self.table.currentIndex().row()
        return self.model.payload(row) if row >= 0 else None

    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not blocking: the caller (and a test) can go on with the dialog."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _confirm_remove(self, what: str) -> bool:
        return confirm(self, title=tr("Entfernen"), text=what, action=tr("Entfernen"))

    def cells(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def add(self) -> QDialog:
        raise NotImplementedError

    def edit(self) -> QDialog | None:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError


class ContactsTab(_ListTab):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, customer_id,
                         [tr("Name"), tr("Funktion"), tr("Telefon"), tr("E-Mail"), tr("Haupt")],
                         (220, 160, 140, 220), parent)

    def cells(self, item: ContactPersonDTO) -> tuple[str, ...]:
        return (" ".join(p for p in (item.salutation, item.name) if p), item.role,
                item.phone_display, item.email, "✓" if item.is_primary else "")

    def add(self) -> QDialog:
        customers = self.context.services.customers

        def save(data: ContactInput) -> object:
            return customers.add_contact(self.customer_id, data, by=self.context.actor)

        return self._open(ContactDialog(save, None, self))

    def edit(self) -> QDialog | None:
        contact = self.selected()
        if not isinstance(contact, ContactPersonDTO):
            return None
        customers = self.context.services.customers

        def save(data: ContactInput) -> object:
            return customers.update_contact(contact.id, data, by=self.context.actor)

        return self._open(ContactDialog(save, contact, self))

    def remove(self) -> None:
        contact = self.selected()
        if isinstance(contact, ContactPersonDTO) and self._confirm_remove(
                tr("Ansprechperson „{0}“ entfernen?").format(contact.name)):
            self.context.services.customers.remove_contact(
                contact.id, by=self.context.actor)


class AddressesTab(_ListTab):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, customer_id,
                         [tr("Bezeichnung"), tr("Straße"), tr("PLZ"), tr("Ort"), tr("Hinweis")],
                         (180, 200, 70, 160), parent)

    def cells(self, item: AddressDTO) -> tuple[str, ...]:
        return (item.label, item.street, item.postcode, item.city, item.notes)

    def add(self) -> QDialog:
        customers = self.context.services.customers

        def save(data: AddressInput) -> object:
            return customers.add_address(self.customer_id, data, by=self.context.actor)

        return self._open(AddressDialog(save, None, self))

    def edit(self) -> QDialog | None:
        address = self.selected()
        if not isinstance(address, AddressDTO):
            return None
        customers = self.context.services.customers

        def save(data: AddressInput) -> object:
            return customers.update_address(address.id, data, by=self.context.actor)

        return self._open(AddressDialog(save, address, self))

    def remove(self) -> None:
        address = self.selected()
        if isinstance(address, AddressDTO) and self._confirm_remove(
                tr("Adresse „{0}“ entfernen?").format(address.label)):
            self.context.services.customers.remove_address(
                address.id, by=self.context.actor)


class CustomerView(QDialog):
    """One customer (or a new one while `customer_id` is None).

    Signals: saved_as(customer_id) — a new customer was saved and got its id.
    """

    saved_as = Signal(int)

    def __init__(self, context: AppContext, customer_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A plain window (not Qt.Dialog, no transient owner): it can go behind the main window.
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.WindowMinMaxButtonsHint
                            | Qt.WindowType.WindowCloseButtonHint)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.context = context
        self.customer_id = customer_id
        self.detail: CustomerDetail | None = None
        self.duplicates_dialog: DuplicatesDialog | None = None
        self.note_dialog: NoteDialog | None = None
        self.discard_question: QMessageBox | None = None
        self._saved_input: CustomerInput | None = None
        services = context.services

        self.number_label = QLabel()
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.class_label = QLabel()
        self.class_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.class_label.setMinimumWidth(80)
        self.archived_label = QLabel(tr("archiviert"))
        self.archived_label.setStyleSheet(tone_style(Tone.ERROR))
        header = QHBoxLayout()
        header.addWidget(self.number_label)
        header.addWidget(self.name_label, 1)
        header.addWidget(self.archived_label)
        header.addWidget(self.class_label)
        self.why_button = QPushButton()
        self.why_button.setToolTip(tr("Zeigt im Reiter „Umsätze“, warum der Kunde in dieser "
                                      "Klasse ist"))
        self.why_button.clicked.connect(self.show_class_reason)
        header.addWidget(self.why_button)

        self.form = CustomerForm(services.settings.staff(), services.customers.tags())
        self.save_button = QPushButton(icon("save"), tr("Speichern (Strg+S)"))
        self.save_button.clicked.connect(self.save)
        self.archive_button = QPushButton()
        self.archive_button.clicked.connect(self.toggle_archived)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch(1)
        form_buttons.addWidget(self.archive_button)
        form_buttons.addWidget(self.save_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        master = QWidget()
        master_layout = QVBoxLayout(master)
        master_layout.addWidget(scroll, 1)
        master_layout.addLayout(form_buttons)

        self.tabs = QTabWidget()
        self.tabs.tabBar().hide()  # the column on the left lists the tabs
        # ...and takes Tab's stop: the hidden tab bar (the tab widget's focus proxy) would
        # catch Tab and keep the focus in the column
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(master, tr("Stammdaten"))
        self.tab_list = QListWidget()
        self.tab_list.setAccessibleName(tr("Bereiche"))
        self.tab_list.currentRowChanged.connect(self._tab_chosen)
        self.tabs.currentChanged.connect(self.tab_list.setCurrentRow)
        self.contacts: ContactsTab | None = None
        self.addresses: AddressesTab | None = None
        self.timeline: TimelineTab | None = None
        self.extra_tabs: dict[str, QWidget] = {}

        body = QHBoxLayout()
        body.addWidget(self.tab_list)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+T"), self, lambda: self.note("phone"))
        context.bus.changed.connect(self._on_changed)
        if customer_id is None:
            self._show_header(None)
            self._saved_input = self.form.value()
        else:
            self._load(customer_id)
            self._add_customer_tabs(customer_id)
        self._list_tabs()
        resize_to_fit(self, QSize(1100, 720))
        self._no_default_buttons()
        self.form.first_field().setFocus()

    # --- actions -----------------------------------------------------------------------

    def save(self) -> None:
        """Validate, ask about duplicates, then create or update (and merge if chosen)."""
        data = self.form.value()
        customers = self.context.services.customers
        try:
            customers.validate(data)
        except ValidationError as error:
            self.form.errors.show(error.fields)
            return
        self.form.errors.clear()
        hints = customers.duplicates(data, exclude_id=self.customer_id)
        if self.detail is not None:  # an edit only asks about duplicates it newly creates
            known = {h.customer.id for h in customers.duplicates(
                self.detail.as_input(), exclude_id=self.customer_id)}
            hints = [h for h in hints if h.customer.id not in known]
        if not hints:
            self._store(data, merge_with=None)
            return
        dialog = DuplicatesDialog(hints, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.duplicates_dialog = dialog
        dialog.accepted.connect(lambda: self._store(data, merge_with=dialog.merge_with))
        dialog.open()

    def toggle_archived(self) -> None:
        if self.detail is None:
            return
        archived = self.detail.archived_at is None
        self.context.services.customers.set_archived(
            self.detail.id, archived, by=self.context.actor)

    def note(self, channel: str) -> NoteDialog | None:
        """Open the note dialog (Ctrl+T: a phone call with the subject focused)."""
        if self.customer_id is None:
            return None
        if self.timeline is not None:
            self.tabs.setCurrentWidget(self.timeline)
        dialog = NoteDialog(self.context, self.customer_id, channel, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.note_dialog = dialog
        dialog.open()
        return dialog

    def show_class_reason(self) -> None:
        """"Warum A?": the tab registered as "sales" shows the reason of the class."""
        tab = self.extra_tabs.get("sales")
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            tab.show_class_reason()  # type: ignore[attr-defined]

    def is_dirty(self) -> bool:
        return self._saved_input is not None and self.form.value() != self._saved_input

    def reject(self) -> None:
        """Esc closes; unsaved changes are not thrown away without asking "Speichern /
        Verwerfen / Abbrechen" as every Windows program does (window-modal, so closing the
        program never blocks on it)."""
        if not self.is_dirty():
            super().reject()
            return
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, tr("Ungespeicherte Änderungen"),
                          tr("Die Änderungen an diesem Kunden sind nicht gespeichert."),
                          buttons.Save | buttons.Discard | buttons.Cancel, self)
        for button, text in ((buttons.Save, tr("Speichern")), (buttons.Discard, tr("Verwerfen")),
                             (buttons.Cancel, tr("Abbrechen"))):
            box.button(button).setText(text)
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _code: self._close_as(box.standardButton(box.clickedButton())))
        self.discard_question = box
        box.open()

    def _close_as(self, answer: QMessageBox.StandardButton) -> None:
        """Speichern closes once saved (a wrong field or the duplicate question keeps the
        view open), Verwerfen closes at once, Abbrechen stays."""
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            if not self.is_dirty():
                super().reject()
        elif answer == QMessageBox.StandardButton.Discard:
            self._saved_input = None
            super().reject()

    # --- internals ---------------------------------------------------------------------

    def _store(self, data: CustomerInput, *, merge_with: int | None) -> None:
        customers = self.context.services.customers
        by = self.context.actor
        try:
            if self.customer_id is None:
                detail = customers.create(data, by=by)
            else:
                detail = customers.update(self.customer_id, data, by=by)
            if merge_with is not None:
                customers.merge(merge_with, detail.id, by=by)
        except ValidationError as error:
            self.form.errors.show(error.fields)
            return
        except StammkundeError as error:
            show_error(self, error)
            return
        if merge_with is not None:
            self._saved_input = None
            self.done(QDialog.DialogCode.Accepted)
            self.context.open_customer(merge_with)
            return
        is_new = self.customer_id is None
        self.customer_id = detail.id
        self._show(detail)
        if is_new:
            self._add_customer_tabs(detail.id)
            self.saved_as.emit(detail.id)

    def _load(self, customer_id: int) -> None:
        self._show(self.context.services.customers.get(customer_id))

    def _show(self, detail: CustomerDetail) -> None:
        self.detail = detail
        self.form.set_value(detail)
        self._saved_input = self.form.value()
        self._show_header(detail)
        self._show_lists(detail)

    def _show_lists(self, detail: CustomerDetail) -> None:
        if self.contacts is not None and self.addresses is not None:
            self.contacts.set_items(detail.contacts)
            self.addresses.set_items(detail.addresses)

    def _show_header(self, detail: CustomerDetail | None) -> None:
        if detail is None:
            self.setWindowTitle(tr("Neuer Kunde"))
            self.number_label.setText(tr("neu"))
            self.name_label.setText(tr("Neuer Kunde"))
            self.class_label.hide()
            self.why_button.hide()
            self.archived_label.hide()
            self.archive_button.hide()
            return
        self.setWindowTitle(f"{detail.display_name} – {detail.number}")
        self.number_label.setText(detail.number)
        self.name_label.setText(detail.display_name)
        rows = self.context.services.customers.rows([detail.id])
        klass = rows[0].abc_class if rows else None
        if klass in CLASS_COLOURS:
            self.class_label.setText(tr("Klasse {0}").format(klass))
            self.class_label.setStyleSheet(
                f"background: {CLASS_COLOURS[klass].name()}; color: {CLASS_TEXT[klass].name()};"
                " border-radius: 4px; padding: 3px 8px; font-weight: bold;")
            self.class_label.show()
            self.why_button.setText(tr("Warum {0}?").format(klass))
            self.why_button.show()
        else:
            self.class_label.hide()
            self.why_button.hide()
        archived = detail.archived_at is not None
        self.archived_label.setVisible(archived)
        self.archive_button.setText(tr("Reaktivieren") if archived else tr("Archivieren"))
        self.archive_button.show()

    def _add_customer_tabs(self, customer_id: int) -> None:
        from app.ui.main_window import CUSTOMER_TABS

        self.contacts = ContactsTab(self.context, customer_id)
        self.addresses = AddressesTab(self.context, customer_id)
        self.timeline = TimelineTab(self.context, customer_id)
        self.timeline.note_requested.connect(self.note)
        if self.detail is not None:
            self._show_lists(self.detail)
        self.tabs.addTab(self.contacts, tr("Ansprechpersonen"))
        self.tabs.addTab(self.addresses, tr("Adressen"))
        self.tabs.addTab(self.timeline, tr("Kontakthistorie"))
        for spec in CUSTOMER_TABS:
            tab = spec.factory(self.context, customer_id, self)
            self.extra_tabs[spec.key] = tab
            self.tabs.addTab(tab, spec.title().replace("&", "&&"))  # "&" is no shortcut
        self._list_tabs()
        self._no_default_buttons()

    def _retire(self) -> None:
        """Close for good: the customer is gone. The tabs go first, at once, so none of them
        asks the services about the customer later in this same change notification."""
        self._saved_input = None
        for tab in (self.contacts, self.addresses, self.timeline, *self.extra_tabs.values()):
            if tab is not None:
                self.tabs.removeTab(self.tabs.indexOf(tab))
                shiboken6.delete(tab)
        self.contacts = self.addresses = self.timeline = None
        self.extra_tabs.clear()
        self._list_tabs()
        self.done(QDialog.DialogCode.Rejected)

    def _list_tabs(self) -> None:
        """The column of tabs: one row per tab, as wide as the longest title."""
        self.tab_list.blockSignals(True)
        self.tab_list.clear()
        metrics = self.tab_list.fontMetrics()
        width = 0
        for index in range(self.tabs.count()):
            text = self.tabs.tabText(index).replace("&&", "&")
            item = QListWidgetItem(self.tabs.tabIcon(index), text)
            item.setSizeHint(QSize(metrics.horizontalAdvance(text), metrics.height() + 12))
            self.tab_list.addItem(item)
            width = max(width, metrics.horizontalAdvance(text))
        self.tab_list.setCurrentRow(self.tabs.currentIndex())
        self.tab_list.blockSignals(False)
        icon = self.tab_list.iconSize().width() + 8 if any(
            not self.tabs.tabIcon(i).isNull() for i in range(self.tabs.count())) else 0
        self.tab_list.setFixedWidth(width + icon + 2 * self.tab_list.frameWidth() + 24)

    def _tab_chosen(self, row: int) -> None:
        if row >= 0:
            self.tabs.setCurrentIndex(row)

    def _no_default_buttons(self) -> None:
        """Enter in a field must never press "Archivieren" or "Entfernen" (QDialog makes
        auto-default buttons default); saving is Ctrl+S."""
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.SETTINGS):
            self.form.set_staff(self.context.services.settings.staff())
        if self.customer_id is None:
            return
        if not self.context.services.customers.exists(self.customer_id):
            # Whatever the notification says (an erasure can be told in more than one), this
            # window goes before its tabs ask the services about a customer that is gone.
            self._retire()
            return
        if changes.touches(Domain.CUSTOMERS, self.customer_id):
            try:
                detail = self.context.services.customers.get(self.customer_id)
            except NotFoundError:  # merged into another customer, or erased (Art. 17)
                self._retire()
                return
            if changes.touches(Domain.PRIVACY, self.customer_id) and (
                    self.context.services.privacy.overview(self.customer_id).anonymized_at
                    is not None):  # erased, only records the law requires keeping are left
                self._retire()
                return
            if self.is_dirty():
                self.detail = detail
                self._show_header(detail)
                self._show_lists(detail)
            else:
                self._show(detail)
        elif self.detail is not None and changes.touches(Domain.CLASSES, self.customer_id):
            self._show_header(self.detail)
        if self.timeline is not None and (
                changes.touches(Domain.TIMELINE, self.customer_id)
                or changes.touches(Domain.CUSTOMERS, self.customer_id)):
            self.timeline.reload()


