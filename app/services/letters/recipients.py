"""Who a campaign reaches: where the candidates come from (class, tag, numbers, segment,
letter list), who is excluded and why, and the control group that is held back.

Letters, labels and any other channel (e-mail) share this; nothing here knows how a letter
is printed. Who may not be reached, and why, is the contact policy's answer
(`privacy.contact_policy.decide_many`); a channel adds its own checks (a letter needs a
postal address the post can deliver to).

Control group (Kontrollgruppe): after the exclusions, `round(share · n)` customers are drawn
with `random.Random(seed).sample` from the eligible customers in id order; the seed is
recorded, so the same seed on the same data gives the same split.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import Customer, LetterQueueEntry, LetterTemplate, Tag, customer_tags
from app.services.customers.segments import conditions, load_spec
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_count
from app.services.letters.builtin import BUILTIN_NAMES

invalid = ValidationError.labelled({
    "abc_class": "Klasse", "control_share": "Kontrollgruppe", "source": "Empfänger",
})
_CHUNK = 500


# --- recipient sources ------------------------------------------------------------------


class RecipientSource(Protocol):
    """Where a mailing's candidates come from. Segments and rule lists plug in here."""

    def describe(self) -> str: ...

    def customer_ids(self, session: Session) -> list[int]: ...


@dataclass(frozen=True)
class ClassSource:
    abc_class: str

    def describe(self) -> str:
        return f"Klasse {self.abc_class}"

    def customer_ids(self, session: Session) -> list[int]:
        if self.abc_class not in ("A", "B", "C"):
            raise invalid({"abc_class": "Klasse A, B oder C wählen"})
        return list(session.scalars(select(Customer.id).where(
            Customer.abc_class == self.abc_class, Customer.archived_at.is_(None))
            .order_by(Customer.id)))


@dataclass(frozen=True)
class TagSource:
    tag: str

    def describe(self) -> str:
        return f"Schlagwort „{self.tag}“"

    def customer_ids(self, session: Session) -> list[int]:
        tag_id = session.scalar(select(Tag.id).where(func.lower(Tag.name) == self.tag.lower()))
        if tag_id is None:
            raise NotFoundError(f"Schlagwort „{self.tag}“ gibt es nicht")
        return list(session.scalars(
            select(Customer.id).join(customer_tags, customer_tags.c.customer_id == Customer.id)
            .where(customer_tags.c.tag_id == tag_id, Customer.archived_at.is_(None))
            .order_by(Customer.id)))


@dataclass(frozen=True)
class NumberSource:
    """Hand-picked customers by number; unknown numbers are an error naming them."""

    numbers: tuple[str, ...]

    def describe(self) -> str:
        shown = ", ".join(self.numbers[:5]) + (" …" if len(self.numbers) > 5 else "")
        return f"ausgewählte Kunden ({shown})"

    def customer_ids(self, session: Session) -> list[int]:
        wanted = [n.strip() for n in self.numbers if n.strip()]
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for number, cid in session.execute(select(Customer.number, Customer.id)
                                               .where(Customer.number.in_(chunk))):
                found[number] = cid
        missing = [n for n in wanted if n not in found]
        if missing:
            raise NotFoundError("Kundennummer nicht gefunden: " + ", ".join(missing[:10]))
        return [found[n] for n in wanted]


@dataclass(frozen=True)
class IdSource:
    """An explicit list of customer ids (from a segment, a rule list or the customer list)."""

    ids: tuple[int, ...]
    label: str = "Auswahl"

    def describe(self) -> str:
        return f"{self.label} ({format_count(len(self.ids), 'Kunde', 'Kunden')})"

    def customer_ids(self, session: Session) -> list[int]:
        return list(dict.fromkeys(self.ids))


@dataclass(frozen=True)
class SegmentSource:
    """The active customers of a saved segment; `now` anchors its "letzter Kontakt"."""

    name: str
    now: datetime

    def describe(self) -> str:
        return f"Segment „{self.name}“"

    def customer_ids(self, session: Session) -> list[int]:
        spec = load_spec(session, self.name)
        return list(session.scalars(select(Customer.id).where(
            Customer.archived_at.is_(None), Customer.anonymized_at.is_(None),
            *conditions(spec, now=self.now)).order_by(Customer.id)))


