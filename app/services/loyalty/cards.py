"""Bonus cards and the points ledger: enrol, replace, credit sales, redeem, correct, expire.

The balance of a card is the sum of its account's ledger, never a stored number. Every
change is a new ledger entry: a correction reverses an entry instead of editing it, a
replacement card takes over the account (and so the balance) and blocks the old number.
A refused operation writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.models import (
    BonusCard,
    Customer,
    LoyaltyAccount,
    LoyaltyProgram,
    LoyaltyReward,
    PointsEntry,
    Sale,
)
from app.services import audit, timeline
from app.services.clock import Clock
from app.services.customers.naming import customer_display_name
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.formatting import format_cents, format_count, format_date
from app.services.loyalty import card_numbers
from app.services.loyalty.programs import points_for_credit_note, points_for_sale
from app.services.loyalty.vouchers import VoucherDTO, VoucherInput, VoucherService
from app.services.progress import NO_PROGRESS, Progress

ENTRY_LABELS = {"earn": "Gutschrift", "redeem": "Einlösung", "expire": "Verfall",
                "correction": "Korrektur"}
AUDIT_ACTIONS = {"earn": "points_credit", "redeem": "points_redeem", "expire": "points_expire",
                 "correction": "points_correct"}
invalid = ValidationError.labelled({"card": "Bonuskarte", "points": "Punkte", "reason": "Grund"})


def points_text(count: int, unit: str) -> str:
    """`count` of a card's unit ("Punkte" or "Stempel") in the right number: "1 Punkt"."""
    return format_count(count, "Punkt" if unit == "Punkte" else unit, unit)


@dataclass(frozen=True)
class CardDTO:
    id: int
    number: str
    status: str  # active | blocked
    account_id: int
    program_id: int
    program_name: str
    program_kind: str
    customer_id: int | None
    customer_name: str
    customer_number: str
    balance: int

    @property
    def display_number(self) -> str:
        return card_numbers.grouped(self.number)

    @property
    def unit(self) -> str:
        return "Stempel" if self.program_kind == "stamps" else "Punkte"


@dataclass(frozen=True)
class PointsEntryDTO:
    id: int
    kind: str
    points: int
    entry_date: date
    reason: str
    author: str
    card_number: str
    sale_id: int | None
    voucher_id: int | None
    reverses_id: int | None
    reversed: bool

    @property
    def label(self) -> str:
        if self.kind == "earn" and self.points < 0:
            return "Rückbuchung"
        return ENTRY_LABELS[self.kind]


@dataclass(frozen=True)
class RewardRedemption:
    card: CardDTO
    entry_id: int
    voucher: VoucherDTO | None


@dataclass(frozen=True)
class RunReport:
    """What a batch run (crediting sales, expiry) booked."""

    entries: int
    points: int
    customers: int


def expiring(ledger: list[tuple[int, date]], *, years: int, as_of: date) -> int:
    """Points due to expire on `as_of` (FIFO): earned in lots whose expiry date (end of the
    N-th year after earning) has passed, minus everything already spent in any way."""
    spent = -sum(points for points, _day in ledger if points < 0)
    old = sum(points for points, day in ledger
              if points > 0 and date(day.year + years, 12, 31) < as_of)
    return max(0, old - spent)



def _balance(session: Session, account_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0))
                              .where(PointsEntry.account_id == account_id)) or 0)


