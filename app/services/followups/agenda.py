"""The follow-ups of "Heute" as a shop reads them: counts, "Nur meine", one row per rule.

At 3,000 customers one nightly run of the dormant-customer rule leaves hundreds of
"Schlafender Kunde" follow-ups due on one day; listed one by one they bury the three calls a
person promised. So the agenda

- counts what is due ("12 überfällig · 5 heute · 3 hoch"),
- keeps, with "Nur meine", the follow-ups of one person: assigned to them, or assigned to
  nobody on a customer they are the Betreuer of (an empty assignee means the Betreuer),
- puts the automatic follow-ups of one rule into one entry that the page expands,
- orders high priority first, then the oldest due date first (all-day before a set time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from app.db import Database
from app.models import Rule
from app.services.followups.service import FollowUpDTO, FollowUpService

HIGH = 1  # FollowUp.priority: 1 high, 2 normal, 3 low


@dataclass(frozen=True)
class AgendaCounts:
    overdue: int
    today: int  # due today and not yet overdue
    high: int  # high priority among the shown ones

    @property
    def text(self) -> str:
        return f"{self.overdue} überfällig · {self.today} heute · {self.high} hoch"


@dataclass(frozen=True)
class AgendaEntry:
    """One row of the list: a follow-up typed by someone, or all due follow-ups of one rule."""

    rule_id: int | None
    rule_name: str  # "" for a single follow-up
    items: tuple[FollowUpDTO, ...]  # in agenda order; one for a single follow-up
    overdue: int  # how many of the items are overdue

    @property
    def is_group(self) -> bool:
        return self.rule_id is not None

    @property
    def title(self) -> str:
        return f"{self.rule_name} ({len(self.items)})" if self.is_group else self.items[0].subject

    @property
    def priority(self) -> int:
        return min(item.priority for item in self.items)


@dataclass(frozen=True)
class Agenda:
    counts: AgendaCounts
    entries: tuple[AgendaEntry, ...]
    shown: int  # follow-ups in the entries
    total: int  # due follow-ups of everyone, before "Nur meine"
    mine_of: str  # whose follow-ups are shown; "" = everyone's


def is_mine(item: FollowUpDTO, person: str) -> bool:
    """Assigned to `person`, or to nobody on a customer whose Betreuer `person` is."""
    return item.assignee == person or (not item.assignee and item.customer_owner == person)


def is_overdue(item: FollowUpDTO, now: datetime) -> bool:
    """Due on an earlier day, or today at a time that has passed."""
    return item.due_date < now.date() or (
        item.due_date == now.date() and item.due_time is not None
        and item.due_time < now.time().replace(tzinfo=None))


def _order(item: FollowUpDTO) -> tuple[int, date, bool, time, int]:
    return (item.priority, item.due_date, item.due_time is not None,
            item.due_time or time(0), item.id)


def build(items: Iterable[FollowUpDTO], *, now: datetime, rule_names: dict[int, str],
          mine_of: str = "") -> Agenda:
    """The agenda of the due follow-ups `items`; `mine_of` keeps one person's."""
    everything = list(items)
    person = mine_of.strip()
    shown = sorted((i for i in everything if not person or is_mine(i, person)), key=_order)
    singles: list[AgendaEntry] = []
    by_rule: dict[int, list[FollowUpDTO]] = {}
    for item in shown:
        if item.rule_id is None:
            singles.append(AgendaEntry(None, "", (item,), int(is_overdue(item, now))))
        else:
            by_rule.setdefault(item.rule_id, []).append(item)
    groups = [AgendaEntry(rule_id, rule_names.get(rule_id, "Regel"), tuple(grouped),
                          sum(is_overdue(i, now) for i in grouped))
              for rule_id, grouped in by_rule.items()]
    entries = sorted(singles + groups, key=lambda entry: _order(entry.items[0]))
    overdue = sum(is_overdue(i, now) for i in shown)
    due_today = sum(i.due_date == now.date() for i in shown) - sum(
        i.due_date == now.date() and is_overdue(i, now) for i in shown)
    counts = AgendaCounts(overdue=overdue, today=due_today,
                          high=sum(i.priority == HIGH for i in shown))
    return Agenda(counts=counts, entries=tuple(entries), shown=len(shown),
                  total=len(everything), mine_of=person)


def load(db: Database, followups: FollowUpService, *, now: datetime,
         mine_of: str = "") -> Agenda:
    """Today's agenda from the database: due and overdue follow-ups of active customers."""
    items = followups.due(until=now.date())
    rule_ids = {item.rule_id for item in items if item.rule_id is not None}
    with db.read() as session:
        names = {rule_id: name for rule_id, name in session.execute(
            select(Rule.id, Rule.name).where(Rule.id.in_(rule_ids)))} if rule_ids else {}
    return build(items, now=now, rule_names=names, mine_of=mine_of)
