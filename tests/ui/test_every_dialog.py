"""Every dialog of the window can be built on a real database and closed again (issue #12):
a dialog that no factory here builds fails the completeness test, so none is left untried."""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

import app.ui
from app.services.container import Services
from app.services.contracts.service import ContractDTO, ContractInput
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput
from app.ui.context import AppContext

Factory = Callable[[AppContext, int, Path], QDialog]
BECKER = CustomerInput(first_name="Hans", last_name="Becker", street="Hauptstraße 1",
                       postcode="01067", city="Dresden")


def dialog_classes() -> Iterator[type[QDialog]]:
    for info in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and issubclass(cls, QDialog)
                    and not name.startswith("_")):
                yield cls


def factories() -> dict[str, Factory]:
    from app.ui.contracts.club_levels_dialog import ClubLevelsDialog
    from app.ui.contracts.dialogs import ContractDialog, EndContractDialog, PriceDialog
    from app.ui.customers.customer_form import AddressDialog, ContactDialog, EditDialog
    from app.ui.customers.customer_view import CustomerView
    from app.ui.customers.duplicates_dialog import DuplicatesDialog
    from app.ui.customers.import_dialog import CustomerImportDialog
    from app.ui.customers.timeline_tab import NoteDialog
    from app.ui.email.account_dialog import AccountDialog
    from app.ui.email.campaign_dialog import CampaignDialog
    from app.ui.email.customer_tab import MailDialog
    from app.ui.email.templates_dialog import TemplatesDialog
    from app.ui.followups.dialogs import FollowUpDialog, MaintenanceDialog, OutcomeDialog
    from app.ui.followups.release_dialog import ReleaseDialog
    from app.ui.followups.rules_dialog import RulesDialog
    from app.ui.help import ManualDialog
    from app.ui.letters.company_dialog import CompanyDialog
    from app.ui.loyalty.programs_dialog import ProgramsDialog
    from app.ui.loyalty.vouchers_page import VoucherIssueDialog
    from app.ui.privacy.backups_dialog import BackupsDialog
    from app.ui.privacy.customer_tab import ConsentDialog
    from app.ui.sales.import_dialog import SalesImportDialog
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.setup.wizard import SetupWizard

    def sales_file(tmp: Path) -> Path:
        path = tmp / "umsaetze.csv"
        path.write_text("Kundennummer;Datum;Betrag;Belegnummer\n"
                        "K-000001;01.03.2026;100,00;RE-1\n", encoding="utf-8")
        return path

    def contract(c: AppContext, customer: int) -> ContractDTO:
        return c.services.contracts.add(ContractInput(
            customer_id=customer, start=date(2026, 1, 1), min_months=24, renewal="tacit",
            notice_months=1, price_cents=18_900, visit_rrule="FREQ=YEARLY"), by="Test")

    return {
        "ClubLevelsDialog": lambda c, k, t: ClubLevelsDialog(c),
        "ContractDialog": lambda c, k, t: ContractDialog(c, k),
        "EndContractDialog": lambda c, k, t: EndContractDialog(c, contract(c, k)),
        "PriceDialog": lambda c, k, t: PriceDialog(c, contract(c, k)),
        "EditDialog": lambda c, k, t: EditDialog("Test", lambda _data: None),
        "ContactDialog": lambda c, k, t: ContactDialog(lambda _data: None),
        "AddressDialog": lambda c, k, t: AddressDialog(lambda _data: None),
        "CustomerView": lambda c, k, t: CustomerView(c, k),
        "DuplicatesDialog": lambda c, k, t: DuplicatesDialog(
            c.services.customers.duplicates(BECKER)),
        "CustomerImportDialog": lambda c, k, t: CustomerImportDialog(c),
        "NoteDialog": lambda c, k, t: NoteDialog(c, k),
        "FollowUpDialog": lambda c, k, t: FollowUpDialog(c, k),
        "MaintenanceDialog": lambda c, k, t: MaintenanceDialog(c, k),
        "OutcomeDialog": lambda c, k, t: OutcomeDialog(c.services.followups.create(
            k, FollowUpInput(subject="Angebot nachfassen", due_date=date(2026, 3, 16)))),
        "RulesDialog": lambda c, k, t: RulesDialog(c),
        "ReleaseDialog": lambda c, k, t: ReleaseDialog(c, c.services.rule_release.dry_run(
            next(r.id for r in c.services.rules.rules() if r.kind == "dormant"))),
        "ManualDialog": lambda c, k, t: ManualDialog("followups.md"),
        "SetupWizard": lambda c, k, t: SetupWizard(c),
        "CompanyDialog": lambda c, k, t: CompanyDialog(c),
        "ProgramsDialog": lambda c, k, t: ProgramsDialog(c),
        "VoucherIssueDialog": lambda c, k, t: VoucherIssueDialog(date(2026, 3, 15)),
        "BackupsDialog": lambda c, k, t: BackupsDialog(c),
        "ConsentDialog": lambda c, k, t: ConsentDialog(c, k, None),
        "SalesImportDialog": lambda c, k, t: SalesImportDialog(c, sales_file(t)),
        "SettingsDialog": lambda c, k, t: SettingsDialog(c),
        "AccountDialog": lambda c, k, t: AccountDialog(c),
        "CampaignDialog": lambda c, k, t: CampaignDialog(c),
        "MailDialog": lambda c, k, t: MailDialog(c, k, open_draft=lambda _path: None),
        "TemplatesDialog": lambda c, k, t: TemplatesDialog(c),
    }


