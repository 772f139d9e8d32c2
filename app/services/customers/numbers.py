"""Customer numbers: `K-000123`, unique, never given out twice."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Counter, Customer
from app.services.errors import ValidationError

NUMBER_PREFIX = "K-"
# A kept "K-…" number lifts the counter only up to this: a number brought along beyond it
# stays as it is, and new numbers never run past what the database's integer holds.
_GENERATED_NUMBER = re.compile(r"K-(\d{1,9})")
_COUNTER = "customer_number"


class NumberAllocator:
    """Customer numbers inside one unit of work.

    A number brought along from an old system is kept if it is free (a `K-…` number lifts
    the counter past it, so new numbers never collide); a new number continues the counter
    and skips taken ones. `taken` answers "is this number in use?"; an import passes a set
    of all numbers instead of one query per row.
    """

    def __init__(self, session: Session, *, taken: Callable[[str], bool] | None = None) -> None:
        counter = session.get(Counter, _COUNTER)
        if counter is None:
            counter = Counter(name=_COUNTER, value=0)
            session.add(counter)
        self._counter = counter
        self._taken = taken or (lambda number: session.scalar(
            select(Customer.id).where(Customer.number == number)) is not None)
        self._claimed: set[str] = set()

    def is_free(self, number: str) -> bool:
        return number not in self._claimed and not self._taken(number)

    def require_free(self, wanted: str | None) -> None:
        """Refuse a number typed in by hand that is in use (an import takes the next one)."""
        number = (wanted or "").strip()
        if number and not self.is_free(number):
            raise ValidationError({"number": f"Kundennummer {number} ist schon vergeben"})

    def claim(self, wanted: str | None) -> str:
        self.require_free(wanted)
        return self.claim_all([wanted])[0]

    def claim_all(self, wanted: Iterable[str | None]) -> list[str]:
        """A number for each of many new customers: the wanted one if it is free, else the
        next one from the counter (which is written once, not once per number)."""
        value = self._counter.value
        numbers: list[str] = []
        for want in wanted:
            number = (want or "").strip()
            if number and self.is_free(number):
                if match := _GENERATED_NUMBER.fullmatch(number):
                    value = max(value, int(match.group(1)))
            else:
                value += 1
                number = f"{NUMBER_PREFIX}{value:06d}"
                while not self.is_free(number):
                    value += 1
                    number = f"{NUMBER_PREFIX}{value:06d}"
            self._claimed.add(number)
            numbers.append(number)
        self._counter.value = value
        return numbers
