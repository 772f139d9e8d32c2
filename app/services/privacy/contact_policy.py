"""May we contact this customer on this channel for this purpose — and if not, why?

The one place the answer lives. The call list, every rule action, serial letters, labels and
envelopes, single letters, campaign exports and e-mail ask `decide` or `decide_many` and
nothing else; what they hold back they list with the decision's reason.

The rules, in the order they are checked (the first that applies gives the answer):

1. An erased (anonymised or deleted) customer is never contacted (Art. 17 DSGVO).
2. A deceased person is never contacted.
3. Advertising only:
   a. an advertising objection stops advertising on every channel, for good (Art. 21 Abs. 2
      und 3 DSGVO, § 7 Abs. 3 Nr. 3 UWG);
   b. a person on the suppression list (Werbesperrliste) is treated as objecting, even when
      they came back as a new customer (Art. 21 Abs. 3 DSGVO);
   c. an archived customer gets no advertising (the relationship has ended);
   d. per channel (§ 7 UWG), the newest consent event of the channel up to `today` counts:
      - letter: allowed unless withdrawn (no consent needed; Art. 6 Abs. 1 lit. f DSGVO,
        Erwägungsgrund 47; § 7 Abs. 1 UWG: no advertising against recognisable will);
      - phone: a consumer needs prior express consent (§ 7 Abs. 2 Nr. 1 Alt. 1 UWG); a
        business customer's presumed consent suffices (§ 7 Abs. 2 Nr. 1 Alt. 2 UWG) unless
        withdrawn;
      - e-mail: express consent (§ 7 Abs. 2 Nr. 2 UWG), or the existing-customer exception
        (§ 7 Abs. 3 UWG): the customer bought from us, has not objected and has not withdrawn
        e-mail advertising; the mail must offer the objection (the mail templates do);
      - SMS: express consent only (§ 7 Abs. 2 Nr. 2 UWG; the existing-customer exception is
        not relied on for SMS).
4. The channel needs a usable address: a postal address without a returned letter, a phone
   or mobile number, an e-mail address that has not bounced, a mobile number for SMS.

Service and transaction contact (appointment, invoice, maintenance under a contract) is
allowed on any channel with a usable address unless the customer is erased or deceased
(Art. 6 Abs. 1 lit. b DSGVO); an objection or a withdrawn consent concerns advertising only.

Queries are set-based: `decide_many` reads any number of customers in a few queries per
chunk of ids, so a mailing to 100,000 customers asks the same way a single letter does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Consent, Customer, Sale, Suppression
from app.services import audit
from app.services.clock import LOCAL_ZONE
from app.services.privacy import suppression

CHUNK = 500


class Channel(StrEnum):
    LETTER = "letter"
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"


class Purpose(StrEnum):
    SERVICE = "service"  # appointment, invoice, maintenance visit under a contract
    ADVERTISING = "advertising"  # promotions, reactivation, newsletters, birthday offers


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.LETTER: "Brief", Channel.PHONE: "Telefon", Channel.EMAIL: "E-Mail",
    Channel.SMS: "SMS",
}
PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.SERVICE: "Service", Purpose.ADVERTISING: "Werbung",
}
# a customer export for a campaign records its channel
audit.name_values("channel", {channel.value: label for channel, label in CHANNEL_LABELS.items()})
# The codes that say the channel cannot reach the customer (rule 9), not that it may not.
ADDRESS_CODES = frozenset({"no_address", "address_invalid"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # German, in words, for the user
    code: str  # stable machine key (see the module docstring and docs/privacy.md)


@dataclass(frozen=True)
class _LatestConsent:
    granted: bool
    given_on: date


@dataclass(frozen=True)
class _Facts:
    """What the rules need of one customer, read in bulk."""

    kind: str
    has_address: bool
    has_phone: bool
    has_mobile: bool
    has_email: bool
    anonymized: bool
    deceased_at: datetime | None
    archived_at: datetime | None
    objection_at: datetime | None
    address_invalid_at: datetime | None
    email_invalid_at: datetime | None
    suppressed: bool
    consent: _LatestConsent | None
    has_sale: bool


def decide(session: Session, customer_id: int, *, channel: Channel, purpose: Purpose,
           today: date) -> Decision:
    """The policy's answer for one customer."""
    return decide_many(session, [customer_id], channel=channel, purpose=purpose,
                       today=today)[customer_id]


def decide_many(session: Session, customer_ids: Iterable[int], *, channel: Channel,
                purpose: Purpose, today: date) -> dict[int, Decision]:
    """The policy's answer for each customer id, in a few queries per 500 ids.

    An id without a customer row (erased completely) gets "erased": nobody is contacted
    because their row is missing.
    """
    channel, purpose = Channel(channel), Purpose(purpose)
    ids = list(dict.fromkeys(int(i) for i in customer_ids))
    result: dict[int, Decision] = {}
    for chunk in _chunks(ids):
        facts = _facts(session, chunk, channel=channel, purpose=purpose, today=today)
        for cid in chunk:
            found = facts.get(cid)
            result[cid] = (_ERASED if found is None
                           else _decide(found, channel=channel, purpose=purpose))
    return result


