"""Letter templates with placeholders, and single letters to one customer.

Templates are Jinja2 text rendered in a `SandboxedEnvironment` with `StrictUndefined`: a
template cannot reach Python internals, and a typo in a placeholder is an error naming the
placeholder and its line — found by a static check (jinja2.meta) when the template is saved
and again before anything prints, never an empty gap in 400 letters.

Placeholders whose values come from other features (bonus points, vouchers, maintenance
objects) are known by name but only *available* once a `ContextProvider` declares them; until
then a template using them is refused with "noch nicht verfügbar".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.models import Customer, LetterTemplate
from app.services import actors, timeline
from app.services.clock import Clock
from app.services.company import CompanyProfile, CompanyProfileService, require_letterhead
from app.services.customers.naming import customer_display_name
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.formatting import format_date
from app.services.letters.builtin import BUILTIN_TEMPLATES
from app.services.letters.layout import (
    FORMS,
    LetterForm,
    PostalAddress,
    addressee,
    postal_problem,
    recipient_block,
    salutation_line,
)
from app.services.letters.template_safety import (
    MAX_RENDERED,
    PREVIEW_SECONDS,
    LetterEnvironment,
    TemplateTooSlow,
    render_bounded,
    time_budget,
    unsafe_constructs,
)
from app.services.privacy.contact_policy import Channel, Decision, Purpose, decide
from app.services.settings import SettingsService

if TYPE_CHECKING:
    from app.services.letters.pdf import LetterContent

invalid = ValidationError.labelled({
    "body": "Text", "template": "Vorlage", "form": "Briefform", "out": "Ausgabedatei",
})
FORM_KEY = "letter_form"

# name → (description, attributes for dotted placeholders). Order = the documented table.
PLACEHOLDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "briefanrede": ("Anredezeile, z. B. „Sehr geehrte Frau Dr. Müller,“", ()),
    "vorname": ("Vorname (bei Firmen: der Hauptansprechperson)", ()),
    "nachname": ("Nachname (bei Firmen: der Hauptansprechperson)", ()),
    "firma": ("Firma des Kunden", ()),
    "kundennummer": ("Kundennummer, z. B. K-000123", ()),
    "datum": ("Briefdatum TT.MM.JJJJ", ()),
    "absender": ("Name der eigenen Firma (Briefkopf)", ()),
    "bonuspunkte": ("Punktestand der Bonuskarte (Treueprogramm)", ()),
    "gutschein": ("Persönlicher Gutschein: gutschein.code, gutschein.wert", ("code", "wert")),
    "wartung": ("Fällige Wartung: wartung.objekt", ("objekt",)),
    "rabatt": ("Stammkundenrabatt des Kunden, z. B. „5 %“", ()),
    "termin": ("Nächster vereinbarter Termin (Wiedervorlage mit Uhrzeit), "
               "z. B. „Dienstag, 24.03.2026, 09:30 Uhr“", ()),
    "vertrag": ("Wartungsvertrag: vertrag.nummer, .preis, .alter_preis, .preis_ab, "
                ".letzter_tag, .kuendigung_eingang, .verlaengerung_am, .laufzeit, …",
                ("nummer", "bezeichnung", "objekte", "beginn", "mindestlaufzeit_bis",
                 "laufzeit", "preis", "alter_preis", "preis_ab", "verlaengerung_am",
                 "kuendigung_eingang", "letzter_tag", "leistungen")),
}
BASE_PLACEHOLDERS = frozenset(
    {"briefanrede", "vorname", "nachname", "firma", "kundennummer", "datum", "absender"})


class ContextProvider(Protocol):
    """Adds placeholder values from another feature (loyalty, vouchers, maintenance).

    `provides` names the placeholders it makes available; `values` returns, per customer id,
    a mapping of those names to values (a dict for dotted ones, e.g. {"code": …, "wert": …}).
    A customer missing from the result gets empty values: declared means empty-safe.
    """

    provides: frozenset[str]

    def values(self, session: Session, customer_ids: Sequence[int],
               *, on: date) -> Mapping[int, Mapping[str, Any]]: ...


@dataclass(frozen=True)
class TemplateDTO:
    id: int
    name: str
    subject: str
    body: str
    version: int
    builtin: bool
    advertising: bool


@dataclass(frozen=True)
class RecipientData:
    """What a letter needs of one customer, read in bulk for mailings."""

    customer_id: int
    number: str
    name: str
    address: PostalAddress

    @property
    def problem(self) -> str | None:
        return postal_problem(self.address)

    def sort_key(self) -> tuple[bool, str, str, str]:
        """Postcode order for Dialogpost; foreign addresses last."""
        return (self.address.country.upper() != "DE", self.address.postcode,
                self.address.city, self.name)

    def placeholders(self) -> dict[str, Any]:
        a = self.address
        who = addressee(a)
        return {
            "briefanrede": salutation_line(a),
            "vorname": who.first_name,
            "nachname": who.last_name,
            "firma": a.company,
            "kundennummer": self.number,
        }


def _template_dto(row: LetterTemplate) -> TemplateDTO:
    return TemplateDTO(row.id, row.name, row.subject, row.body, row.version,
                       row.builtin_key is not None, row.advertising)


def make_environment() -> SandboxedEnvironment:
    return LetterEnvironment(undefined=StrictUndefined, autoescape=False,
                             keep_trailing_newline=False)


def _first_line(ast: nodes.Template, name: str) -> int:
    for node in ast.find_all(nodes.Name):
        if node.name == name:
            return int(node.lineno)
    return 1


def check_template_text(env: SandboxedEnvironment, text: str, *, field: str,
                        available: frozenset[str]) -> None:
    """Raise invalid({field: …}) for a syntax error or an unknown/unavailable
    placeholder, naming it and its line."""
    try:
        ast = env.parse(text)
    except TemplateSyntaxError as exc:
        raise invalid({field: f"Zeile {exc.lineno}: {exc.message}"}) from None
    problems = unsafe_constructs(ast)
    for name in sorted(meta.find_undeclared_variables(ast), key=lambda n: _first_line(ast, n)):
        line = _first_line(ast, name)
        if name not in PLACEHOLDERS:
            problems.append(f"unbekannter Platzhalter „{name}“ in Zeile {line}")
        elif name not in available:
            problems.append(f"Platzhalter „{name}“ in Zeile {line} ist noch nicht verfügbar")
    with_field: set[int] = set()
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in PLACEHOLDERS:
            with_field.add(id(node.node))
            allowed = PLACEHOLDERS[node.node.name][1]
            if node.attr not in allowed:
                problems.append(f"unbekannter Platzhalter „{node.node.name}.{node.attr}“ in "
                                f"Zeile {node.lineno}")
    for name_node in ast.find_all(nodes.Name):
        fields = PLACEHOLDERS.get(name_node.name, ("", ()))[1]
        if fields and id(name_node) not in with_field and name_node.name in available:
            choices = ", ".join(f"{name_node.name}.{f}" for f in fields)
            problems.append(f"„{name_node.name}“ in Zeile {name_node.lineno} braucht ein "
                            f"Feld: {choices}")
    if problems:
        raise invalid({field: "; ".join(problems)})
    try:
        env.compile(ast)
    except TemplateSyntaxError as exc:  # unknown filter or test
        raise invalid({field: f"Zeile {exc.lineno}: {exc.message}"}) from None


class CompiledTemplate:
    """A template checked and compiled once, rendered per recipient."""

    def __init__(self, template: TemplateDTO, *, available: frozenset[str],
                 providers: Sequence[ContextProvider]) -> None:
        env = make_environment()
        check_template_text(env, template.subject, field="subject", available=available)
        check_template_text(env, template.body, field="body", available=available)
        self.template = template
        self.providers = providers
        self._subject = env.from_string(template.subject)
        self._body = env.from_string(template.body)

    def extra_values(self, session: Session, customer_ids: Sequence[int], *, on: date
                     ) -> dict[int, dict[str, Any]]:
        """Provider values per customer; declared names default to empty values."""
        result: dict[int, dict[str, Any]] = {cid: {} for cid in customer_ids}
        for provider in self.providers:
            found = provider.values(session, customer_ids, on=on)
            for cid in customer_ids:
                for name in provider.provides:
                    attrs = PLACEHOLDERS.get(name, ("", ()))[1]
                    empty: Any = dict.fromkeys(attrs, "") if attrs else ""
                    result[cid][name] = found.get(cid, {}).get(name, empty)
        return result

    def render(self, recipient: RecipientData, *, on: date, sender: str,
               extra: Mapping[str, Any], info: tuple[tuple[str, str], ...],
               seconds: float | None = None) -> LetterContent:
        """One letter; with `seconds` a render that runs longer is stopped (the preview)."""
        from app.services.letters.pdf import LetterContent

        values = {**recipient.placeholders(), "datum": format_date(on), "absender": sender,
                  **extra}
        try:
            with time_budget(seconds):
                subject = render_bounded(self._subject, values)
                body = render_bounded(self._body, values)
        except TemplateTooSlow:
            limit = f"{seconds:g}".replace(".", ",")
            raise invalid({"body": f"Vorlage „{self.template.name}“ braucht für "
                                   f"{recipient.number} länger als {limit} Sekunden und "
                                   "wurde abgebrochen (zu lange Schleifen oder Texte?)"}
                          ) from None
        except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                MemoryError, RecursionError) as exc:
            raise invalid({"body": f"Vorlage „{self.template.name}“ für "
                                           f"{recipient.number}: {exc}"}) from None
        if len(subject) + len(body) > MAX_RENDERED:
            raise invalid({"body": f"Vorlage „{self.template.name}“ ergibt für "
                                   f"{recipient.number} mehr als {MAX_RENDERED:,} Zeichen"
                                   .replace(",", ".")})
        return LetterContent(recipient_block(recipient.address), subject.strip(), body, info)


def load_recipients(session: Session, customer_ids: Iterable[int]) -> dict[int, RecipientData]:
    """Customers with their primary contact, in chunks (SQL variable limits)."""
    ids = list(dict.fromkeys(customer_ids))
    found: dict[int, RecipientData] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.scalars(select(Customer).where(Customer.id.in_(chunk))
                               .options(selectinload(Customer.contacts)))
        for c in rows:
            primary = next((p for p in c.contacts if p.is_primary), None)
            if primary is None and c.contacts:
                primary = c.contacts[0]
            address = PostalAddress(
                kind=c.kind, salutation=c.salutation, title=c.title, first_name=c.first_name,
                last_name=c.last_name, company=c.company,
                contact_salutation=primary.salutation if primary else "",
                contact_title=primary.title if primary else "",
                contact_first_name=primary.first_name if primary else "",
                contact_last_name=primary.last_name if primary else "",
                street=c.street, postcode=c.postcode, city=c.city, country=c.country or "DE")
            found[c.id] = RecipientData(customer_id=c.id, number=c.number,
                                        name=customer_display_name(c), address=address)
    return found


def letter_purpose(advertising: bool) -> Purpose:
    """A template marked as advertising asks the contact policy for advertising, any other
    (appointment, invoice, maintenance) for service."""
    return Purpose.ADVERTISING if advertising else Purpose.SERVICE


def exclusion(recipient: RecipientData, decision: Decision) -> str | None:
    """Why a letter, label or envelope is not printed for this customer: the contact
    policy's reason, or an address the post cannot deliver; None when it goes out."""
    problem = recipient.problem
    if problem and (decision.allowed or decision.code == "no_address"):
        return f"keine verwendbare Postanschrift: {problem}"
    return None if decision.allowed else decision.reason


