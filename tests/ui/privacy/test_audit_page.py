"""The Änderungsprotokoll page in words, with "Wer" filled for changes made in the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.customers.customer_form import AddressDialog, ContactDialog
from app.ui.customers.customer_view import CustomerView
from app.ui.preferences import set_staff_name
from app.ui.privacy.page import PrivacyPage


def test_address_and_contact_changes_in_the_window_show_who_and_what_in_words(
    qtbot: QtBot, context: AppContext,
) -> None:
    set_staff_name("Geselle Tim")
    cid = context.services.customers.create(CustomerInput(
        kind="business", company="Bau GmbH"), by="Büro").id
    view = CustomerView(context, cid)
    qtbot.addWidget(view)
    assert view.addresses is not None and view.contacts is not None
    dialog = view.addresses.add()
    assert isinstance(dialog, AddressDialog)
    qtbot.keyClicks(dialog.street, "Am Hang 3")
    with qtbot.waitSignal(context.bus.changed):
        dialog.accept()
    view.addresses.table.selectRow(0)
    dialog = view.addresses.edit()
    assert isinstance(dialog, AddressDialog)
    dialog.city.setText("Dresden")
    with qtbot.waitSignal(context.bus.changed):
        dialog.accept()
    dialog = view.contacts.add()
    assert isinstance(dialog, ContactDialog)
    qtbot.keyClicks(dialog.last_name, "Roth")
    with qtbot.waitSignal(context.bus.changed):
        dialog.accept()

    page = PrivacyPage(context)
    qtbot.addWidget(page)
    model = page.audit.model
    rows = [tuple(model.index(r, c).data() for c in (1, 2, 3)) for r in range(model.rowCount())]
    assert rows == [
        ("Geselle Tim", "K-000001", "Ansprechperson angelegt"),
        ("Geselle Tim", "K-000001", "Adresse geändert: Ort"),
        ("Geselle Tim", "K-000001", "Adresse angelegt"),
        ("Büro", "K-000001", "Angelegt"),
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Zeitpunkt", "Wer", "Kunde", "Was"]
