"""The rule kinds (Regeln): each finds the customers whose occasion falls on a day.

A kind is one function `(session, params, day) -> occasions` with its defaults, labels and
the purpose it contacts for (most are advertising; what concerns something the customer
already holds is service). `rules.RuleService` runs them and acts on what they find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from app.models import (
    BonusCard,
    ClassAssignment,
    ClubLevel,
    ClubMembership,
    Customer,
    LoyaltyAccount,
    LoyaltyProgram,
    LoyaltyReward,
    PointsEntry,
    Sale,
    Voucher,
    VoucherEntry,
)
from app.services.formatting import format_cents, format_date
from app.services.loyalty import card_numbers
from app.services.loyalty import codes as voucher_codes
from app.services.privacy.contact_policy import (
    Purpose,
)


@dataclass(frozen=True)
class Occasion:
    """One customer's reason for a rule to fire, with a key unique per occasion."""

    customer_id: int
    key: str
    reason: str  # German, for the timeline and the follow-up subject ({reason})
    due: date | None = None  # the follow-up's due date; default: the processed day


@dataclass(frozen=True)
class RuleKind:
    label: str
    defaults: dict[str, int]
    param_labels: dict[str, str]
    find: Callable[[Session, dict[str, Any], date], Iterable[Occasion]]
    purpose: Purpose = Purpose.ADVERTISING


def _active(query: Any) -> Any:
    return query.where(Customer.archived_at.is_(None), Customer.anonymized_at.is_(None))