def test_every_dialog_has_a_factory_here() -> None:
    assert sorted(cls.__name__ for cls in dialog_classes()) == sorted(factories())


def shown_dialog(name: str, context: AppContext, services: Services, qtbot: QtBot,
                 tmp_path: Path) -> QDialog:
    customer = services.customers.create(BECKER, by="Test").id
    dialog = factories()[name](context, customer, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize("name", sorted(factories()))
def test_the_dialog_opens_and_closes_on_a_real_database(
        name: str, context: AppContext, services: Services, qtbot: QtBot,
        tmp_path: Path) -> None:
    dialog = shown_dialog(name, context, services, qtbot, tmp_path)
    dialog.reject()
    assert not dialog.isVisible()


# --- keyboard: where typing starts and where Tab goes (issue #15) ------------------------

INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit, QCheckBox,
          QRadioButton, QAbstractItemView, QAbstractSlider)


def field_of(widget: QWidget | None) -> QWidget | None:
    """The field a focused widget belongs to: an editable combo box's or a date field's own
    line edit counts as the combo box or the date field."""
    while widget is not None and isinstance(widget.parentWidget(),
                                            QComboBox | QAbstractSpinBox):
        widget = widget.parentWidget()
    return widget


def is_reachable_input(widget: QWidget) -> bool:
    if not (isinstance(widget, INPUTS) and widget.isVisible() and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
        return False
    if field_of(widget) is not widget:
        return False
    if isinstance(widget, QRadioButton) and widget.autoExclusive():
        return widget.isChecked()  # Tab enters a radio group at its chosen button
    return not any(isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView)
                   for parent in _ancestors(widget))


def _ancestors(widget: QWidget) -> Iterator[QWidget]:
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def reads_before(a: QWidget, b: QWidget, window: QWidget) -> bool:
    """True when `b` comes before `a` in reading order: wholly above it, or on the same line
    and wholly to its left."""
    ra, rb = (QRect(w.mapTo(window, QPoint(0, 0)), w.size()) for w in (a, b))
    if rb.bottom() < ra.top():
        return True
    same_line = rb.top() <= ra.bottom() and ra.top() <= rb.bottom()
    return same_line and rb.right() < ra.left()


def has_focus_inside(window: QWidget) -> bool:
    """The focus is in `window` (not still in the window of a test before)."""
    focus = QApplication.focusWidget()
    return focus is not None and window.isAncestorOf(focus)


def tab_chain(dialog: QDialog) -> list[QWidget]:
    """Press Tab from the first focus until it comes back; the input fields in the order
    visited (a field that keeps the focus on Tab fails the test: the keyboard is trapped)."""
    first = field_of(QApplication.focusWidget())
    assert first is not None
    chain = [first]
    for _step in range(200):
        before = QApplication.focusWidget()
        QTest.keyClick(before, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is before and isinstance(field_of(now), QDateTimeEdit):
            continue  # Tab walks a date's day, month and year, then leaves it
        assert now is not before, f"Tab bleibt in {type(before).__name__} hängen"
        field = field_of(now)
        if field is first:
            return chain
        if field is not None and is_reachable_input(field) and field not in chain:
            chain.append(field)
    raise AssertionError("Tab kommt nicht zum ersten Feld zurück")


@pytest.mark.parametrize("name", sorted(factories()))
def test_the_dialog_starts_in_a_field_and_tab_visits_every_field_in_reading_order(
        name: str, context: AppContext, services: Services, qtbot: QtBot,
        tmp_path: Path) -> None:
    dialog = shown_dialog(name, context, services, qtbot, tmp_path)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: has_focus_inside(dialog))
    expected = [w for w in dialog.findChildren(QWidget) if is_reachable_input(w)]
    if not expected:  # a bare base class: nothing to type into
        return
    first = field_of(QApplication.focusWidget())
    assert isinstance(first, INPUTS), f"{name} beginnt in {type(first).__name__}"
    chain = tab_chain(dialog)
    assert sorted(map(id, chain)) == sorted(map(id, expected)), (
        f"{name}: Tab erreicht nicht {[type(w).__name__ for w in expected if w not in chain]}")
    top = next(w for w in chain  # nothing reads before it (a taller field beside it may
               if not any(reads_before(w, other, dialog)  # start higher on the same line)
                          for other in chain if other is not w))
    start = chain.index(top)
    reading = chain[start:] + chain[:start]
    for a, b in itertools.pairwise(reading):
        assert not reads_before(a, b, dialog), (
            f"{name}: Tab springt von {a.objectName() or type(a).__name__} "
            f"zurück nach {b.objectName() or type(b).__name__}")
    dialog.reject()
