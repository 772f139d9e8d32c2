"""The legal rules of a contract's term: minimum term, tacit renewal, notice, last day.

Pure functions on dates, no database: the contract service, the form and the letters call
them, the tests pin each case.

Periods follow §§ 187, 188 BGB:
- A term that *starts on a day* counts that day (§ 187 Abs. 2): 12 months from 15.03.2026 end
  with the end of 14.03.2027, from 01.01.2026 with the end of 31.12.2026 (§ 188 Abs. 2 Alt. 2).
- A notice period *starts with an event*, the day the notice is received does not count
  (§ 187 Abs. 1): one month from 10.06. ends with the end of 10.07. (§ 188 Abs. 2 Alt. 1).
- When the last month has no such day, the period ends on its last day (§ 188 Abs. 3):
  one month from 31.01. ends on 28.02. (29.02. in a leap year).

Consumer contracts about regular services (a maintenance contract is one) are bound by
§ 309 Nr. 9 BGB. Its version since 01.03.2022 (Gesetz für faire Verbraucherverträge,
Art. 229 § 60 EGBGB) applies to contracts made on or after that day: after the minimum term a
tacitly renewed contract runs on indefinitely and can be ended at any time with at most one
month's notice; the notice before the end of the minimum term is at most one month. Older
contracts keep the old version: renewal by at most one year at a time, notice at most three
months before the end of the running period. Business customers: as agreed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from app.services.formatting import format_date

NEW_CONSUMER_LAW = date(2022, 3, 1)  # § 309 Nr. 9 BGB n.F., Art. 229 § 60 EGBGB
MAX_CONSUMER_MIN_MONTHS = 24  # § 309 Nr. 9 a) BGB
MAX_NEW_CONSUMER_NOTICE = 1  # § 309 Nr. 9 b), c) BGB n.F.
MAX_OLD_CONSUMER_NOTICE = 3  # § 309 Nr. 9 c) BGB a.F.
MAX_OLD_CONSUMER_RENEWAL = 12  # § 309 Nr. 9 b) BGB a.F.
RENEWALS = ("tacit", "none")
KINDS = ("private", "business")


@dataclass(frozen=True)
class Terms:
    """What was agreed. `min_months` 0: no minimum term, the contract runs indefinitely
    from the start; `renewal_months`: the length of each tacit renewal (old law, business)."""

    customer_kind: str  # private (Verbraucher) | business (Unternehmer)
    concluded_on: date
    start: date
    min_months: int
    renewal: str  # tacit | none
    notice_months: int
    renewal_months: int = 12


@dataclass(frozen=True)
class Ending:
    """The result of a notice: the contract's last day and why, in words."""

    last_day: date
    rule: str


def months_from_day(start: date, months: int) -> date:
    """Last day of a term of `months` months that begins on `start` (the start day counts,
    § 187 Abs. 2, § 188 Abs. 2 Alt. 2, § 188 Abs. 3 BGB).

    15.03.2026 + 12 → 14.03.2027; 01.01.2026 + 12 → 31.12.2026; 31.01.2027 + 1 → 28.02.2027;
    30.01.2028 + 1 → 29.02.2028."""
    if months <= 0:
        return start - timedelta(days=1)
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    if start.day == 1:
        return date(year, month, 1) - timedelta(days=1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day - 1, last))


def months_after_event(received: date, months: int) -> date:
    """Last day of a period of `months` months started by an event on `received` (that day
    does not count, § 187 Abs. 1, § 188 Abs. 2 Alt. 1, § 188 Abs. 3 BGB).

    10.06. + 1 → 10.07.; 31.01.2027 + 1 → 28.02.2027; 31.01.2028 + 1 → 29.02.2028."""
    return received + relativedelta(months=months)  # clamps to the month's end: § 188 Abs. 3


def is_consumer(terms: Terms) -> bool:
    return terms.customer_kind == "private"


def new_consumer_law(terms: Terms) -> bool:
    return is_consumer(terms) and terms.concluded_on >= NEW_CONSUMER_LAW


def min_term_end(terms: Terms) -> date | None:
    """Last day of the minimum term, None when there is none (indefinite from the start)."""
    if terms.min_months <= 0:
        return None
    return months_from_day(terms.start, terms.min_months)


def effective_notice_months(terms: Terms) -> int:
    """The agreed notice, cut to what § 309 Nr. 9 BGB allows a consumer to be held to."""
    if new_consumer_law(terms):
        return min(terms.notice_months, MAX_NEW_CONSUMER_NOTICE)
    if is_consumer(terms):
        return min(terms.notice_months, MAX_OLD_CONSUMER_NOTICE)
    return terms.notice_months


def effective_renewal_months(terms: Terms) -> int:
    if is_consumer(terms):
        return max(1, min(terms.renewal_months, MAX_OLD_CONSUMER_RENEWAL))
    return max(1, terms.renewal_months)


