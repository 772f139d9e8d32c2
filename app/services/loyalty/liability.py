"""The voucher liability (Gutscheinverbindlichkeiten): what the shop still owes on issued
vouchers on a given day — valid and expired separately —, and the list for the tax advisor.

Read only: it sums the vouchers' append-only ledgers (`vouchers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, func, select

from app.db import Database
from app.models import Voucher, VoucherEntry
from app.services.clock import Clock
from app.services.formatting import format_cents, format_date
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.vouchers import KINDS, PURPOSES
from app.services.outputs import CsvWriter


@dataclass(frozen=True)
class Liability:
    as_of: date
    valid_cents: int
    valid_count: int
    expired_cents: int
    expired_count: int


def _remaining_query() -> Select:
    remaining = func.coalesce(func.sum(VoucherEntry.amount_cents), 0).label("remaining")
    return (select(Voucher.id, Voucher.code, Voucher.kind, Voucher.purpose,
                   Voucher.vat_rate_bp, Voucher.issued_on, Voucher.valid_until,
                   Voucher.campaign, Voucher.value_cents, remaining)
            .join(VoucherEntry, VoucherEntry.voucher_id == Voucher.id)
            .group_by(Voucher.id).order_by(Voucher.issued_on, Voucher.id))


class LiabilityService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def liability(self, *, as_of: date | None = None) -> Liability:
        """Remaining value of valid vouchers, and separately of expired ones."""
        as_of = as_of or self.clock.today()
        with self.db.read() as session:
            rows = session.execute(_remaining_query()).all()
        valid = [r for r in rows if r.remaining > 0 and r.valid_until >= as_of]
        expired = [r for r in rows if r.remaining > 0 and r.valid_until < as_of]
        return Liability(as_of, sum(r.remaining for r in valid), len(valid),
                         sum(r.remaining for r in expired), len(expired))

    def export_liability_csv(self, path: Path, *, as_of: date | None = None) -> Liability:
        """One row per voucher with remaining value, then the two totals; for the tax advisor.

        UTF-8 with BOM and `;`, so Excel opens it with umlauts intact.
        """
        as_of = as_of or self.clock.today()
        with self.db.read() as session:
            rows = session.execute(_remaining_query()).all()
        liability = self.liability(as_of=as_of)
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = CsvWriter(handle, delimiter=";")
            writer.writerow(["Code", "Art", "Zweck", "USt-Satz", "Ausgabe", "Gültig bis",
                             "Aktion", "Ausgabewert", "Eingelöst", "Restwert", "Status"])
            for r in rows:
                if r.remaining <= 0:
                    continue
                status = "abgelaufen" if r.valid_until < as_of else "gültig"
                vat = "" if r.vat_rate_bp is None else f"{r.vat_rate_bp / 100:g} %".replace(
                    ".", ",")
                writer.writerow([
                    voucher_codes.grouped(r.code), KINDS[r.kind], PURPOSES[r.purpose], vat,
                    format_date(r.issued_on), format_date(r.valid_until), r.campaign,
                    format_cents(r.value_cents, symbol=False),
                    format_cents(r.value_cents - r.remaining, symbol=False),
                    format_cents(r.remaining, symbol=False), status])
            writer.writerow([])
            writer.writerow([f"Summe gültig ({liability.valid_count})", "", "", "", "", "",
                             "", "", "", format_cents(liability.valid_cents, symbol=False),
                             "gültig"])
            writer.writerow([f"Summe abgelaufen ({liability.expired_count})", "", "", "", "",
                             "", "", "", "", format_cents(liability.expired_cents,
                                                          symbol=False), "abgelaufen"])
            writer.writerow([f"Stichtag {format_date(as_of)}"])
        return liability
