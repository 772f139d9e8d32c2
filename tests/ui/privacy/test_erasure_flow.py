"""Art. 17 from the customer window: confirm, erase, one clear message, the window closes.

The customer window holds the Datenschutz tab; erasing its own customer must close it
cleanly, with no "Diesen Kunden gibt es nicht (mehr)" and nothing logged as a bug."""

from __future__ import annotations

import logging
import sys
from datetime import date
from types import TracebackType

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services.changes import Changes, Domain
from app.services.customers.dto import CustomerInput
from app.services.sales.service import SaleInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.privacy.customer_tab import PrivacyTab


@pytest.fixture
def bugs(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions that reached sys.excepthook (a Qt slot that raised)."""
    caught: list[BaseException] = []

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        caught.append(error)

    monkeypatch.setattr(sys, "excepthook", hook)
    return caught


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, title, text, *_a, kind=kind, **_k:
                            shown.append((kind, text)))
    return shown


def anneliese(context: AppContext, *, sales: int, objection: bool) -> int:
    services = context.services
    cid = services.customers.create(CustomerInput(
        first_name="Anneliese", last_name="Müßig", street="Lindenweg 3", postcode="01067",
        city="Dresden"), by="Büro").id
    for month in range(1, sales + 1):
        services.sales.add(cid, SaleInput(date(2025, month, 10), 10_000,
                                          document_no=f"RE-{month}"), by="Büro")
    if objection:
        services.privacy.object_to_advertising(cid, by="Büro")
    return cid


def erase_from_the_window(qtbot: QtBot, context: AppContext, cid: int,
                          confirmations: list[str]) -> CustomerView:
    view = CustomerView(context, cid)
    qtbot.addWidget(view)
    view.show()
    tab = view.extra_tabs["privacy"]
    assert isinstance(tab, PrivacyTab)
    view.tabs.setCurrentWidget(tab)

    def confirm(plan: object) -> bool:
        confirmations.append("\n".join(plan.describe()))  # type: ignore[attr-defined]
        return True

    tab.confirm_erase = confirm  # type: ignore[method-assign]
    with qtbot.waitSignal(view.finished, timeout=10_000):
        tab.erase_button.click()
    return view


def test_erasing_from_the_customer_window_says_what_was_kept_and_closes_the_window(
    qtbot: QtBot, context: AppContext, bugs: list[BaseException],
    messages: list[tuple[str, str]], caplog: pytest.LogCaptureFixture,
) -> None:
    cid = anneliese(context, sales=3, objection=False)
    confirmations: list[str] = []
    with caplog.at_level(logging.WARNING):
        view = erase_from_the_window(qtbot, context, cid, confirmations)
        qtbot.waitUntil(lambda: bool(messages))
    assert messages == [("information", "Anneliese Müßig (K-000001) wurde gelöscht; "
                                        "aufbewahrt bis 31.12.2035: 3 Belege.")]
    assert not view.isVisible()
    assert "Werbewiderspruch" not in confirmations[0]
    assert bugs == [] and caplog.records == []


def test_the_confirmation_mentions_the_objection_only_when_there_is_one(
    qtbot: QtBot, context: AppContext, bugs: list[BaseException],
    messages: list[tuple[str, str]],
) -> None:
    cid = anneliese(context, sales=0, objection=True)
    confirmations: list[str] = []
    erase_from_the_window(qtbot, context, cid, confirmations)
    qtbot.waitUntil(lambda: bool(messages))
    assert "Werbewiderspruch bleibt als Prüfsumme" in confirmations[0]
    assert messages == [("information",
                         "Anneliese Müßig (K-000001) wurde vollständig gelöscht.")]
    assert bugs == []


def test_the_window_of_an_erased_customer_closes_before_a_tab_asks_for_him(
    qtbot: QtBot, context: AppContext, bugs: list[BaseException],
) -> None:
    """An erasure may reach the window in several notifications; whichever comes first, the
    window goes before its tabs ask the services about a customer that is gone."""
    cid = anneliese(context, sales=0, objection=False)  # nothing to keep: the row goes
    view = CustomerView(context, cid)
    qtbot.addWidget(view)
    view.show()
    context.services.changes.unsubscribe(context.bus.collect)
    context.services.privacy.erase(cid, by="Büro")
    context.services.changes.subscribe(context.bus.collect)
    with qtbot.waitSignal(view.finished, timeout=10_000):
        context.bus.publish(Changes.of(Domain.SALES, customers=[cid]))
    assert bugs == []
