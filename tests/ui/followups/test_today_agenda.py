from __future__ import annotations

from datetime import date, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.db import Database
from app.models import FollowUp, Rule
from app.services.changes import Changes, Domain
from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpDTO, FollowUpInput
from app.ui.context import AppContext
from app.ui.followups.today_page import TodayPage
from app.ui.preferences import set_staff_name

# The clock fixture stands at 15.03.2026 10:30.


@pytest.fixture
def shop(services: Services, db: Database) -> dict[str, int]:
    """Anna's and Bernd's customers; a rule with 30 due follow-ups; two typed ones."""
    with db.write() as session:
        rule = Rule(kind="dormant", name="Schlafender Kunde",
                    created_at=datetime(2026, 1, 1, tzinfo=LOCAL_ZONE))
        session.add(rule)
        session.flush()
        rule_id = rule.id
        session.commit()
    ids = []
    for n in range(30):
        cid = services.customers.create(CustomerInput(
            last_name=f"Kunde {n:02d}", owner="Anna" if n < 4 else "Bernd")).id
        ids.append(services.followups.create(cid, FollowUpInput(
            subject="Reaktivieren", due_date=date(2026, 3, 14))).id)
    with db.write() as session:
        session.execute(update(FollowUp).where(FollowUp.id.in_(ids)).values(rule_id=rule_id))
        session.commit()
    anna = services.customers.create(CustomerInput(last_name="Adler", owner="Anna")).id
    services.followups.create(anna, FollowUpInput(subject="Angebot", due_date=date(2026, 3, 15)))
    services.followups.create(anna, FollowUpInput(
        subject="Reklamation", due_date=date(2026, 3, 15), priority=1, assignee="Bernd"))
    return {"rule": rule_id, "anna": anna}


def _page(context: AppContext, qtbot: QtBot) -> TodayPage:
    page = TodayPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    return page


def test_heute_counts_what_is_due_and_groups_a_rule_in_one_row(
    context: AppContext, shop: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    assert not page.mine.isEnabled() and not page.mine.isChecked()  # no "Ich bin" yet
    assert page.counts.text() == "30 überfällig · 2 heute · 1 hoch"
    assert [row[:3] for row in page.due_view.rows()] == [
        ("15.03.2026", "Adler", "Reklamation"),  # high priority first
        ("ab 14.03.2026", "30 Kunden", "Schlafender Kunde (30)"),
        ("15.03.2026", "Adler", "Angebot")]
    group = page.due_view.topLevelItem(1)
    assert group.childCount() == 30 and not group.isExpanded()
    assert group.child(0).text(1) == "Kunde 00"


def test_a_rule_row_opens_and_its_follow_ups_can_be_chosen_one_by_one(
    context: AppContext, shop: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    group = page.due_view.topLevelItem(1)
    page.due_view.setCurrentItem(group)
    assert page.selected_followup() is None
    assert "einzelne Wiedervorlage" in page.status.text()
    page.due_view.expandItem(group)
    page.due_view.setCurrentItem(group.child(2))
    chosen = page.selected_followup()
    assert isinstance(chosen, FollowUpDTO) and chosen.customer_name == "Kunde 02"
    # snoozing one leaves 29 in the row, and the open row stays open
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.day_button.click()
    group = page.due_view.topLevelItem(1)
    assert group.text(2) == "Schlafender Kunde (29)" and group.isExpanded()


def test_nur_meine_is_on_when_ich_bin_is_set_and_can_be_switched_off(
    context: AppContext, shop: dict[str, int], qtbot: QtBot
) -> None:
    set_staff_name("Anna")
    page = _page(context, qtbot)
    assert page.mine.isChecked() and page.mine.text() == "Nur meine (Anna)"
    # Anna's: the unassigned ones on her five customers; the complaint is Bernd's
    assert [row[2] for row in page.due_view.rows()] == ["Schlafender Kunde (4)", "Angebot"]
    assert page.counts.text() == "4 überfällig · 1 heute · 0 hoch (nur meine: 5 von 32)"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.mine.setChecked(False)
    assert page.counts.text() == "30 überfällig · 2 heute · 1 hoch"


def test_choosing_ich_bin_later_turns_nur_meine_on(
    context: AppContext, shop: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    set_staff_name("Bernd")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        context.bus.publish(Changes.of(Domain.SETTINGS))
    assert page.mine.isChecked() and page.mine.isEnabled()
    assert [row[2] for row in page.due_view.rows()] == [
        "Reklamation", "Schlafender Kunde (26)"]


def test_the_held_back_table_gives_its_middle_column_room(
    context: AppContext, shop: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    header = page.held_view.horizontalHeader()
    assert header.sectionSize(2) >= 250
    assert header.sectionSize(2) == pytest.approx(header.sectionSize(3), abs=2)
