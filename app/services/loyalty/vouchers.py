"""Vouchers (Gutscheine): issue, redeem in parts, reverse, expire.

The remaining value of a voucher is the sum of its append-only ledger. A redemption checks
that sum and books inside one write transaction (`BEGIN IMMEDIATE` on SQLite, a row lock
on PostgreSQL), so two counters redeeming the same voucher at the same moment can never
spend more than it holds; an idempotency key makes a double-click book once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.models import Customer, Voucher, VoucherEntry
from app.services import audit, timeline
from app.services.clock import Clock
from app.services.customers.naming import customer_display_name
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.formatting import format_cents, format_count, format_date
from app.services.loyalty import codes as voucher_codes
from app.services.progress import NO_PROGRESS, Progress

KINDS = {"value": "Wertgutschein", "service": "Leistungsgutschein", "percent": "Rabattgutschein"}
audit.name_values("voucher_kind", KINDS)
PURPOSES = {"multi": "Mehrzweck", "single": "Einzweck"}
STATUS_LABELS = {"valid": "gültig", "spent": "eingelöst", "expired": "abgelaufen"}
ENTRY_LABELS = {"issue": "Ausgabe", "redeem": "Einlösung", "reversal": "Storno",
                "expire": "Verfallen"}
MAX_VALUE_CENTS = 100_000_00
_CHUNK = 500
invalid = ValidationError.labelled({
    "code": "Gutscheincode", "amount": "Betrag", "value": "Wert", "percent": "Prozent",
    "service_text": "Leistung", "purpose": "Zweck", "vat_rate": "USt-Satz",
    "valid_until": "Gültig bis", "customer": "Kunde", "campaign": "Aktion", "count": "Anzahl",
    "key": "Buchungsschlüssel",
})


def default_valid_until(issued_on: date) -> date:
    """End of the third year after the year of issue: the regular limitation period
    (§§ 195, 199 BGB). 15.03.2025 → 31.12.2028."""
    return date(issued_on.year + 3, 12, 31)


@dataclass(frozen=True)
class VoucherInput:
    kind: str = "value"
    value_cents: int = 0
    percent: int | None = None
    service_text: str = ""
    purpose: str = "multi"
    vat_rate_bp: int | None = None
    customer_id: int | None = None
    campaign: str = ""
    promo: bool = False
    valid_until: date | None = None


@dataclass(frozen=True)
class VoucherEntryDTO:
    id: int
    kind: str
    amount_cents: int
    entry_date: date
    reason: str
    author: str
    reverses_id: int | None
    reversed: bool

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self.kind]


@dataclass(frozen=True)
class VoucherDTO:
    id: int
    code: str
    kind: str
    purpose: str
    vat_rate_bp: int | None
    value_cents: int
    percent: int | None
    service_text: str
    customer_id: int | None
    customer_name: str
    campaign: str
    promo: bool
    issued_on: date
    valid_until: date
    remaining_cents: int
    used: bool
    status: str  # valid | spent | expired
    entries: tuple[VoucherEntryDTO, ...] = ()

    @property
    def display_code(self) -> str:
        return voucher_codes.grouped(self.code)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def description(self) -> str:
        if self.kind == "percent":
            return f"{self.percent} % Rabatt"
        if self.kind == "service":
            return self.service_text or KINDS["service"]
        return format_cents(self.value_cents)


@dataclass(frozen=True)
class Redemption:
    voucher: VoucherDTO
    entry_id: int
    amount_cents: int
    replayed: bool  # True: the key was booked before, nothing new was booked


def parse_code(text: str) -> str:
    """Typed or scanned text → the bare code, or a ValidationError naming the problem."""
    code = voucher_codes.normalize(text)
    if not code:
        raise invalid({"code": "bitte einen Gutscheincode eingeben"})
    if len(code) != voucher_codes.LENGTH or not voucher_codes.is_valid(code):
        raise invalid({"code": f"„{text.strip()}“ ist kein gültiger Gutscheincode "
                                       "(Tippfehler? Bitte genau prüfen)"})
    return code


def _status(voucher: Voucher, remaining: int, used: bool, today: date) -> str:
    if (voucher.kind == "value" and remaining <= 0) or (voucher.kind != "value" and used):
        return "spent"
    return "expired" if voucher.valid_until < today else "valid"


class VoucherService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- issue -------------------------------------------------------------------------

    def issue(self, data: VoucherInput, *, by: str = "") -> VoucherDTO:
        with self.db.write() as session:
            voucher = self.issue_in(session, data, by=by)
            result = self._dto(session, voucher, with_entries=True)
            session.commit()
        return result

    def issue_batch(self, data: VoucherInput, *, count: int, by: str = "",
                    progress: Progress = NO_PROGRESS) -> list[VoucherDTO]:
        """N vouchers for a campaign, all or nothing, written in bulk."""
        if not data.campaign.strip():
            raise invalid({"campaign": "bitte einen Aktionsnamen angeben"})
        if not 1 <= count <= 10_000:
            raise invalid({"count": "Anzahl zwischen 1 und 10.000"})
        today = self.clock.today()
        now = self.clock.now()
        with self.db.write() as session:
            fields = self._validated(session, data, today)
            codes = self.fresh_codes(session, count, progress=progress)
            vouchers = self._insert(session, fields, [(data.customer_id, c) for c in codes],
                                    by=by)
            progress.report(count // 2, count, "Gutscheine anlegen")
            customer = session.get(Customer, data.customer_id) if data.customer_id else None
            if customer is not None:
                issued = format_count(count, "Gutschein", "Gutscheine")
                timeline.record(session, customer_id=customer.id, channel="system", at=now,
                                author=by, subject=f"{issued} der Aktion "
                                                   f"„{data.campaign.strip()}“ ausgegeben")
            audit.record(session, at=now, actor=by, action="voucher_issue", entity="voucher",
                         customer_id=customer.id if customer is not None else None,
                         details={"count": count, "campaign": data.campaign.strip(),
                                  "kind": data.kind, "value_cents": data.value_cents})
            result = [self._row_dto(v, v.value_cents, False, customer, today) for v in vouchers]
            session.commit()
        progress.report(count, count, "Gutscheine anlegen")
        return result

    def issue_in(self, session: Session, data: VoucherInput, *, by: str) -> Voucher:
        """Issue inside the caller's unit of work (rewards of the bonus program, rules)."""
        fields = self._validated(session, data, self.clock.today())
        [voucher] = self._insert(session, fields,
                                 [(data.customer_id, self.fresh_codes(session, 1)[0])], by=by)
        audit.record(session, at=self.clock.now(), actor=by, action="voucher_issue",
                     entity="voucher", entity_id=voucher.id, customer_id=voucher.customer_id,
                     details={"code": voucher.code, "kind": voucher.kind,
                              "value_cents": voucher.value_cents,
                              "campaign": voucher.campaign})
        if voucher.customer_id is not None:
            dto = self._dto(session, voucher)
            timeline.record(session, customer_id=voucher.customer_id, channel="system",
                            at=self.clock.now(), author=by,
                            subject=f"Gutschein {dto.display_code} ausgegeben "
                                    f"({dto.description}, gültig bis "
                                    f"{format_date(voucher.valid_until)})")
        return voucher

    def issue_personal_in(self, session: Session, data: VoucherInput, codes: Mapping[int, str],
                          *, by: str) -> list[Voucher]:
        """One voucher like `data` per customer (`codes`: customer id → code drawn with
        `fresh_codes`, e.g. already printed in a serial letter), in bulk inside the caller's
        unit of work. The caller writes the customers' timeline entries (a mailing notes
        the voucher in its letter entry)."""
        fields = self._validated(session, replace(data, customer_id=None), self.clock.today())
        vouchers = self._insert(session, fields, list(codes.items()), by=by)
        audit.record(session, at=self.clock.now(), actor=by, action="voucher_issue",
                     entity="voucher",
                     details={"count": len(vouchers), "campaign": fields["campaign"],
                              "kind": data.kind, "value_cents": data.value_cents})
        return vouchers

    def fresh_codes(self, session: Session, count: int, *, progress: Progress = NO_PROGRESS
                    ) -> list[str]:
        """`count` voucher codes not in use yet, checked against the database in bulk."""
        codes: set[str] = set()
        while len(codes) < count:
            progress.checkpoint()
            fresh = sorted({voucher_codes.generate() for _ in range(count - len(codes))} - codes)
            taken: set[str] = set()
            for start in range(0, len(fresh), _CHUNK):
                taken.update(session.scalars(select(Voucher.code).where(
                    Voucher.code.in_(fresh[start:start + _CHUNK]))))
            codes.update(code for code in fresh if code not in taken)
        return sorted(codes)[:count]

    def _insert(self, session: Session, fields: dict[str, object],
                owners_and_codes: Sequence[tuple[int | None, str]], *, by: str
                ) -> list[Voucher]:
        """The one place vouchers are written: the rows and their issue ledger entries."""
        today, now = self.clock.today(), self.clock.now()
        vouchers = [Voucher(code=code, issued_on=today, created_at=now, created_by=by,
                            **{**fields, "customer_id": owner})
                    for owner, code in owners_and_codes]
        session.add_all(vouchers)
        session.flush()
        session.execute(insert(VoucherEntry), [
            {"voucher_id": v.id, "kind": "issue", "amount_cents": v.value_cents,
             "entry_date": today, "reason": "Ausgabe", "author": by, "created_at": now,
             "idempotency_key": None, "reverses_id": None} for v in vouchers])
        return vouchers

    # --- look up -----------------------------------------------------------------------

    def dto_in(self, session: Session, voucher: Voucher) -> VoucherDTO:
        """A voucher's DTO inside the caller's unit of work."""
        return self._dto(session, voucher, with_entries=True)

    def get(self, code: str) -> VoucherDTO:
        bare = parse_code(code)
        with self.db.read() as session:
            voucher = session.scalar(select(Voucher).where(Voucher.code == bare))
            if voucher is None:
                raise NotFoundError(f"Gutschein {voucher_codes.grouped(bare)} ist nicht "
                                    "bekannt.")
            return self._dto(session, voucher, with_entries=True)

    def of_customer(self, customer_id: int) -> list[VoucherDTO]:
        with self.db.read() as session:
            vouchers = session.scalars(select(Voucher).where(Voucher.customer_id == customer_id)
                                       .order_by(Voucher.id.desc()))
            return [self._dto(session, v) for v in vouchers]

    def listing(self, *, status: str | None = None, campaign: str | None = None,
                limit: int = 5000) -> list[VoucherDTO]:
        """Vouchers newest first, filtered by status (valid/spent/expired) and campaign.

        One query: remaining value and use are aggregated in SQL, so the list stays quick
        with tens of thousands of vouchers.
        """
        today = self.clock.today()
        remaining_sq = (select(VoucherEntry.voucher_id,
                               func.sum(VoucherEntry.amount_cents).label("remaining"))
                        .group_by(VoucherEntry.voucher_id).subquery())
        reversal = aliased(VoucherEntry)
        used_sq = (select(VoucherEntry.voucher_id, func.count().label("used"))
                   .where(VoucherEntry.kind == "redeem",
                          ~exists().where(reversal.reverses_id == VoucherEntry.id))
                   .group_by(VoucherEntry.voucher_id).subquery())
        remaining = func.coalesce(remaining_sq.c.remaining, 0)
        used = func.coalesce(used_sq.c.used, 0)
        spent = or_(and_(Voucher.kind == "value", remaining <= 0),
                    and_(Voucher.kind != "value", used > 0))
        query = (select(Voucher, remaining, used, Customer)
                 .outerjoin(remaining_sq, remaining_sq.c.voucher_id == Voucher.id)
                 .outerjoin(used_sq, used_sq.c.voucher_id == Voucher.id)
                 .outerjoin(Customer, Customer.id == Voucher.customer_id)
                 .order_by(Voucher.id.desc()).limit(limit))
        if campaign:
            query = query.where(Voucher.campaign == campaign)
        if status == "spent":
            query = query.where(spent)
        elif status == "valid":
            query = query.where(~spent, Voucher.valid_until >= today)
        elif status == "expired":
            query = query.where(~spent, Voucher.valid_until < today)
        with self.db.read() as session:
            rows = session.execute(query).all()
        return [self._row_dto(v, int(rest), int(count) > 0, customer, today)
                for v, rest, count, customer in rows]

    def campaigns(self) -> list[str]:
        with self.db.read() as session:
            return list(session.scalars(select(Voucher.campaign).where(Voucher.campaign != "")
                                        .distinct().order_by(Voucher.campaign)))

    # --- redeem ------------------------------------------------------------------------

    def redeem(self, code: str, *, amount_cents: int | None = None, key: str | None = None,
               by: str = "") -> Redemption:
        """Book a redemption; a value voucher in parts, a service/percent voucher once.

        With a key that was booked before, nothing new is booked and the earlier booking
        is returned (a double-click, a retried command).
        """
        bare = parse_code(code)
        key = (key or "").strip() or None
        if key is not None and len(key) > 64:
            raise invalid({"key": "Schlüssel höchstens 64 Zeichen"})
        today = self.clock.today()
        with self.db.write() as session:
            voucher = session.scalar(select(Voucher).where(Voucher.code == bare)
                                     .with_for_update())
            if voucher is None:
                raise NotFoundError(f"Gutschein {voucher_codes.grouped(bare)} ist nicht "
                                    "bekannt.")
            if key is not None:
                earlier = session.scalar(select(VoucherEntry)
                                         .where(VoucherEntry.idempotency_key == key))
                if earlier is not None:
                    return self._replayed(session, voucher, earlier, amount_cents)
            remaining, used = self._balance(session, voucher.id)
            shown = voucher_codes.grouped(bare)
            if voucher.kind == "value":
                if amount_cents is None or amount_cents <= 0:
                    raise invalid({"amount": "bitte einen Betrag über 0 angeben"})
                if remaining <= 0:
                    raise ConflictError(f"Gutschein {shown} ist bereits vollständig eingelöst.")
            elif used:
                raise ConflictError(f"Gutschein {shown} wurde bereits eingelöst.")
            if voucher.valid_until < today:
                raise ConflictError(
                    f"Gutschein {shown} ist seit {format_date(voucher.valid_until)} abgelaufen "
                    f"(Restwert {format_cents(remaining)} bleibt verbucht).")
            if voucher.kind == "value":
                assert amount_cents is not None
                if amount_cents > remaining:
                    raise ConflictError(
                        f"Gutschein {shown} hat nur noch {format_cents(remaining)}; "
                        f"{format_cents(amount_cents)} sind zu viel.")
                booked = amount_cents
            else:
                booked = voucher.value_cents
            entry = VoucherEntry(voucher_id=voucher.id, kind="redeem", amount_cents=-booked,
                                 entry_date=today, reason="Einlösung", author=by,
                                 idempotency_key=key, created_at=self.clock.now())
            session.add(entry)
            try:
                session.flush()
            except IntegrityError:
                raise ConflictError("Diese Einlösung wurde gerade schon gebucht.") from None
            if voucher.customer_id is not None:
                timeline.record(session, customer_id=voucher.customer_id, channel="system",
                                at=self.clock.now(), author=by,
                                subject=f"Gutschein {shown} eingelöst ({format_cents(booked)})")
            audit.record(session, at=self.clock.now(), actor=by, action="voucher_redeem",
                         entity="voucher", entity_id=voucher.id,
                         customer_id=voucher.customer_id,
                         details={"code": voucher.code, "amount_cents": booked,
                                  "entry_id": entry.id})
            result = Redemption(self._dto(session, voucher, with_entries=True), entry.id,
                                booked, replayed=False)
            session.commit()
        return result

    def reverse(self, entry_id: int, *, reason: str = "", by: str = "") -> VoucherDTO:
        """Cancel a redemption with a reversal entry (Storno); the redemption stays visible."""
        with self.db.write() as session:
            entry = session.get(VoucherEntry, entry_id)
            if entry is None or entry.kind != "redeem":
                raise NotFoundError(f"Einlösung {entry_id} nicht gefunden.")
            voucher = session.scalar(select(Voucher).where(Voucher.id == entry.voucher_id)
                                     .with_for_update())
            assert voucher is not None
            if session.scalar(select(VoucherEntry.id)
                              .where(VoucherEntry.reverses_id == entry_id)) is not None:
                raise ConflictError("Diese Einlösung wurde bereits storniert.")
            session.add(VoucherEntry(voucher_id=voucher.id, kind="reversal",
                                     amount_cents=-entry.amount_cents,
                                     entry_date=self.clock.today(), reverses_id=entry_id,
                                     reason=reason.strip() or "Storno der Einlösung",
                                     author=by, created_at=self.clock.now()))
            session.flush()
            audit.record(session, at=self.clock.now(), actor=by, action="voucher_reverse",
                         entity="voucher", entity_id=voucher.id,
                         customer_id=voucher.customer_id,
                         details={"code": voucher.code, "amount_cents": -entry.amount_cents,
                                  "reverses": entry_id})
            if voucher.customer_id is not None:
                timeline.record(session, customer_id=voucher.customer_id, channel="system",
                                at=self.clock.now(), author=by,
                                subject=f"Einlösung von Gutschein "
                                        f"{voucher_codes.grouped(voucher.code)} storniert "
                                        f"({format_cents(-entry.amount_cents)})")
            result = self._dto(session, voucher, with_entries=True)
            session.commit()
        return result

    # --- expiry ----------------------------------------------------------------------

    def mark_expired(self, *, as_of: date | None = None, by: str = "System") -> int:
        """Write one expire entry (0 €, remaining value kept) per newly expired voucher.

        Idempotent: a voucher with an expire entry is skipped.
        """
        as_of = as_of or self.clock.today()
        with self.db.write() as session:
            already = select(VoucherEntry.voucher_id).where(VoucherEntry.kind == "expire")
            vouchers = list(session.scalars(select(Voucher).where(
                Voucher.valid_until < as_of, Voucher.id.not_in(already))))
            count = 0
            for voucher in vouchers:
                remaining, used = self._balance(session, voucher.id)
                if _status(voucher, remaining, used, as_of) != "expired":
                    continue
                session.add(VoucherEntry(
                    voucher_id=voucher.id, kind="expire", amount_cents=0, entry_date=as_of,
                    reason=f"Gültigkeit am {format_date(voucher.valid_until)} abgelaufen, "
                           f"Restwert {format_cents(remaining)}",
                    author=by, created_at=self.clock.now()))
                if voucher.customer_id is not None:
                    timeline.record(session, customer_id=voucher.customer_id,
                                    channel="system", at=self.clock.now(), author=by,
                                    subject=f"Gutschein {voucher_codes.grouped(voucher.code)} "
                                            f"abgelaufen (Restwert {format_cents(remaining)})")
                count += 1
            if count:
                audit.record(session, at=self.clock.now(), actor=by, action="voucher_expire",
                             entity="voucher", details={"count": count, "as_of": as_of})
            session.commit()
        return count

    # --- internals ---------------------------------------------------------------------

    def _validated(self, session: Session, data: VoucherInput, today: date) -> dict[str, object]:
        errors: dict[str, str] = {}
        if data.kind not in KINDS:
            errors["kind"] = "unbekannte Gutscheinart"
        if data.purpose not in PURPOSES:
            errors["purpose"] = "Einzweck oder Mehrzweck wählen"
        if data.kind == "value" and not 0 < data.value_cents <= MAX_VALUE_CENTS:
            errors["value"] = "Wert zwischen 0,01 € und 100.000,00 € angeben"
        if data.kind != "value" and not 0 <= data.value_cents <= MAX_VALUE_CENTS:
            errors["value"] = "Wert zwischen 0,00 € und 100.000,00 € angeben"
        if data.kind == "percent" and not (data.percent and 0 < data.percent <= 100):
            errors["percent"] = "Prozentsatz zwischen 1 und 100 angeben"
        if data.kind == "service" and not data.service_text.strip():
            errors["service_text"] = "bitte die Leistung beschreiben"
        if data.purpose == "single" and data.vat_rate_bp is None:
            errors["vat_rate"] = "Einzweckgutschein: USt-Satz bei Ausgabe angeben"
        if data.vat_rate_bp is not None and not 0 <= data.vat_rate_bp <= 10_000:
            errors["vat_rate"] = "USt-Satz zwischen 0 und 100 %"
        default = default_valid_until(today)
        valid_until = data.valid_until or default
        if valid_until < default and not data.promo:
            errors["valid_until"] = ("kürzere Gültigkeit als bis "
                                     f"{format_date(default)} nur für Aktionsgutscheine")
        if valid_until < today:
            errors["valid_until"] = "Gültigkeit darf nicht in der Vergangenheit enden"
        if data.customer_id is not None and session.get(Customer, data.customer_id) is None:
            errors["customer"] = f"Kunde {data.customer_id} nicht gefunden"
        if errors:
            raise invalid(errors)
        return {
            "kind": data.kind, "purpose": data.purpose,
            "vat_rate_bp": data.vat_rate_bp if data.purpose == "single" else None,
            "value_cents": data.value_cents,
            "percent": data.percent if data.kind == "percent" else None,
            "service_text": data.service_text.strip(), "customer_id": data.customer_id,
            "campaign": data.campaign.strip(), "promo": data.promo,
            "valid_until": valid_until,
        }

    @staticmethod
    def _balance(session: Session, voucher_id: int) -> tuple[int, bool]:
        """(remaining cents, used) where used means an unreversed redemption exists."""
        remaining = session.scalar(select(func.coalesce(func.sum(VoucherEntry.amount_cents), 0))
                                   .where(VoucherEntry.voucher_id == voucher_id))
        reversed_ids = select(VoucherEntry.reverses_id).where(
            VoucherEntry.voucher_id == voucher_id, VoucherEntry.reverses_id.is_not(None))
        used = session.scalar(select(VoucherEntry.id).where(
            VoucherEntry.voucher_id == voucher_id, VoucherEntry.kind == "redeem",
            VoucherEntry.id.not_in(reversed_ids)).limit(1))
        return int(remaining or 0), used is not None

    def _replayed(self, session: Session, voucher: Voucher, earlier: VoucherEntry,
                  amount_cents: int | None) -> Redemption:
        same = earlier.voucher_id == voucher.id and earlier.kind == "redeem" and (
            voucher.kind != "value" or amount_cents == -earlier.amount_cents)
        if not same:
            raise ConflictError("Dieser Buchungsschlüssel wurde schon für eine andere "
                                "Einlösung verwendet.")
        return Redemption(self._dto(session, voucher, with_entries=True), earlier.id,
                          -earlier.amount_cents, replayed=True)

    def _dto(self, session: Session, voucher: Voucher, *, with_entries: bool = False
             ) -> VoucherDTO:
        remaining, used = self._balance(session, voucher.id)
        customer = session.get(Customer, voucher.customer_id) if voucher.customer_id else None
        entries: tuple[VoucherEntryDTO, ...] = ()
        if with_entries:
            rows = list(session.scalars(select(VoucherEntry).where(
                VoucherEntry.voucher_id == voucher.id).order_by(VoucherEntry.id)))
            reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
            entries = tuple(VoucherEntryDTO(r.id, r.kind, r.amount_cents, r.entry_date,
                                            r.reason, r.author, r.reverses_id,
                                            r.id in reversed_ids) for r in rows)
        return self._row_dto(voucher, remaining, used, customer, self.clock.today(), entries)

    @staticmethod
    def _row_dto(voucher: Voucher, remaining: int, used: bool, customer: Customer | None,
                 today: date, entries: tuple[VoucherEntryDTO, ...] = ()) -> VoucherDTO:
        return VoucherDTO(
            id=voucher.id, code=voucher.code, kind=voucher.kind, purpose=voucher.purpose,
            vat_rate_bp=voucher.vat_rate_bp, value_cents=voucher.value_cents,
            percent=voucher.percent, service_text=voucher.service_text,
            customer_id=voucher.customer_id, customer_name=customer_display_name(customer),
            campaign=voucher.campaign, promo=voucher.promo, issued_on=voucher.issued_on,
            valid_until=voucher.valid_until, remaining_cents=remaining, used=used,
            status=_status(voucher, remaining, used, today), entries=entries)


def new_key() -> str:
    """A fresh idempotency key for one redeem form (UI): a double-click sends it twice."""
    return uuid.uuid4().hex