@dataclass(frozen=True)
class LetterListSource:
    """The customers on the letter list (Briefliste) for a template key and not printed
    yet; printing a mailing from it marks their entries done."""

    template_key: str

    def describe(self) -> str:
        return f"Briefliste „{self.template_key}“"

    def customer_ids(self, session: Session) -> list[int]:
        ids = session.scalars(select(LetterQueueEntry.customer_id).where(
            LetterQueueEntry.template_key == self.template_key.strip(),
            LetterQueueEntry.done_at.is_(None)).order_by(LetterQueueEntry.id))
        return list(dict.fromkeys(ids))

    def mark_done(self, session: Session, customer_ids: list[int], *, at: datetime) -> None:
        for start in range(0, len(customer_ids), _CHUNK):
            session.execute(update(LetterQueueEntry).where(
                LetterQueueEntry.template_key == self.template_key.strip(),
                LetterQueueEntry.done_at.is_(None),
                LetterQueueEntry.customer_id.in_(customer_ids[start:start + _CHUNK]))
                .values(done_at=at))


@dataclass(frozen=True)
class LetterList:
    """The customers put on the letter list for one template ("vorgemerkte Briefe") and not
    printed yet; `name` is the template's name, `template_id` None when no template has the
    key (a rule may name one that was renamed or deleted since)."""

    key: str
    name: str
    count: int
    template_id: int | None


def open_letter_lists(session: Session) -> list[LetterList]:
    """Every letter list with customers still waiting, named like its template (a shipped
    template by its key, else a template whose name is the key)."""
    counts = {str(key): int(n) for key, n in session.execute(
        select(LetterQueueEntry.template_key,
               func.count(func.distinct(LetterQueueEntry.customer_id)))
        .where(LetterQueueEntry.done_at.is_(None))
        .group_by(LetterQueueEntry.template_key))}
    found: dict[str, tuple[int, str]] = {}
    rows = session.execute(select(LetterTemplate.builtin_key, LetterTemplate.name,
                                  LetterTemplate.id)
                           .where(LetterTemplate.builtin_key.in_(counts)
                                  | LetterTemplate.name.in_(counts))).all()
    for builtin_key, name, template_id in rows:
        if builtin_key in counts:
            found[builtin_key] = (template_id, name)
    for _builtin_key, name, template_id in rows:
        if name in counts:
            found.setdefault(name, (template_id, name))
    lists = [LetterList(key, found[key][1] if key in found else BUILTIN_NAMES.get(key, key), count,
                        found[key][0] if key in found else None)
             for key, count in counts.items()]
    return sorted(lists, key=lambda item: item.name.casefold())


def parse_numbers(text: str) -> tuple[str, ...]:
    return tuple(n for n in re.split(r"[\s,;]+", text) if n)


# --- exclusion with reasons -------------------------------------------------------------


@dataclass(frozen=True)
class ExcludedCustomer:
    customer_id: int
    number: str
    name: str
    reason: str


# --- control group ----------------------------------------------------------------------


def check_control_share(share: float) -> None:
    if not 0 <= share < 1:
        raise invalid({"control_share": "Anteil der Kontrollgruppe zwischen 0 und "
                                        "0,9 angeben (z. B. 0,1 für 10 %)"})


def draw_control_group(eligible_ids: list[int], *, share: float, seed: int | None
                       ) -> tuple[set[int], int | None]:
    """The ids held back and the seed that drew them (a fresh one if none was given;
    None when there is no control group)."""
    check_control_share(share)
    if share <= 0:
        return set(), None
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    if not eligible_ids:
        return set(), seed
    size = int((Decimal(str(share)) * len(eligible_ids)).quantize(Decimal(1),
                                                                   rounding=ROUND_HALF_UP))
    by_id = sorted(eligible_ids)
    return set(random.Random(seed).sample(by_id, min(size, len(by_id)))), seed