_ERASED = Decision(False, "Kunde gelöscht (Art. 17 DSGVO)", "erased")


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(LOCAL_ZONE):%d.%m.%Y}"


def _decide(f: _Facts, *, channel: Channel, purpose: Purpose) -> Decision:
    # Art. 17 DSGVO: an erased customer's data may be kept only for the retention duties.
    if f.anonymized:
        return _ERASED
    if f.deceased_at is not None:
        return Decision(False, f"verstorben (eingetragen am {_day(f.deceased_at)})",
                        "deceased")
    if purpose is Purpose.ADVERTISING:
        blocked = _advertising(f, channel)
        if not blocked.allowed:
            return blocked
        missing = _address(f, channel)
        return missing or blocked
    # Art. 6 Abs. 1 lit. b DSGVO: contact needed to perform a contract or to answer a request
    # needs no consent; Art. 21 concerns direct marketing only.
    return _address(f, channel) or Decision(
        True, f"Servicekontakt per {CHANNEL_LABELS[channel]} erlaubt "
              "(Vertrag/Auftrag, Art. 6 Abs. 1 lit. b DSGVO)", "ok")


def _advertising(f: _Facts, channel: Channel) -> Decision:
    # Art. 21 Abs. 2 und 3 DSGVO: after an objection to direct marketing the data may no
    # longer be used for it, on any channel.
    if f.objection_at is not None:
        return Decision(False, f"Werbewiderspruch vom {_day(f.objection_at)} (Art. 21 DSGVO)",
                        "objection")
    # Art. 21 Abs. 3 DSGVO: the objection of a person who came back (new customer number,
    # same name and address) still holds; the suppression list keeps it beyond erasure.
    if f.suppressed:
        return Decision(False, "steht auf der Werbesperrliste (früherer Werbewiderspruch, "
                               "Art. 21 DSGVO)", "suppressed")
    if f.archived_at is not None:
        return Decision(False, f"archiviert am {_day(f.archived_at)}: keine Werbung mehr",
                        "archived")
    consent = f.consent
    if consent is not None and not consent.granted:
        # A withdrawal ends the consent for the future (Art. 7 Abs. 3 DSGVO); for letters and
        # e-mail it is also an objection (§ 7 Abs. 1, Abs. 3 Nr. 3 UWG).
        return Decision(False, f"Einwilligung in {_ADVERTISING[channel]} widerrufen am "
                               f"{consent.given_on:%d.%m.%Y}", "consent_withdrawn")
    if consent is not None:
        return Decision(True, f"Einwilligung in {_ADVERTISING[channel]} vom "
                              f"{consent.given_on:%d.%m.%Y}", "ok")
    if channel is Channel.LETTER:
        # Addressed postal advertising needs no consent: legitimate interest (Art. 6 Abs. 1
        # lit. f DSGVO, Erwägungsgrund 47) as long as the person has not objected (§ 7 Abs. 1
        # UWG: no advertising against the recognisable will of the addressee).
        return Decision(True, "Briefwerbung ohne Widerspruch erlaubt (Art. 6 Abs. 1 lit. f "
                              "DSGVO, § 7 Abs. 1 UWG)", "ok")
    if channel is Channel.PHONE:
        if f.kind == "business":
            # § 7 Abs. 2 Nr. 1 Alt. 2 UWG: a business may be called with its presumed consent.
            return Decision(True, "Geschäftskunde: mutmaßliche Einwilligung in Anrufe "
                                  "(§ 7 Abs. 2 Nr. 1 UWG)", "presumed_consent")
        # § 7 Abs. 2 Nr. 1 Alt. 1 UWG: a consumer only with prior express consent (§ 7a UWG:
        # documented and kept for five years).
        return Decision(False, "keine ausdrückliche Einwilligung in Telefonwerbung "
                               "(§ 7 Abs. 2 Nr. 1 UWG)", "no_consent")
    if channel is Channel.EMAIL and f.has_sale:
        # § 7 Abs. 3 UWG: address from a sale, own similar goods, no objection, notice of the
        # right to object at collection and in every mail (the mail templates add it).
        return Decision(True, "Bestandskunde: E-Mail-Werbung für eigene ähnliche Waren "
                              "(§ 7 Abs. 3 UWG)", "email_existing_customer")
    # § 7 Abs. 2 Nr. 2 UWG: electronic mail (e-mail, SMS) only with prior express consent.
    return Decision(False, f"keine ausdrückliche Einwilligung in {_ADVERTISING[channel]} "
                           "(§ 7 Abs. 2 Nr. 2 UWG)", "no_consent")


