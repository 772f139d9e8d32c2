"""The customer view: Stammdaten form with inline errors, contact persons, addresses,
the contact history with "Anruf notieren", duplicates and merging, archiving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.changes import Changes
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage
from app.ui.main_window import CUSTOMER_TABS
from app.ui.preferences import set_staff_name
from app.ui.settings_dialog import SettingsDialog, StaffPage

MEIER = CustomerInput(last_name="Meier", first_name="Hans", postcode="80331", city="München")


def open_view(context: AppContext, qtbot: QtBot, customer_id: int | None) -> CustomerView:
    view = CustomerView(context, customer_id)
    qtbot.addWidget(view)
    view.show()
    activate(view, qtbot)
    return view


def activate(view: QDialog, qtbot: QtBot) -> None:
    """Window shortcuts (Ctrl+S, Ctrl+T, Esc) only fire in the active window."""
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)


def test_a_new_customer_with_a_bad_email_shows_the_error_inline_and_saves_nothing(
        context: AppContext, qtbot: QtBot) -> None:
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    view = page.new_customer()
    assert isinstance(view, CustomerView)
    activate(view, qtbot)
    qtbot.keyClicks(view.form.last_name, "Schulz")
    qtbot.keyClicks(view.form.email, "schulz@@example")
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    error = view.form.errors.label("email")
    assert error.isVisible()
    assert "keine gültige E-Mail-Adresse" in error.text()
    assert context.services.customers.count() == 0
    assert page.count_label.text() == "0 Kunden"
    view.form.email.setText("schulz@example.de")
    with qtbot.waitSignal(context.bus.changed):
        view.save()
    assert not error.isVisible()
    assert context.services.customers.count() == 1
    assert page.count_label.text() == "1 Kunde"
    assert view.number_label.text() == "K-000001"
    assert view.tabs.count() == 4 + len(CUSTOMER_TABS)  # the others appear once it exists
    view.form.notes.setPlainText("geändert")
    assert view.is_dirty()


def test_a_contact_person_is_added_through_its_dialog(
        context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(
        CustomerInput(kind="business", company="Bau GmbH")).id
    view = open_view(context, qtbot, cid)
    assert view.contacts is not None
    dialog = view.contacts.add()
    qtbot.keyClicks(dialog.first_name, "Eva")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.last_name, "Roth")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.phone, "1")  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.isVisible()  # a bad phone number keeps the dialog open
    assert dialog.errors.label("phone").text()  # type: ignore[attr-defined]
    dialog.phone.setText("030 1234567")  # type: ignore[attr-defined]
    dialog.primary.setChecked(True)  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: view.contacts is not None and view.contacts.model.rowCount() == 1)
    row = [view.contacts.model.index(0, c).data() for c in range(5)]
    assert row == ["Eva Roth", "", "030 1234567", "", "✓"]
    assert [c.last_name for c in context.services.customers.get(cid).contacts] == ["Roth"]


def test_an_address_is_added_with_its_label(context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Vermieter")).id
    view = open_view(context, qtbot, cid)
    assert view.addresses is not None
    dialog = view.addresses.add()
    dialog.label.setCurrentText("Baustellenadresse")  # type: ignore[attr-defined]
    dialog.street.setText("Am Markt 1")  # type: ignore[attr-defined]
    dialog.postcode.setText("24103")  # type: ignore[attr-defined]
    with qtbot.waitSignal(context.bus.changed):
        dialog.accept()
    assert view.addresses.model.index(0, 0).data() == "Baustellenadresse"


def test_ctrl_t_notes_a_call_that_appears_in_the_timeline(
        context: AppContext, qtbot: QtBot) -> None:
    set_staff_name("Meister Krause")
    cid = context.services.customers.create(CustomerInput(last_name="Anrufer")).id
    view = open_view(context, qtbot, cid)
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = view.note_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.channel.currentText() == "Telefon"
    qtbot.waitUntil(dialog.subject.hasFocus)
    qtbot.keyClicks(dialog.subject, "Termin vereinbart")
    with qtbot.waitSignals([context.bus.changed, dialog.finished]):
        qtbot.keyClick(dialog.subject, Qt.Key.Key_Return)
    assert view.timeline is not None
    assert view.tabs.currentWidget() is view.timeline
    first = [view.timeline.model.index(0, c).data() for c in range(5)]
    assert first == ["15.03.2026 10:30", "Telefon", "Termin vereinbart", "", "Meister Krause"]


def test_a_duplicate_at_the_same_postcode_is_offered_for_merging(
        context: AppContext, qtbot: QtBot) -> None:
    existing = context.services.customers.create(MEIER).id
    opened: list[int] = []
    context.open_customer = opened.append
    view = open_view(context, qtbot, None)
    qtbot.keyClicks(view.form.first_name, "Hans")
    qtbot.keyClicks(view.form.last_name, "Meyer")
    qtbot.keyClicks(view.form.postcode, "80331")
    qtbot.keyClicks(view.form.phone, "089 123456")
    view.save()
    dialog = view.duplicates_dialog
    assert dialog is not None and dialog.isVisible()
    assert "K-000001" in dialog.list.item(0).text()
    assert "ähnlicher Name an gleicher PLZ" in dialog.list.item(0).text()
    assert dialog.merge.text() == "Mit K-000001 zusammenführen"
    assert context.services.customers.count() == 0 + 1  # nothing saved while asking
    dialog.merge.click()
    assert context.services.customers.count() == 1
    survivor = context.services.customers.get(existing)
    assert survivor.phone == "+4989123456"  # the empty field was filled from the new data
    assert opened == [existing]
    assert view.result() == QDialog.DialogCode.Accepted
    subjects = [e.subject for e in context.services.timeline.entries(existing)]
    assert any(s.startswith("Zusammengeführt mit K-000002") for s in subjects)


@pytest.mark.parametrize(("button", "saved"), [("save_anyway", 2), ("cancel", 1)])
def test_the_duplicate_question_can_be_answered_with_save_or_cancel(
        context: AppContext, qtbot: QtBot, button: str, saved: int) -> None:
    context.services.customers.create(MEIER)
    view = open_view(context, qtbot, None)
    view.form.last_name.setText("Mayer")
    view.form.postcode.setText("80331")
    view.save()
    assert view.duplicates_dialog is not None
    getattr(view.duplicates_dialog, button).click()
    assert context.services.customers.count() == saved


def test_editing_does_not_ask_again_about_a_known_duplicate(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.customers.create(MEIER)
    other = context.services.customers.create(
        CustomerInput(last_name="Mayer", first_name="Hans", postcode="80331")).id
    view = open_view(context, qtbot, other)
    view.form.city.setText("München")
    view.save()
    assert view.duplicates_dialog is None
    assert context.services.customers.get(other).city == "München"


def test_archiving_and_reactivating_from_the_view(context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = open_view(context, qtbot, cid)
    assert view.archive_button.text() == "Archivieren"
    with qtbot.waitSignal(context.bus.changed):
        view.archive_button.click()
    assert context.services.customers.get(cid).archived_at is not None
    assert view.archive_button.text() == "Reaktivieren"
    assert view.archived_label.isVisible()
    view.archive_button.click()
    assert context.services.customers.get(cid).archived_at is None


def test_escape_closes_an_unchanged_view(context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = open_view(context, qtbot, cid)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_every_item_model_of_the_view_passes_the_model_tester(
        context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    from app.services.customers.dto import AddressInput, ContactInput

    customers = context.services.customers
    cid = customers.create(CustomerInput(kind="business", company="Bau GmbH")).id
    customers.add_contact(cid, ContactInput(last_name="Roth", is_primary=True), by="Büro")
    customers.add_address(cid, AddressInput(label="Objekt", postcode="24103"), by="Büro")
    context.services.timeline.add(cid, channel="phone", subject="Rückruf")
    view = open_view(context, qtbot, cid)
    assert view.contacts and view.addresses and view.timeline
    for model in (view.contacts.model, view.addresses.model, view.timeline.model):
        assert model.rowCount() >= 1
        qtmodeltester.check(model)


def test_escape_with_unsaved_changes_asks_before_discarding(
        context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = open_view(context, qtbot, cid)
    view.form.city.setText("Kiel")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    question = view.discard_question
    assert question is not None and question.isVisible() and view.isVisible()
    question.button(question.StandardButton.Discard).click()
    assert not view.isVisible()
    assert context.services.customers.get(cid).city == ""


def test_enter_in_a_field_neither_archives_nor_saves(
        context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = open_view(context, qtbot, cid)
    view.form.city.setText("Kiel")
    qtbot.keyClick(view.form.city, Qt.Key.Key_Return)
    customer = context.services.customers.get(cid)
    assert customer.archived_at is None
    assert customer.city == ""
    view.form.city.setText("")


def test_an_open_view_offers_a_changed_staff_list_and_keeps_unsaved_edits(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.settings.set_staff(["Meister Krause", "Geselle Tim"])
    cid = context.services.customers.create(CustomerInput(
        last_name="Alt", owner="Geselle Tim")).id
    view = open_view(context, qtbot, cid)
    view.form.city.setText("Kiel")
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    staff = dialog.pages["staff"]
    assert isinstance(staff, StaffPage)
    staff.staff.setCurrentRow(1)
    staff.remove()  # the customer's own Betreuer leaves the list
    qtbot.keyClicks(staff.new_name, "Azubi Lea")
    qtbot.keyClick(staff.new_name, Qt.Key.Key_Return)
    dialog.accept()
    owners = [view.form.owner.itemText(i) for i in range(view.form.owner.count())]
    assert owners == ["(niemand)", "Meister Krause", "Azubi Lea", "Geselle Tim"]
    assert view.form.owner.currentData() == "Geselle Tim"
    assert view.form.city.text() == "Kiel" and view.is_dirty()
    view.form.owner.setCurrentIndex(view.form.owner.findData("Azubi Lea"))
    view.save()
    assert context.services.customers.get(cid).owner == "Azubi Lea"
    assert context.services.customers.get(cid).city == "Kiel"


def test_a_new_customer_view_offers_a_changed_staff_list_too(
        context: AppContext, qtbot: QtBot) -> None:
    view = open_view(context, qtbot, None)
    context.services.settings.set_staff(["Meisterin Roth"])
    context.bus.publish(Changes.of("settings"))
    assert view.form.owner.findData("Meisterin Roth") >= 0
    assert view.form.owner.currentData() == "" and not view.is_dirty()