def problems(terms: Terms) -> dict[str, str]:
    """What the law does not allow in a consumer contract, by field (German)."""
    errors: dict[str, str] = {}
    if terms.customer_kind not in KINDS:
        errors["customer_kind"] = "Verbraucher oder Unternehmer"
    if terms.renewal not in RENEWALS:
        errors["renewal"] = "stillschweigend (tacit) oder keine (none)"
    if terms.min_months < 0 or terms.min_months > 120:
        errors["min_months"] = "0 bis 120 Monate"
    if terms.notice_months < 0 or terms.notice_months > 24:
        errors["notice_months"] = "0 bis 24 Monate"
    if not 1 <= terms.renewal_months <= 60:
        errors["renewal_months"] = "1 bis 60 Monate"
    if terms.concluded_on > terms.start + timedelta(days=366):
        errors["concluded_on"] = "liegt mehr als ein Jahr nach dem Beginn"
    if errors or not is_consumer(terms):
        return errors
    if terms.min_months > MAX_CONSUMER_MIN_MONTHS:
        errors["min_months"] = ("bei Verbrauchern höchstens 24 Monate Mindestlaufzeit "
                                "(§ 309 Nr. 9 a BGB)")
    limit = MAX_NEW_CONSUMER_NOTICE if new_consumer_law(terms) else MAX_OLD_CONSUMER_NOTICE
    if terms.notice_months > limit:
        law = "§ 309 Nr. 9 c BGB seit 01.03.2022" if new_consumer_law(terms) else \
            "§ 309 Nr. 9 c BGB a.F."
        errors["notice_months"] = (f"bei Verbrauchern höchstens {_months(limit)} "
                                   f"Kündigungsfrist ({law})")
    if (not new_consumer_law(terms) and terms.renewal == "tacit"
            and terms.renewal_months > MAX_OLD_CONSUMER_RENEWAL):
        errors["renewal_months"] = ("bei Verbrauchern höchstens 12 Monate Verlängerung "
                                    "(§ 309 Nr. 9 b BGB a.F.)")
    return errors


def period_end_on(terms: Terms, day: date) -> date | None:
    """End of the period running on `day`: the minimum term's end, a renewal period's end,
    or None when the contract runs indefinitely on that day (ended only by notice)."""
    first = min_term_end(terms)
    if first is None:
        return None
    if day <= first or terms.renewal == "none":
        return first
    if new_consumer_law(terms):
        return None  # renewed indefinitely (§ 309 Nr. 9 b BGB n.F.)
    step = effective_renewal_months(terms)
    periods = 1
    end = first
    while end < day:
        end = months_from_day(first + timedelta(days=1), step * periods)
        periods += 1
    return end


def renews_on(terms: Terms, day: date) -> date | None:
    """The day after the running period's end, when the contract renews tacitly; None when
    it does not renew (no renewal, or indefinite anyway)."""
    end = period_end_on(terms, day)
    if terms.renewal != "tacit" or end is None:
        return None
    return end + timedelta(days=1)


def ending(terms: Terms, received: date) -> Ending:
    """The last day of a contract whose notice was received on `received`, with the rule.

    Raises ValueError when the contract had already ended before the notice arrived."""
    notice = effective_notice_months(terms)
    earliest = months_after_event(received, notice)
    received_text = (f"Kündigung eingegangen am {format_date(received)}, "
                     f"Frist {_months(notice)}")
    first = min_term_end(terms)
    if first is None:
        return Ending(earliest, f"Vertrag ohne Mindestlaufzeit: {received_text}; "
                                f"Ende mit Ablauf des {format_date(earliest)} "
                                "(§§ 187 Abs. 1, 188 Abs. 2 BGB).")
    if terms.renewal == "none":
        if received > first:
            raise ValueError(f"Der Vertrag ist bereits mit Ablauf des {format_date(first)} "
                             "ausgelaufen.")
        return Ending(first, f"Feste Laufzeit ohne Verlängerung: der Vertrag endet mit Ablauf "
                             f"des {format_date(first)}; {received_text}.")
    if earliest <= first:
        return Ending(first, f"{received_text}: rechtzeitig zum Ende der Mindestlaufzeit, "
                             f"letzter Tag {format_date(first)} (§§ 187 Abs. 2, 188 Abs. 2 "
                             "BGB).")
    if new_consumer_law(terms):
        return Ending(earliest, f"Verbrauchervertrag seit 01.03.2022, nach der Mindestlaufzeit "
                                f"stillschweigend auf unbestimmte Zeit verlängert: jederzeit "
                                f"kündbar mit einem Monat Frist (§ 309 Nr. 9 b BGB). "
                                f"{received_text} → Ende mit Ablauf des "
                                f"{format_date(earliest)} (§§ 187 Abs. 1, 188 Abs. 2 BGB).")
    end = period_end_on(terms, earliest)
    assert end is not None
    who = ("Verbrauchervertrag vor dem 01.03.2022: Verlängerung um je "
           f"{_months(effective_renewal_months(terms))}, Kündigung höchstens drei Monate vor "
           "Ablauf (§ 309 Nr. 9 BGB a.F.)") if is_consumer(terms) else \
        (f"Unternehmervertrag wie vereinbart: Verlängerung um je "
         f"{_months(effective_renewal_months(terms))}")
    return Ending(end, f"{who}. {received_text} → wirksam zum Ende der laufenden Periode, "
                       f"letzter Tag {format_date(end)}.")


def describe(terms: Terms) -> str:
    """The contract's term rule in one German sentence, for the form and the letters."""
    first = min_term_end(terms)
    notice = _with_months(effective_notice_months(terms))
    if first is None:
        return f"Unbefristet, kündbar mit {notice} Frist."
    head = f"Mindestlaufzeit bis {format_date(first)}"
    if terms.renewal == "none":
        return f"{head}, danach endet der Vertrag ohne Kündigung."
    if new_consumer_law(terms):
        return (f"{head}, danach unbefristet und jederzeit mit einem Monat Frist kündbar "
                f"(§ 309 Nr. 9 BGB); Kündigung zum Ende der Mindestlaufzeit mit {notice} Frist.")
    return (f"{head}, danach Verlängerung um je {_months(effective_renewal_months(terms))}, "
            f"Kündigung mit {notice} Frist zum Ende der Laufzeit.")


def _months(count: int) -> str:
    return "1 Monat" if count == 1 else f"{count} Monate"


def _with_months(count: int) -> str:
    return "einem Monat" if count == 1 else f"{count} Monaten"