_ADVERTISING: dict[Channel, str] = {
    Channel.LETTER: "Briefwerbung", Channel.PHONE: "Telefonwerbung",
    Channel.EMAIL: "E-Mail-Werbung", Channel.SMS: "SMS-Werbung",
}


def _address(f: _Facts, channel: Channel) -> Decision | None:
    """Why the channel cannot reach the customer, or None when it can."""
    if channel is Channel.LETTER:
        if not f.has_address:
            return Decision(False, "keine vollständige Postanschrift", "no_address")
        if f.address_invalid_at is not None:
            return Decision(False, f"Anschrift unzustellbar (Rückläufer vom "
                                   f"{_day(f.address_invalid_at)})", "address_invalid")
    elif channel is Channel.PHONE:
        if not (f.has_phone or f.has_mobile):
            return Decision(False, "keine Telefonnummer", "no_address")
    elif channel is Channel.EMAIL:
        if not f.has_email:
            return Decision(False, "keine E-Mail-Adresse", "no_address")
        if f.email_invalid_at is not None:
            return Decision(False, f"E-Mail-Adresse unzustellbar (seit "
                                   f"{_day(f.email_invalid_at)})", "address_invalid")
    elif not f.has_mobile:
        return Decision(False, "keine Mobilnummer", "no_address")
    return None


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _facts(session: Session, ids: Sequence[int], *, channel: Channel, purpose: Purpose,
           today: date) -> dict[int, _Facts]:
    rows = session.execute(select(
        Customer.id, Customer.kind, Customer.first_name, Customer.last_name, Customer.company,
        Customer.street, Customer.postcode, Customer.city, Customer.phone, Customer.mobile,
        Customer.email, Customer.anonymized_at, Customer.deceased_at, Customer.archived_at,
        Customer.advertising_objection_at, Customer.address_invalid_at,
        Customer.email_invalid_at).where(Customer.id.in_(ids))).all()
    if not rows:
        return {}
    advertising = purpose is Purpose.ADVERTISING
    listing = advertising and session.scalar(select(Suppression.id).limit(1)) is not None
    suppressed = _suppressed(session, rows) if listing else set()
    consents = _latest_consents(session, ids, channel, today) if advertising else {}
    buyers = (set(session.scalars(select(Sale.customer_id).distinct()
                                  .where(Sale.customer_id.in_(ids), Sale.amount_cents > 0)))
              if advertising and channel is Channel.EMAIL else set())
    facts = {}
    for r in rows:
        name = suppression.person_name(kind=r.kind, first_name=r.first_name,
                                       last_name=r.last_name, company=r.company)
        facts[r.id] = _Facts(
            kind=r.kind,
            has_address=bool(name and r.street.strip() and r.postcode.strip()
                             and r.city.strip()),
            has_phone=bool(r.phone.strip()), has_mobile=bool(r.mobile.strip()),
            has_email=bool(r.email.strip()), anonymized=r.anonymized_at is not None,
            deceased_at=r.deceased_at, archived_at=r.archived_at,
            objection_at=r.advertising_objection_at,
            address_invalid_at=r.address_invalid_at, email_invalid_at=r.email_invalid_at,
            suppressed=r.id in suppressed, consent=consents.get(r.id),
            has_sale=r.id in buyers)
    return facts


def _suppressed(session: Session, rows: Sequence[Any]) -> set[int]:
    """Ids whose name and address hash stands on the suppression list (hashing every
    candidate costs time, so it runs only when the list has entries)."""
    by_digest: dict[str, list[int]] = {}
    for r in rows:
        if r.advertising_objection_at is not None or r.anonymized_at is not None:
            continue  # already blocked for a stronger reason
        name = suppression.person_name(kind=r.kind, first_name=r.first_name,
                                       last_name=r.last_name, company=r.company)
        value = suppression.digest(name=name, street=r.street, postcode=r.postcode)
        if value:
            by_digest.setdefault(value, []).append(r.id)
    if not by_digest:
        return set()
    listed = session.scalars(select(Suppression.digest)
                             .where(Suppression.digest.in_(list(by_digest))))
    return {cid for value in listed for cid in by_digest[value]}


def _latest_consents(session: Session, ids: Sequence[int], channel: Channel,
                     today: date) -> dict[int, _LatestConsent]:
    """The newest consent event of the channel per customer, as of `today` (Consent model:
    the newest event wins; later-dated events do not count yet)."""
    rows = session.execute(
        select(Consent.customer_id, Consent.granted, Consent.given_on)
        .where(Consent.customer_id.in_(ids), Consent.purpose == channel.value,
               Consent.given_on <= today)
        .order_by(Consent.customer_id, Consent.given_on, Consent.id))
    return {cid: _LatestConsent(bool(granted), given_on) for cid, granted, given_on in rows}
