"""Forms that follow the keyboard as a Windows user expects (issue #15): where typing starts,
what Enter and Esc do, required fields marked, error messages that fit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.customers.dto import AddressInput, CustomerInput
from app.services.errors import ValidationError
from app.ui.context import AppContext
from app.ui.customers.customer_form import AddressDialog
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage

LONG_REASON = ("Die Postleitzahl passt nicht zum Land: in Deutschland hat sie fünf Ziffern, "
               "in Österreich und der Schweiz vier.")


def shown(dialog: QDialog, qtbot: QtBot) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_typing_first_name_tab_surname_fills_vorname_and_nachname_of_a_new_customer(
        context: AppContext, qtbot: QtBot) -> None:
    view = shown(CustomerView(context, None), qtbot)
    assert isinstance(view, CustomerView)
    assert QApplication.focusWidget() is view.form.first_name
    qtbot.keyClicks(QApplication.focusWidget(), "Hans")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Becker")
    value = view.form.value()
    assert (value.first_name, value.last_name, value.company) == ("Hans", "Becker", "")


def test_shift_tab_from_vorname_reaches_titel_and_anrede(
        context: AppContext, qtbot: QtBot) -> None:
    view = shown(CustomerView(context, None), qtbot)
    assert isinstance(view, CustomerView)
    qtbot.keyClick(view.form.first_name, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is view.form.title
    qtbot.keyClick(view.form.title, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is view.form.salutation


def test_the_required_field_is_marked_for_a_person_and_for_a_business(
        context: AppContext, qtbot: QtBot) -> None:
    view = shown(CustomerView(context, None), qtbot)
    assert isinstance(view, CustomerView)
    form = view.form
    assert (form.last_name_caption.text(), form.company_caption.text()) == (
        "Nachname *", "Firma")
    form.business.click()
    assert (form.last_name_caption.text(), form.company_caption.text()) == (
        "Nachname", "Firma *")
    assert form.required_hint.text() == "* Pflichtfeld"


def test_a_business_customer_opens_in_firma(context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(kind="business",
                                                          company="Bau GmbH")).id
    view = shown(CustomerView(context, cid), qtbot)
    assert isinstance(view, CustomerView)
    assert QApplication.focusWidget() is view.form.company


def test_the_address_dialog_opens_in_its_first_field_and_enter_saves_only_a_real_address(
        qtbot: QtBot) -> None:
    saved: list[AddressInput] = []
    dialog = shown(AddressDialog(saved.append), qtbot)
    assert isinstance(dialog, AddressDialog)
    assert QApplication.focusWidget() is dialog.label
    qtbot.keyClicks(QApplication.focusWidget(), "Ferienhaus")  # replaces the suggestion
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert saved == [] and dialog.isVisible()
    assert not dialog.save_button.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Seeweg 1")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert [(a.label, a.street) for a in saved] == [("Ferienhaus", "Seeweg 1")]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_long_error_wraps_below_the_field_without_shrinking_it(qtbot: QtBot) -> None:
    def refuse(_data: AddressInput) -> object:
        raise ValidationError({"postcode": LONG_REASON})

    dialog = shown(AddressDialog(refuse), qtbot)
    assert isinstance(dialog, AddressDialog)
    dialog.street.setText("Seeweg 1")
    dialog.postcode.setText("123")
    width = dialog.postcode.width()
    qtbot.keyClick(dialog.postcode, Qt.Key.Key_Return)
    label = dialog.errors.label("postcode")
    qtbot.waitUntil(label.isVisible)
    assert dialog.isVisible() and label.text() == LONG_REASON
    assert dialog.postcode.width() >= width >= 120
    assert label.height() >= label.heightForWidth(label.width())  # every line shown
    assert label.geometry().top() > dialog.postcode.geometry().bottom()  # below, not beside


def esc_question(view: CustomerView, qtbot: QtBot) -> QMessageBox:
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    box = view.discard_question
    assert box is not None and box.isVisible()
    return box


def test_esc_on_a_changed_customer_offers_speichern_verwerfen_abbrechen(
        context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = shown(CustomerView(context, cid), qtbot)
    assert isinstance(view, CustomerView)
    view.form.city.setText("Kiel")
    box = esc_question(view, qtbot)
    buttons = QMessageBox.StandardButton
    assert [box.button(b).text() for b in (buttons.Save, buttons.Discard, buttons.Cancel)] == [
        "Speichern", "Verwerfen", "Abbrechen"]
    assert box.defaultButton() is box.button(buttons.Save)
    assert box.escapeButton() is box.button(buttons.Cancel)
    box.button(buttons.Cancel).click()
    assert view.isVisible() and view.form.city.text() == "Kiel"
    box = esc_question(view, qtbot)
    with qtbot.waitSignal(context.bus.changed):
        box.button(buttons.Save).click()
    assert not view.isVisible()
    assert context.services.customers.get(cid).city == "Kiel"


def test_speichern_in_the_esc_question_keeps_the_view_open_when_a_field_is_wrong(
        context: AppContext, qtbot: QtBot) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Alt")).id
    view = shown(CustomerView(context, cid), qtbot)
    assert isinstance(view, CustomerView)
    view.form.email.setText("alt@@example")
    esc_question(view, qtbot).button(QMessageBox.StandardButton.Save).click()
    assert view.isVisible() and view.form.errors.label("email").isVisible()


def test_esc_clears_the_customer_search(context: AppContext, qtbot: QtBot) -> None:
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.search, "Meier")
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""


def test_the_duplicate_question_goes_back_to_the_form_on_enter(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.customers.create(CustomerInput(last_name="Meier", postcode="80331"))
    view = shown(CustomerView(context, None), qtbot)
    assert isinstance(view, CustomerView)
    view.form.last_name.setText("Mayer")
    view.form.postcode.setText("80331")
    view.save()
    dialog = view.duplicates_dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(dialog.list.hasFocus)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert context.services.customers.count() == 1
