"""Consents and the advertising objection.

Consents are events (granted/withdrawn), never edited; the newest event of a purpose is
its state. No event means no consent. Postal advertising needs no consent (§ 7 UWG) but
stops with a withdrawal or an objection; e-mail and phone advertising need a consent.
The advertising objection (Art. 21 DSGVO) is one timestamp on the customer plus a hash
on the suppression list, so it survives purchases and erasure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.models import Consent, Customer
from app.services import audit, timeline
from app.services.errors import ValidationError
from app.services.privacy import suppression
from app.services.privacy.base import PrivacyBase

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
    reason: str  # German, e.g. "Einwilligung vom 01.03.2026 (Formular)"


@dataclass(frozen=True)
class PrivacyOverview:
    customer_id: int
    number: str
    objection_at: datetime | None
    anonymized_at: datetime | None
    states: tuple[ConsentState, ...]
    history: tuple[ConsentEvent, ...]


class Consents(PrivacyBase):
    """Consent events and the advertising objection of one customer."""

    def overview(self, customer_id: int) -> PrivacyOverview:
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            events = list(session.scalars(
                select(Consent).where(Consent.customer_id == customer_id)
                .order_by(Consent.given_on.desc(), Consent.id.desc())))
            states = tuple(self._state(customer, purpose, events) for purpose in PURPOSES)
            zone = self.clock.zone
            objection = customer.advertising_objection_at
            anonymized = customer.anonymized_at
            return PrivacyOverview(
                customer_id=customer.id, number=customer.number,
                objection_at=objection.astimezone(zone) if objection else None,
                anonymized_at=anonymized.astimezone(zone) if anonymized else None,
                states=states,
                history=tuple(self._event(e) for e in events))

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

    def advertising_allowed(self, customer_id: int, channel: str) -> bool:
        """May this customer get advertising by `channel` (letter, email, phone)?"""
        if channel not in PURPOSES:
            raise ValueError(f"unknown advertising channel {channel!r}")
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            events = list(session.scalars(
                select(Consent).where(Consent.customer_id == customer_id,
                                      Consent.purpose == channel)
                .order_by(Consent.given_on.desc(), Consent.id.desc()).limit(1)))
            return self._state(customer, channel, events).allowed

    def is_suppressed(self, *, name: str, street: str, postcode: str) -> bool:
        """Is this person on the suppression list? For imports and new customers."""
        with self.db.read() as session:
            return suppression.is_listed(session, name=name, street=street, postcode=postcode)

    def _state(self, customer: Customer, purpose: str,
               events: Sequence[Consent]) -> ConsentState:
        label = PURPOSES[purpose]
        if customer.anonymized_at is not None:
            return ConsentState(purpose, label, False, "Kunde gelöscht (gesperrt)")
        if customer.advertising_objection_at is not None:
            when = customer.advertising_objection_at.astimezone(self.clock.zone)
            return ConsentState(purpose, label, False, f"Werbewiderspruch vom {when:%d.%m.%Y}")
        latest = next((e for e in events if e.purpose == purpose), None)
        if latest is None:
            if purpose == "letter":
                return ConsentState(purpose, label, True, "ohne Widerspruch erlaubt (§ 7 UWG)")
            return ConsentState(purpose, label, False, "keine Einwilligung")
        how = METHODS.get(latest.method, latest.method)
        if latest.granted:
            return ConsentState(purpose, label, True,
                                f"Einwilligung vom {latest.given_on:%d.%m.%Y} ({how})")
        return ConsentState(purpose, label, False,
                            f"widerrufen am {latest.given_on:%d.%m.%Y} ({how})")

    def _event(self, event: Consent) -> ConsentEvent:
        return ConsentEvent(
            id=event.id, purpose=event.purpose,
            purpose_label=PURPOSES.get(event.purpose, event.purpose), granted=event.granted,
            given_on=event.given_on, method=event.method,
            method_label=METHODS.get(event.method, event.method),
            wording_version=event.wording_version, recorded_by=event.recorded_by,
            recorded_at=event.recorded_at.astimezone(self.clock.zone))
