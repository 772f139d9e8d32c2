"""Consents and the advertising objection.

Consents are events (granted/withdrawn), never edited; the newest event of a purpose is
its state. No event means no consent. What a consent state allows is decided by the contact
policy (`contact_policy`), which the overview shows per channel. The advertising objection
(Art. 21 DSGVO) is one timestamp on the customer plus a hash on the suppression list, so it
survives purchases and erasure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.models import Consent
from app.services import audit, timeline
from app.services.errors import ValidationError
from app.services.privacy import contact_policy, suppression
from app.services.privacy.base import PrivacyBase
from app.services.privacy.contact_policy import Channel, Decision, Purpose
from app.services.privacy.reachability import FACTS

invalid = ValidationError.labelled({
    "purpose": "Zweck", "method": "Form", "given_on": "Datum",
    "wording_version": "Fassung der Einwilligung",
})

PURPOSES: dict[str, str] = {
    "letter": "Briefwerbung",
    "email": "E-Mail-Werbung",
    "phone": "Telefonwerbung",
}
METHODS: dict[str, str] = {"form": "Formular", "oral": "mündlich", "email": "E-Mail"}
audit.name_values("purpose", PURPOSES)
audit.name_values("method", METHODS)


@dataclass(frozen=True)
class ConsentInput:
    purpose: str
    granted: bool
    given_on: date
    method: str
    wording_version: str = ""


@dataclass(frozen=True)
class ConsentEvent:
    id: int
    purpose: str
    purpose_label: str
    granted: bool
    given_on: date
    method: str
    method_label: str
    wording_version: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    allowed: bool
    reason: str  # the contact policy's reason, e.g. "Einwilligung in Briefwerbung vom 01.03.2026"


@dataclass(frozen=True)
class PrivacyOverview:
    customer_id: int
    number: str
    objection_at: datetime | None
    anonymized_at: datetime | None
    states: tuple[ConsentState, ...]
    history: tuple[ConsentEvent, ...]
    marks: frozenset[str] = frozenset()  # keys of reachability.FACTS that are set


class Consents(PrivacyBase):
    """Consent events and the advertising objection of one customer."""

    def overview(self, customer_id: int) -> PrivacyOverview:
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            events = list(session.scalars(
                select(Consent).where(Consent.customer_id == customer_id)
                .order_by(Consent.given_on.desc(), Consent.id.desc())))
            today = self.clock.today()
            states = tuple(
                ConsentState(purpose, label, answer.allowed, answer.reason)
                for purpose, label in PURPOSES.items()
                for answer in (contact_policy.decide(
                    session, customer_id, channel=Channel(purpose),
                    purpose=Purpose.ADVERTISING, today=today),))
            zone = self.clock.zone
            objection = customer.advertising_objection_at
            anonymized = customer.anonymized_at
            return PrivacyOverview(
                customer_id=customer.id, number=customer.number,
                objection_at=objection.astimezone(zone) if objection else None,
                anonymized_at=anonymized.astimezone(zone) if anonymized else None,
                states=states,
                history=tuple(self._event(e) for e in events),
                marks=frozenset(key for key, fact in FACTS.items()
                                if getattr(customer, fact.column) is not None))

    def record_consent(self, customer_id: int, data: ConsentInput, *, by: str) -> ConsentEvent:
        errors = {}
        if data.purpose not in PURPOSES:
            errors["purpose"] = "Zweck wählen (Brief-, E-Mail- oder Telefonwerbung)"
        if data.method not in METHODS:
            errors["method"] = "Form wählen (Formular, mündlich, E-Mail)"
        if data.given_on > self.clock.today():
            errors["given_on"] = "Datum liegt in der Zukunft"
        if len(data.wording_version) > 64:
            errors["wording_version"] = "höchstens 64 Zeichen"
        if errors:
            raise invalid(errors)
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.anonymized_at is not None:
                raise invalid({"purpose": "Der Kunde ist gelöscht (anonymisiert)"})
            event = Consent(
                customer_id=customer_id, purpose=data.purpose, granted=data.granted,
                given_on=data.given_on, method=data.method,
                wording_version=data.wording_version.strip(), recorded_by=by, recorded_at=now)
            session.add(event)
            session.flush()
            verb = "erteilt" if data.granted else "widerrufen"
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject=f"Einwilligung {PURPOSES[data.purpose]} {verb}")
            audit.record(session, at=now, actor=by, action="consent", entity="consent",
                         entity_id=event.id, customer_id=customer_id,
                         details={"purpose": data.purpose, "granted": data.granted,
                                  "method": data.method, "version": event.wording_version})
            result = self._event(event)
            session.commit()
        return result

    def object_to_advertising(self, customer_id: int, *, by: str) -> PrivacyOverview:
        """Werbewiderspruch: block all advertising from now on, for good."""
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.advertising_objection_at is None:
                customer.advertising_objection_at = now
                customer.updated_at = now
                timeline.record(session, customer_id=customer_id, channel="system",
                                author=by, at=now,
                                subject="Werbewiderspruch (Art. 21 DSGVO) eingetragen")
                audit.record(session, at=now, actor=by, action="objection",
                             entity="customer", entity_id=customer_id,
                             customer_id=customer_id, details={"number": customer.number})
            suppression.add(session, customer, at=now)
            session.commit()
        return self.overview(customer_id)

    def decision(self, customer_id: int, *, channel: Channel,
                 purpose: Purpose = Purpose.ADVERTISING) -> Decision:
        """The contact policy's answer for one customer, as of today."""
        with self.db.read() as session:
            self._customer(session, customer_id)
            return contact_policy.decide(session, customer_id, channel=channel,
                                         purpose=purpose, today=self.clock.today())

    def is_suppressed(self, *, name: str, street: str, postcode: str) -> bool:
        """Is this person on the suppression list? For imports and new customers."""
        with self.db.read() as session:
            return suppression.is_listed(session, name=name, street=street, postcode=postcode)

    def _event(self, event: Consent) -> ConsentEvent:
        return ConsentEvent(
            id=event.id, purpose=event.purpose,
            purpose_label=PURPOSES.get(event.purpose, event.purpose), granted=event.granted,
            given_on=event.given_on, method=event.method,
            method_label=METHODS.get(event.method, event.method),
            wording_version=event.wording_version, recorded_by=event.recorded_by,
            recorded_at=event.recorded_at.astimezone(self.clock.zone))