class LoyaltyService:
    def __init__(self, db: Database, clock: Clock, vouchers: VoucherService) -> None:
        self.db = db
        self.clock = clock
        self.vouchers = vouchers

    # --- cards -------------------------------------------------------------------------

    def enrol(self, customer_id: int, *, program_id: int, by: str = "") -> CardDTO:
        """Take a customer into a program and issue the first card."""
        now = self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden.")
            program = session.get(LoyaltyProgram, program_id)
            if program is None or not program.active:
                raise NotFoundError(f"Bonusprogramm {program_id} nicht gefunden oder inaktiv.")
            taken = session.scalar(select(BonusCard.number).join(LoyaltyAccount).where(
                LoyaltyAccount.customer_id == customer_id,
                LoyaltyAccount.program_id == program_id, BonusCard.status == "active"))
            if taken is not None:
                raise ConflictError(f"{customer_display_name(customer)} hat schon die Karte "
                                    f"{card_numbers.grouped(taken)} in „{program.name}“.")
            account = LoyaltyAccount(program_id=program_id, customer_id=customer_id,
                                     credit_from=self.clock.today(), created_at=now)
            session.add(account)
            session.flush()
            card = self._new_card(session, account.id, replaces=None)
            timeline.record(session, customer_id=customer_id, channel="system", at=now,
                            author=by, subject=f"Bonuskarte {card_numbers.grouped(card.number)}"
                                               f" für „{program.name}“ ausgegeben")
            result = self._card_dto(session, card)
            session.commit()
        return result

    def replace_card(self, number: str, *, reason: str = "verloren", by: str = "") -> CardDTO:
        """A new card on the same account (the balance moves with it); the old one is blocked."""
        now = self.clock.now()
        with self.db.write() as session:
            old = self._card(session, number, allow_blocked=False)
            old.status = "blocked"
            old.blocked_at = now
            old.block_reason = reason.strip()
            card = self._new_card(session, old.account_id, replaces=old.id)
            account = session.get(LoyaltyAccount, old.account_id)
            assert account is not None
            if account.customer_id is not None:
                timeline.record(
                    session, customer_id=account.customer_id, channel="system", at=now,
                    author=by, subject=f"Bonuskarte {card_numbers.grouped(old.number)} gesperrt"
                                       f" ({reason.strip()}), Ersatzkarte "
                                       f"{card_numbers.grouped(card.number)}")
            result = self._card_dto(session, card)
            session.commit()
        return result

    def card(self, number: str) -> CardDTO:
        with self.db.read() as session:
            return self._card_dto(session, self._card(session, number, allow_blocked=True))

    def cards_of(self, customer_id: int) -> list[CardDTO]:
        with self.db.read() as session:
            cards = session.scalars(select(BonusCard).join(LoyaltyAccount).where(
                LoyaltyAccount.customer_id == customer_id).order_by(
                    BonusCard.status, BonusCard.id.desc()))
            return [self._card_dto(session, card) for card in cards]

    def active_cards(self, *, program_id: int | None = None) -> list[CardDTO]:
        """Every active card (of one program), for printing a sheet of cards."""
        with self.db.read() as session:
            query = (select(BonusCard).join(LoyaltyAccount)
                     .where(BonusCard.status == "active").order_by(BonusCard.id))
            if program_id is not None:
                query = query.where(LoyaltyAccount.program_id == program_id)
            return [self._card_dto(session, card) for card in session.scalars(query)]

    def entries(self, number: str) -> list[PointsEntryDTO]:
        """The whole ledger of the card's account (older cards included), newest first."""
        with self.db.read() as session:
            card = self._card(session, number, allow_blocked=True)
            rows = session.execute(
                select(PointsEntry, BonusCard.number).outerjoin(
                    BonusCard, BonusCard.id == PointsEntry.card_id)
                .where(PointsEntry.account_id == card.account_id)
                .order_by(PointsEntry.id.desc())).all()
            reversed_ids = {e.reverses_id for e, _n in rows if e.reverses_id is not None}
            return [PointsEntryDTO(e.id, e.kind, e.points, e.entry_date, e.reason, e.author,
                                   n or "", e.sale_id, e.voucher_id, e.reverses_id,
                                   e.id in reversed_ids) for e, n in rows]

    def balance(self, number: str) -> int:
        with self.db.read() as session:
            return _balance(session, self._card(session, number, allow_blocked=True).account_id)

    # --- bookings ------------------------------------------------------------------------

    def credit(self, number: str, *, points: int, reason: str = "", by: str = "") -> CardDTO:
        """Credit points or stamps by hand (a stamp at the counter, a goodwill bonus)."""
        if points <= 0:
            raise invalid({"points": "bitte eine Anzahl über 0 angeben"})
        return self._book(number, kind="earn", points=points,
                          reason=reason.strip() or "Gutschrift", by=by)

    def redeem(self, number: str, *, points: int, reason: str = "", by: str = "") -> CardDTO:
        """Take points off (a reward given outside the catalogue)."""
        if points <= 0:
            raise invalid({"points": "bitte eine Anzahl über 0 angeben"})
        return self._book(number, kind="redeem", points=-points,
                          reason=reason.strip() or "Einlösung", by=by)

    def correct(self, number: str, *, points: int | None = None, entry_id: int | None = None,
                reason: str = "", by: str = "") -> CardDTO:
        """A correction entry: the exact reversal of `entry_id`, or `points` (±) by hand."""
        if (points is None) == (entry_id is None):
            raise invalid({"points": "Punkte oder zu stornierende Buchung angeben"})
        if not reason.strip():
            raise invalid({"reason": "eine Korrektur braucht einen Grund"})
        if points == 0:
            raise invalid({"points": "eine Korrektur um 0 ändert nichts"})
        return self._book(number, kind="correction", points=points, reverses=entry_id,
                          reason=reason.strip(), by=by)

    def redeem_reward(self, number: str, *, reward_id: int, by: str = "") -> RewardRedemption:
        """Spend points on a catalogue reward; a voucher reward is issued in the same step."""
        now = self.clock.now()
        with self.db.write() as session:
            card = self._card(session, number, allow_blocked=False)
            account = session.get(LoyaltyAccount, card.account_id)
            reward = session.get(LoyaltyReward, reward_id)
            assert account is not None
            if reward is None or reward.program_id != account.program_id or not reward.active:
                raise NotFoundError("Diese Prämie gehört nicht zum Programm der Karte.")
            voucher = None
            if reward.voucher_value_cents:
                voucher = self.vouchers.issue_in(session, VoucherInput(
                    kind="value", value_cents=reward.voucher_value_cents,
                    customer_id=account.customer_id, campaign="Bonusprogramm"), by=by)
            entry = self._add_entry(session, card, kind="redeem", points=-reward.cost,
                                    reason=f"Prämie: {reward.name}", by=by,
                                    voucher_id=voucher.id if voucher else None,
                                    reward_id=reward.id)
            audit.record(session, at=now, actor=by, action="points_redeem",
                         entity="bonus_card", entity_id=card.id,
                         customer_id=account.customer_id,
                         details={"points": -reward.cost, "entry_id": entry.id,
                                  "reward_id": reward.id,
                                  "voucher_id": voucher.id if voucher else None})
            voucher_dto = None
            if voucher is not None:
                voucher_dto = self.vouchers.dto_in(session, voucher)
            if account.customer_id is not None:
                timeline.record(session, customer_id=account.customer_id, channel="system",
                                at=now, author=by,
                                subject=f"Bonusprämie „{reward.name}“ für "
                                        f"{points_text(reward.cost, self._unit(session, account))}"
                                        " eingelöst")
            result = RewardRedemption(self._card_dto(session, card), entry.id, voucher_dto)
            session.commit()
        return result

    def credit_sales(self, *, customer_ids: Collection[int] | None = None, by: str = "System",
                     progress: Progress = NO_PROGRESS) -> RunReport:
        """Credit every not yet credited sale of a card holder, from the enrolment day on,
        and take back the points of every credit note (a negative sale).

        Idempotent: a sale once booked has its entry, and UNIQUE (account, sale) stops a
        second one even if two runs overlap. Run it after every sale import or entry
        (`customer_ids` narrows it to the customers just served), and nightly.

        A credit note is a reversal entry of its own on the append-only ledger (an earn
        entry with negative points that references the credit note), never a change of
        the entry of the original sale. It takes back what its amount would have earned
        (without the minimum purchase, which applies to a purchase, not to a return), but
        never more than the card holds: a balance does not go negative, and what was
        already spent is noted in the entry's reason.
        """
        now = self.clock.now()
        with self.db.write() as session:
            # credited in any account of the same program: after a merge a customer can
            # hold two accounts of one program, and a sale still counts once
            # (shaped so that SQLite looks the sale up by points_entries.sale_id first)
            other = aliased(LoyaltyAccount)
            program_of_entry = (select(other.program_id)
                                .where(other.id == PointsEntry.account_id).scalar_subquery())
            credited = (select(PointsEntry.id)
                        .where(PointsEntry.sale_id == Sale.id,
                               program_of_entry == LoyaltyAccount.program_id).exists())
            rows = session.execute(
                select(LoyaltyAccount.id, LoyaltyAccount.customer_id, BonusCard.id,
                       LoyaltyProgram, Sale.id, Sale.sale_date, Sale.amount_cents,
                       Sale.description, Sale.document_no)
                .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyAccount.program_id)
                .join(BonusCard, and_(BonusCard.account_id == LoyaltyAccount.id,
                                      BonusCard.status == "active"))
                .join(Sale, Sale.customer_id == LoyaltyAccount.customer_id)
                .where(LoyaltyProgram.active.is_(True), ~credited,
                       or_(and_(Sale.amount_cents > 0,
                                Sale.amount_cents >= LoyaltyProgram.min_purchase_cents),
                           Sale.amount_cents < 0),
                       Sale.sale_date >= LoyaltyAccount.credit_from,
                       *([] if customer_ids is None
                         else [LoyaltyAccount.customer_id.in_(list(customer_ids))]))
                .order_by(LoyaltyAccount.id, Sale.sale_date, Sale.id)).all()
            values: list[dict[str, object]] = []
            points_total = 0
            per_customer: dict[tuple[int, str, bool], tuple[int, int]] = {}
            seen: set[tuple[int, int]] = set()  # (program, sale)
            balances: dict[int, int] = {}  # account → balance, read when first needed
            for done, (account_id, customer_id, card_id, program, sale_id, sale_date, amount,
                       description, document_no) in enumerate(rows):
                if done % 500 == 0:
                    progress.checkpoint()
                    progress.report(done, len(rows), "Umsätze gutschreiben")
                if (program.id, sale_id) in seen:
                    continue
                if account_id not in balances:
                    balances[account_id] = _balance(session, account_id)
                sale = (f"{format_date(sale_date)} {format_cents(amount)}"
                        + (f" ({document_no})" if document_no else ""))
                if amount > 0:
                    points = points_for_sale(program, amount, description)
                    reason = f"Umsatz {sale}"
                else:
                    points, reason = self._take_back(program, amount, description, sale,
                                                     balance=balances[account_id])
                if not points:
                    continue
                seen.add((program.id, sale_id))
                balances[account_id] += points
                values.append({
                    "account_id": account_id, "card_id": card_id, "kind": "earn",
                    "points": points, "entry_date": sale_date, "sale_id": sale_id,
                    "reason": reason, "voucher_id": None, "reward_id": None,
                    "reverses_id": None, "author": by, "created_at": now})
                points_total += points
                assert customer_id is not None  # joined on the sale's customer
                key = (customer_id, "Stempel" if program.kind == "stamps" else "Punkte",
                       points > 0)
                count, total = per_customer.get(key, (0, 0))
                per_customer[key] = (count + 1, total + points)
            if values:
                session.execute(insert(PointsEntry), values)
                audit.record(session, at=now, actor=by, action="points_credit",
                             entity="loyalty",
                             details={"sales": len(values), "points": points_total,
                                      "customers": len({c for c, _u, _e in per_customer})})
            for (customer_id, unit, earned), (count, total) in per_customer.items():
                subject = (f"Bonus: {points_text(total, unit)} für "
                           f"{format_count(count, 'Umsatz', 'Umsätze')} gutgeschrieben"
                           if earned else
                           f"Bonus: {points_text(-total, unit)} für "
                           f"{format_count(count, 'Gutschrift', 'Gutschriften')} zurückgebucht")
                timeline.record(session, customer_id=customer_id, channel="system", at=now,
                                author=by, subject=subject)
            progress.report(len(rows), len(rows), "Umsätze gutschreiben")
            session.commit()
        customers = {customer_id for customer_id, _unit, _earned in per_customer}
        return RunReport(len(values), points_total, len(customers))

    @staticmethod
    def _take_back(program: LoyaltyProgram, amount: int, description: str, sale: str, *,
                   balance: int) -> tuple[int, str]:
        """The (negative) points a credit note takes back and the entry's reason."""
        due = points_for_credit_note(program, amount, description)
        taken = min(due, max(balance, 0))
        reason = f"Gutschrift {sale}"
        if taken < due:
            reason += f": {taken} von {due} zurückgebucht, der Rest war schon eingelöst"
        return -taken, reason

    def expire(self, *, as_of: date | None = None, by: str = "System") -> RunReport:
        """Let points expire at the end of the N-th calendar year after earning.

        Points are used first-in first-out: what was earned in an expired year and not
        yet spent (redeemed, expired or corrected away) expires now. Idempotent: the expire
        entry counts as spent, so a second run finds nothing.
        """
        as_of = as_of or self.clock.today()
        now = self.clock.now()
        with self.db.write() as session:
            accounts = {a.id: (a, p) for a, p in session.execute(
                select(LoyaltyAccount, LoyaltyProgram).join(LoyaltyProgram)
                .where(LoyaltyProgram.expiry_years.is_not(None))).all()}
            ledgers: dict[int, list[tuple[int, date]]] = {}
            for account_id, points, entry_date in session.execute(
                    select(PointsEntry.account_id, PointsEntry.points, PointsEntry.entry_date)
                    .join(LoyaltyAccount).join(LoyaltyProgram)
                    .where(LoyaltyProgram.expiry_years.is_not(None))):
                ledgers.setdefault(account_id, []).append((points, entry_date))
            cards = {account_id: card_id for account_id, card_id in session.execute(
                select(BonusCard.account_id, BonusCard.id).where(BonusCard.status == "active"))}
            values: list[dict[str, object]] = []
            customers: set[int] = set()
            expired_total = 0
            for account_id, ledger in ledgers.items():
                account, program = accounts[account_id]
                assert program.expiry_years is not None
                due = expiring(ledger, years=program.expiry_years, as_of=as_of)
                if due <= 0:
                    continue
                expired_total += due
                values.append({
                    "account_id": account_id, "card_id": cards.get(account_id),
                    "kind": "expire", "points": -due, "entry_date": as_of, "sale_id": None,
                    "reason": f"Verfall: vor {as_of.year - program.expiry_years} gesammelt",
                    "voucher_id": None, "reward_id": None, "reverses_id": None,
                    "author": by, "created_at": now})
                if account.customer_id is not None:
                    customers.add(account.customer_id)
                    unit = "Stempel" if program.kind == "stamps" else "Punkte"
                    timeline.record(session, customer_id=account.customer_id,
                                    channel="system", at=now, author=by,
                                    subject=f"Bonus: {points_text(due, unit)} verfallen "
                                            f"({program.name})")
            if values:
                session.execute(insert(PointsEntry), values)
                audit.record(session, at=now, actor=by, action="points_expire",
                             entity="loyalty",
                             details={"accounts": len(values), "points": expired_total,
                                      "as_of": as_of})
            session.commit()
        return RunReport(len(values), expired_total, len(customers))

    # --- internals ---------------------------------------------------------------------

    def _book(self, number: str, *, kind: str, points: int | None, reason: str, by: str,
              reverses: int | None = None) -> CardDTO:
        now = self.clock.now()
        with self.db.write() as session:
            card = self._card(session, number, allow_blocked=False)
            if reverses is not None:
                original = session.get(PointsEntry, reverses)
                if original is None or original.account_id != card.account_id:
                    raise NotFoundError(f"Buchung {reverses} gehört nicht zu dieser Karte.")
                if session.scalar(select(PointsEntry.id).where(
                        PointsEntry.reverses_id == reverses)) is not None:
                    raise ConflictError(f"Buchung {reverses} wurde bereits storniert.")
                points = -original.points
            assert points is not None
            entry = self._add_entry(session, card, kind=kind, points=points, reason=reason,
                                    by=by, reverses_id=reverses)
            account = session.get(LoyaltyAccount, card.account_id)
            assert account is not None
            audit.record(session, at=now, actor=by, action=AUDIT_ACTIONS[kind],
                         entity="bonus_card", entity_id=card.id,
                         customer_id=account.customer_id,
                         details={"points": points, "entry_id": entry.id,
                                  "reverses": reverses})
            if account.customer_id is not None:
                unit = self._unit(session, account)
                timeline.record(session, customer_id=account.customer_id, channel="system",
                                at=now, author=by,
                                subject=f"Bonus: {ENTRY_LABELS[kind]} {points:+d} {unit} "
                                        f"({reason})")
            result = self._card_dto(session, card)
            session.commit()
        return result

    def _add_entry(self, session: Session, card: BonusCard, *, kind: str, points: int,
                   reason: str, by: str, voucher_id: int | None = None,
                   reward_id: int | None = None, reverses_id: int | None = None
                   ) -> PointsEntry:
        """The one place a booking is checked: the balance may never go below zero."""
        balance = _balance(session, card.account_id)
        if balance + points < 0:
            unit = self._unit(session, session.get(LoyaltyAccount, card.account_id))
            raise ConflictError(f"Nicht genug {unit} auf Karte {card_numbers.grouped(card.number)}"
                                f": Stand {balance}, benötigt {-points}.")
        entry = PointsEntry(account_id=card.account_id, card_id=card.id, kind=kind,
                            points=points, entry_date=self.clock.today(), reason=reason,
                            voucher_id=voucher_id, reward_id=reward_id,
                            reverses_id=reverses_id, author=by, created_at=self.clock.now())
        session.add(entry)
        session.flush()
        return entry

    def _new_card(self, session: Session, account_id: int, *, replaces: int | None
                  ) -> BonusCard:
        while True:
            number = card_numbers.generate()
            if session.scalar(select(BonusCard.id).where(BonusCard.number == number)) is None:
                break
        card = BonusCard(account_id=account_id, number=number, status="active",
                         replaces_card_id=replaces, issued_at=self.clock.now())
        session.add(card)
        session.flush()
        return card

    @staticmethod
    def _card(session: Session, number: str, *, allow_blocked: bool) -> BonusCard:
        bare = card_numbers.normalize(number)
        if not card_numbers.is_valid(bare):
            raise invalid({"card": f"„{number.strip()}“ ist keine gültige "
                                           "Bonuskartennummer (Prüfziffer falsch?)"})
        card = session.scalar(select(BonusCard).where(BonusCard.number == bare))
        if card is None:
            raise NotFoundError(f"Bonuskarte {card_numbers.grouped(bare)} ist nicht bekannt.")
        if card.status != "active" and not allow_blocked:
            replacement = session.scalar(select(BonusCard.number).where(
                BonusCard.replaces_card_id == card.id))
            hint = f"; Ersatzkarte {card_numbers.grouped(replacement)}" if replacement else ""
            raise ConflictError(f"Bonuskarte {card_numbers.grouped(bare)} ist gesperrt{hint}.")
        return card

    @staticmethod
    def _active_card_id(session: Session, account_id: int) -> int | None:
        return session.scalar(select(BonusCard.id).where(
            BonusCard.account_id == account_id, BonusCard.status == "active"))

    @staticmethod
    def _unit(session: Session, account: LoyaltyAccount | None) -> str:
        kind = session.scalar(select(LoyaltyProgram.kind).where(
            LoyaltyProgram.id == (account.program_id if account else 0)))
        return "Stempel" if kind == "stamps" else "Punkte"

    @staticmethod
    def _card_dto(session: Session, card: BonusCard) -> CardDTO:
        account = session.get(LoyaltyAccount, card.account_id)
        assert account is not None
        program = session.get(LoyaltyProgram, account.program_id)
        assert program is not None
        customer = session.get(Customer, account.customer_id) if account.customer_id else None
        return CardDTO(card.id, card.number, card.status, account.id, program.id, program.name,
                       program.kind, account.customer_id, customer_display_name(customer),
                       customer.number if customer else "", _balance(session, account.id))