def _birthday(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    """Birthdays N days ahead. 29 February in a non-leap year is celebrated on 28 February
    (the day still in February, as German Fristenrecht and most people do)."""
    target = day + timedelta(days=int(params["days_before"]))
    dates = [(target.month, target.day)]
    if (target.month, target.day) == (2, 28) and not _leap(target.year):
        dates.append((2, 29))
    for month, dom in dates:
        rows = session.execute(_active(select(Customer.id).where(
            Customer.birth_month == month, Customer.birth_day == dom)))
        for (cid,) in rows:
            yield Occasion(cid, f"birthday-{target.year}",
                           f"Geburtstag am {format_date(target)}", due=day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _first_purchase(session: Session, params: dict[str, Any], day: date
                    ) -> Iterable[Occasion]:
    first_day = day - timedelta(days=int(params["days_after"]))
    earlier = aliased(Sale)
    rows = session.execute(_active(
        select(Customer.id).distinct().join(Sale, Sale.customer_id == Customer.id)
        .where(Sale.sale_date == first_day,
               ~exists().where(earlier.customer_id == Sale.customer_id,
                               earlier.sale_date < first_day))))
    for (cid,) in rows:
        yield Occasion(cid, "first-purchase",
                       f"Erstkauf am {format_date(first_day)}")


def _big_purchase(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    sale_day = day - timedelta(days=int(params["days_after"]))
    rows = session.execute(_active(
        select(Customer.id, Sale.id, Sale.amount_cents).join(Sale, Sale.customer_id ==
                                                             Customer.id)
        .where(Sale.sale_date == sale_day, Sale.amount_cents >= int(params["min_cents"]))))
    for cid, sale_id, cents in rows:
        yield Occasion(cid, f"sale-{sale_id}",
                       f"Einkauf über {format_cents(cents)} am {format_date(sale_day)}")


def _dormant(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    """Fires on the day a customer's last purchase becomes N days old (once per dormancy),
    and for customers flagged at risk by the classification (once per last purchase).

    Both look up sales through the (customer, date) and date indexes instead of
    aggregating all sales, so a catch-up day costs milliseconds at a million sales."""
    crossing = day - timedelta(days=int(params["days"]))
    later = aliased(Sale)
    for (cid,) in session.execute(_active(
            select(Customer.id).distinct().join(Sale, Sale.customer_id == Customer.id)
            .where(Sale.sale_date == crossing,
                   ~exists().where(later.customer_id == Sale.customer_id,
                                   later.sale_date > crossing)))):
        yield Occasion(cid, f"dormant-{crossing.isoformat()}",
                       f"kein Einkauf seit {format_date(crossing)}")
    if int(params.get("include_at_risk", 1)):
        last = (select(func.max(Sale.sale_date)).where(Sale.customer_id == Customer.id)
                .correlate(Customer).scalar_subquery())
        for cid, last_day in session.execute(_active(
                select(Customer.id, last).where(Customer.at_risk.is_(True)))):
            key = last_day.isoformat() if last_day else "none"
            yield Occasion(cid, f"at-risk-{key}", "abwanderungsgefährdet")


def _class_a(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    rows = session.execute(_active(
        select(Customer.id, ClassAssignment.id).join(ClassAssignment,
                                                     ClassAssignment.customer_id ==
                                                     Customer.id)
        .where(ClassAssignment.as_of == day, ClassAssignment.abc_class == "A",
               (ClassAssignment.previous_class.is_(None))
               | (ClassAssignment.previous_class != "A"))))
    for cid, assignment_id in rows:
        yield Occasion(cid, f"class-a-{assignment_id}", "neu A-Kunde")


def _voucher_expiring(session: Session, params: dict[str, Any], day: date
                      ) -> Iterable[Occasion]:
    """Customers holding a voucher with remaining value that expires within N days.

    Once per voucher (key `voucher-<id>`); the remaining value is the ledger up to `day`,
    so a catch-up sees each day as it was."""
    until = day + timedelta(days=int(params["days_before"]))
    remaining = (select(func.coalesce(func.sum(VoucherEntry.amount_cents), 0))
                 .where(VoucherEntry.voucher_id == Voucher.id, VoucherEntry.entry_date <= day)
                 .correlate(Voucher).scalar_subquery())
    rows = session.execute(_active(
        select(Customer.id, Voucher.id, Voucher.code, Voucher.valid_until, remaining)
        .join(Voucher, Voucher.customer_id == Customer.id)
        .where(Voucher.valid_until >= day, Voucher.valid_until <= until,
               Voucher.issued_on <= day, remaining > 0)))
    for cid, voucher_id, code, valid_until, rest in rows:
        yield Occasion(cid, f"voucher-{voucher_id}",
                       f"Gutschein {voucher_codes.grouped(code)} ({format_cents(rest)} Restwert) "
                       f"läuft am {format_date(valid_until)} ab")


def _card_reward(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    """Cards whose balance reached the cheapest active reward of their program.

    Once per reaching: the key names the account, the reward and the ledger entry with
    which the balance last rose from below the reward's cost to at least it. Spending
    below the cost and collecting again is a new reaching; earning more above it is not."""
    cheapest: dict[int, tuple[int, int, str]] = {}
    for program_id, reward_id, cost, name in session.execute(
            select(LoyaltyReward.program_id, LoyaltyReward.id, LoyaltyReward.cost,
                   LoyaltyReward.name)
            .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyReward.program_id)
            .where(LoyaltyReward.active.is_(True), LoyaltyProgram.active.is_(True))
            .order_by(LoyaltyReward.cost.desc(), LoyaltyReward.id.desc())):
        cheapest[program_id] = (reward_id, cost, name)
    if not cheapest:
        return
    running = func.sum(PointsEntry.points).over(
        partition_by=PointsEntry.account_id, order_by=(PointsEntry.entry_date, PointsEntry.id))
    ledger = (select(PointsEntry.account_id, PointsEntry.entry_date,
                     PointsEntry.id.label("entry_id"), PointsEntry.points,
                     running.label("balance"))
              .where(PointsEntry.entry_date <= day).subquery())
    reached: dict[int, tuple[int, int]] = {}  # account → (last crossing entry, balance)
    accounts = {a: (cid, p) for a, cid, p in session.execute(_active(
        select(LoyaltyAccount.id, Customer.id, LoyaltyAccount.program_id)
        .join(Customer, Customer.id == LoyaltyAccount.customer_id)
        .where(LoyaltyAccount.program_id.in_(list(cheapest)))))}
    for account_id, entry_id, points, balance in session.execute(
            select(ledger.c.account_id, ledger.c.entry_id, ledger.c.points, ledger.c.balance)
            .order_by(ledger.c.account_id, ledger.c.entry_date, ledger.c.entry_id)):
        if account_id not in accounts:
            continue
        cost = cheapest[accounts[account_id][1]][1]
        if balance >= cost and balance - points < cost:
            reached[account_id] = (entry_id, balance)
        elif account_id in reached:
            reached[account_id] = (reached[account_id][0], balance)
    cards = dict(session.execute(select(BonusCard.account_id, BonusCard.number)
                                 .where(BonusCard.status == "active")).all())
    units = dict(session.execute(select(LoyaltyProgram.id, LoyaltyProgram.kind)).all())
    for account_id, (entry_id, balance) in reached.items():
        cid, program_id = accounts[account_id]
        reward_id, cost, name = cheapest[program_id]
        if balance < cost:
            continue
        unit = "Stempel" if units.get(program_id) == "stamps" else "Punkte"
        card = cards.get(account_id)
        shown = f"Bonuskarte {card_numbers.grouped(card)}" if card else "Bonuskonto"
        yield Occasion(cid, f"reward-{account_id}-{reward_id}-{entry_id}",
                       f"{shown}: {balance} {unit} reichen für „{name}“ ({cost} {unit})")


def _club_renewal(session: Session, params: dict[str, Any], day: date) -> Iterable[Occasion]:
    """Club memberships whose paid year ends in N days (once per membership and year)."""
    until = day + timedelta(days=int(params["days_before"]))
    rows = session.execute(_active(
        select(Customer.id, ClubMembership.id, ClubMembership.paid_until, ClubLevel.name)
        .join(ClubMembership, ClubMembership.customer_id == Customer.id)
        .join(ClubLevel, ClubLevel.id == ClubMembership.level_id)
        .where(ClubMembership.left_on.is_(None), ClubMembership.paid_until == until)))
    for cid, membership_id, paid_until, level in rows:
        yield Occasion(cid, f"club-{membership_id}-{paid_until.isoformat()}",
                       f"Clubmitgliedschaft „{level}“ bezahlt bis {format_date(paid_until)}",
                       due=day)


KINDS: dict[str, RuleKind] = {
    "birthday": RuleKind("Geburtstag", {"days_before": 7},
                         {"days_before": "Tage vorher"}, _birthday),
    "first_purchase": RuleKind("Nach dem Erstkauf", {"days_after": 14},
                               {"days_after": "Tage danach"}, _first_purchase),
    "big_purchase": RuleKind("Einkauf über Betrag", {"min_cents": 500_000, "days_after": 3},
                             {"min_cents": "ab Betrag (Cent)", "days_after": "Tage danach"},
                             _big_purchase),
    "dormant": RuleKind("Schlafender Kunde", {"days": 730, "include_at_risk": 1},
                        {"days": "Tage ohne Einkauf",
                         "include_at_risk": "auch abwanderungsgefährdete (1/0)"}, _dormant),
    "class_a": RuleKind("Neu A-Kunde", {}, {}, _class_a),
    "voucher_expiring": RuleKind("Gutschein läuft ab", {"days_before": 30},
                                 {"days_before": "Tage vor Ablauf"}, _voucher_expiring,
                                 Purpose.SERVICE),
    "card_reward": RuleKind("Bonuskarte erreicht Prämie", {}, {}, _card_reward,
                            Purpose.SERVICE),
    "club_renewal": RuleKind("Clubmitgliedschaft läuft ab", {"days_before": 30},
                             {"days_before": "Tage vorher"}, _club_renewal, Purpose.SERVICE),
}