def info_block(number: str, *, on: date, by: str, profile: CompanyProfile
               ) -> tuple[tuple[str, str], ...]:
    rows = [("Kundennummer", number)]
    if actors.is_person(by):  # never "Unbekannt", "System" or a login name
        rows.append(("Ihr Kontakt", by))
    if profile.phone:
        rows.append(("Telefon", profile.phone))
    if profile.email:
        rows.append(("E-Mail", profile.email))
    rows.append(("Datum", format_date(on)))
    return tuple(rows)


class LetterService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 company: CompanyProfileService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.company = company
        self.providers: list[ContextProvider] = []

    # --- placeholders -------------------------------------------------------------------

    def register_provider(self, provider: ContextProvider) -> None:
        """Hook for other features: make their placeholders available."""
        self.providers.append(provider)

    def available_placeholders(self) -> frozenset[str]:
        names = set(BASE_PLACEHOLDERS)
        for provider in self.providers:
            names |= provider.provides
        return frozenset(names)

    def compile(self, template: TemplateDTO) -> CompiledTemplate:
        return CompiledTemplate(template, available=self.available_placeholders(),
                                providers=self.providers)

    # --- form -------------------------------------------------------------------------

    def form(self) -> LetterForm:
        return FORMS.get(str(self.settings.get(FORM_KEY, "B")), FORMS["B"])

    def set_form(self, name: str) -> None:
        if name not in FORMS:
            raise invalid({"form": "Form A oder B wählen"})
        self.settings.set(FORM_KEY, name)

    def pdf(self, letters: Sequence[LetterContent]) -> bytes:
        """Letters (e.g. a mailing's first ones) as PDF bytes with the current letterhead."""
        from app.services.letters.pdf import letters_pdf

        return letters_pdf(letters, self.company.get(), form=self.form())

    # --- templates --------------------------------------------------------------------

    def templates(self) -> list[TemplateDTO]:
        self._ensure_builtins()
        with self.db.read() as session:
            rows = session.scalars(select(LetterTemplate).order_by(LetterTemplate.name))
            return [_template_dto(r) for r in rows]

    def get(self, template_id: int) -> TemplateDTO:
        with self.db.read() as session:
            row = session.get(LetterTemplate, template_id)
            if row is None:
                raise NotFoundError(f"Briefvorlage {template_id} nicht gefunden")
            return _template_dto(row)

    def by_name(self, name: str) -> TemplateDTO:
        self._ensure_builtins()
        with self.db.read() as session:
            row = session.scalar(select(LetterTemplate).where(
                func.lower(LetterTemplate.name) == name.strip().lower()))
            if row is None:
                known = ", ".join(t.name for t in self.templates())
                raise NotFoundError(f"Briefvorlage „{name}“ nicht gefunden (vorhanden: {known})")
            return _template_dto(row)

    def save(self, template_id: int | None, *, name: str, subject: str, body: str,
             advertising: bool) -> TemplateDTO:
        """Create or change a template; a change raises its version."""
        name = name.strip()
        if not name:
            raise invalid({"name": "Namen der Vorlage angeben"})
        env = make_environment()
        available = self.available_placeholders()
        check_template_text(env, subject, field="subject", available=available)
        check_template_text(env, body, field="body", available=available)
        now = self.clock.now()
        with self.db.write() as session:
            clash = session.scalar(select(LetterTemplate.id).where(
                func.lower(LetterTemplate.name) == name.lower()))
            if clash is not None and clash != template_id:
                raise invalid({"name": f"Eine Vorlage „{name}“ gibt es schon"})
            if template_id is None:
                row = LetterTemplate(name=name, subject=subject, body=body, version=1,
                                     advertising=advertising, created_at=now, updated_at=now)
                session.add(row)
            else:
                found = session.get(LetterTemplate, template_id)
                if found is None:
                    raise NotFoundError(f"Briefvorlage {template_id} nicht gefunden")
                row = found
                if (row.name, row.subject, row.body, row.advertising) != (
                        name, subject, body, advertising):
                    row.version += 1
                    row.name, row.subject, row.body = name, subject, body
                    row.advertising = advertising
                    row.updated_at = now
            session.flush()
            result = _template_dto(row)
            session.commit()
        return result

    def copy(self, template_id: int, *, name: str) -> TemplateDTO:
        original = self.get(template_id)
        return self.save(None, name=name, subject=original.subject, body=original.body,
                         advertising=original.advertising)

    def delete(self, template_id: int) -> None:
        with self.db.write() as session:
            row = session.get(LetterTemplate, template_id)
            if row is None:
                raise NotFoundError(f"Briefvorlage {template_id} nicht gefunden")
            if row.builtin_key is not None:
                raise ConflictError(f"„{row.name}“ ist eine mitgelieferte Vorlage; sie kann "
                                    "zurückgesetzt, aber nicht gelöscht werden.")
            session.delete(row)
            session.commit()

    def reset(self, template_id: int) -> TemplateDTO:
        """Restore a shipped template's original text (as a new version)."""
        with self.db.read() as session:
            row = session.get(LetterTemplate, template_id)
            key = row.builtin_key if row else None
        shipped = next((b for b in BUILTIN_TEMPLATES if b.key == key), None)
        if shipped is None:
            raise ConflictError("Nur mitgelieferte Vorlagen lassen sich zurücksetzen.")
        with self.db.write() as session:
            found = session.get(LetterTemplate, template_id)
            assert found is not None
            found.subject, found.body = shipped.subject, shipped.body
            found.advertising = shipped.advertising
            found.version += 1
            found.updated_at = self.clock.now()
            result = _template_dto(found)
            session.commit()
        return result

    def _ensure_builtins(self) -> None:
        with self.db.read() as session:
            present = set(session.scalars(select(LetterTemplate.builtin_key)
                                          .where(LetterTemplate.builtin_key.is_not(None))))
        missing = [b for b in BUILTIN_TEMPLATES if b.key not in present]
        if not missing:
            return
        now = self.clock.now()
        with self.db.write() as session:
            taken = {n.lower() for n in session.scalars(select(LetterTemplate.name))}
            for builtin in missing:
                name = builtin.name if builtin.name.lower() not in taken else (
                    f"{builtin.name} (Original)")
                session.add(LetterTemplate(
                    name=name, subject=builtin.subject, body=builtin.body, version=1,
                    builtin_key=builtin.key, advertising=builtin.advertising,
                    created_at=now, updated_at=now))
            session.commit()

    # --- single letters ---------------------------------------------------------------

    def preview(self, template: TemplateDTO, customer_id: int, *, by: str = "",
                seconds: float | None = PREVIEW_SECONDS) -> bytes:
        """The letter to one customer as PDF bytes, unsaved (the editor's live preview);
        a template that renders longer than `seconds` is stopped with a German message."""
        from app.services.letters.pdf import letters_pdf

        compiled = self.compile(template)
        on = self.clock.today()
        profile = self.company.get()
        with self.db.read() as session:
            recipient = load_recipients(session, [customer_id]).get(customer_id)
            if recipient is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
            extra = compiled.extra_values(session, [customer_id], on=on)[customer_id]
        letter = compiled.render(recipient, on=on, sender=profile.name, extra=extra,
                                 info=info_block(recipient.number, on=on, by=by,
                                                 profile=profile), seconds=seconds)
        return letters_pdf([letter], profile, form=self.form())

    def write_letter(self, template_id: int, *, customer_number: str, out: Path,
                     by: str = "", form: str | None = None) -> int:
        """One letter to one customer into `out`; records it on the customer's timeline.

        Returns the number of pages.
        """
        from app.services.letters.pdf import LetterWriter

        template = self.get(template_id)
        compiled = self.compile(template)
        on = self.clock.today()
        profile = self.company.get()
        require_letterhead(profile)
        letter_form = FORMS[form] if form in FORMS else self.form()
        with self.db.write() as session:
            customer_id = session.scalar(select(Customer.id).where(
                Customer.number == customer_number.strip()))
            if customer_id is None:
                raise NotFoundError(f"Kunde „{customer_number}“ nicht gefunden")
            recipient = load_recipients(session, [customer_id])[customer_id]
            if recipient.problem:
                raise invalid({"street": f"{recipient.number}: {recipient.problem}"})
            decision = decide(session, customer_id, channel=Channel.LETTER,
                              purpose=letter_purpose(template.advertising), today=on)
            if not decision.allowed:
                kind = "Werbebrief" if template.advertising else "Brief"
                raise ConflictError(f"Kein {kind} „{template.name}“ an {recipient.number}: "
                                    f"{decision.reason}")
            extra = compiled.extra_values(session, [customer_id], on=on)[customer_id]
            letter = compiled.render(recipient, on=on, sender=profile.name, extra=extra,
                                     info=info_block(recipient.number, on=on, by=by,
                                                     profile=profile))
            partial = out.with_name(out.name + ".partial")
            writer = LetterWriter(partial, profile, form=letter_form, title=letter.subject)
            pages = writer.add(letter)
            try:
                writer.close()
                timeline.record(session, customer_id=customer_id, channel="letter",
                                subject=f"Brief: {template.name}", at=self.clock.now(),
                                text=letter.subject, author=by)
                session.commit()
                partial.replace(out)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise invalid({"out": f"„{out}“ kann nicht geschrieben werden: {exc}"}
                                      ) from exc
        return pages
