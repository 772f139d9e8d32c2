"""How a customer is named, in the four forms the app uses, each computed here only.

- `list_name`: the customer list, its sort key and every table that lists customers
  ("Müller, Hans"; a business without a person: "Bäckerei Schmidt").
- `display_name`: a name in running text, headers, the call list, follow-ups, vouchers
  ("Dr. Hans Müller"; a business customer: its company).
- `recipient_lines`: the name lines of the address in the letter window and on labels
  (DIN 5008: "Herrn" / "Dr. Hans Müller", or "Bäckerei Schmidt" / "z. Hd. Frau Eva Schmidt").
- `letter_salutation`: the first line of a letter ("Sehr geehrter Herr Dr. Müller,").
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Customer
from app.services.text import fold

SALUTATIONS = ("", "Frau", "Herr", "Divers", "Familie")


@dataclass(frozen=True)
class Person:
    """The name parts of a private customer or of a business customer's contact person."""

    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""


NOBODY = Person()


def _joined(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def list_name(last_name: str, first_name: str, company: str) -> str:
    """How the customer list names a customer: "Müller, Hans", else the company."""
    if last_name:
        return f"{last_name}, {first_name}".rstrip(", ")
    return company or first_name


def customer_list_name(customer: Customer) -> str:
    return list_name(customer.last_name, customer.first_name, customer.company)


def sort_name(last_name: str, first_name: str, company: str) -> str:
    """The list's sort key (the `sort_name` column)."""
    return fold(list_name(last_name, first_name, company) or company)


def display_name(*, kind: str, title: str = "", first_name: str, last_name: str,
                 company: str) -> str:
    """A business customer by its company; a person as "Dr. Hans Müller"."""
    if kind == "business" and company:
        return company
    return _joined(title, first_name, last_name) or company


def customer_display_name(customer: Customer | None) -> str:
    """`display_name` of a stored customer ("" for none, e.g. a voucher without owner)."""
    if customer is None:
        return ""
    return display_name(kind=customer.kind, title=customer.title,
                        first_name=customer.first_name, last_name=customer.last_name,
                        company=customer.company)


def _address_word(salutation: str) -> str:
    """The address says "Herrn" (accusative), the salutation line says "Herr"."""
    word = salutation.strip()
    return "Herrn" if word in ("Herr", "Herrn") else word


def recipient_lines(*, kind: str, company: str, person: Person,
                    contact: Person = NOBODY) -> tuple[str, ...]:
    """The name lines of an address (DIN 5008), before street and place.

    Private: "Frau"/"Herrn" on a line of its own, then "Titel Vorname Nachname", then the
    company if there is one. Business: the company, then "z. Hd." and the contact person.
    """
    lines: list[str] = []
    if kind == "business" and company:
        lines.append(company.strip())
        name = _joined(_address_word(contact.salutation), contact.title, contact.first_name,
                       contact.last_name)
        if name:
            lines.append(f"z. Hd. {name}")
        return tuple(lines)
    word = _address_word(person.salutation)
    name = _joined(person.title, person.first_name, person.last_name)
    if word in ("Frau", "Herrn") and name:
        lines.append(word)
    elif word and name:
        name = _joined(word, name)
    if name:
        lines.append(name)
    if company.strip():
        lines.append(company.strip())
    return tuple(lines)


def addressee(*, kind: str, company: str, person: Person, contact: Person = NOBODY) -> Person:
    """Whom a letter speaks to: the person, or a business customer's contact person."""
    return contact if kind == "business" and company else person


def letter_salutation(*, kind: str, company: str, person: Person,
                      contact: Person = NOBODY) -> str:
    """"Sehr geehrte Frau Dr. Müller," for the person (a business: its contact person)."""
    who = addressee(kind=kind, company=company, person=person, contact=contact)
    last = who.last_name.strip()
    word = who.salutation.strip()
    if last and word == "Frau":
        return f"Sehr geehrte {_joined('Frau', who.title, last)},"
    if last and word in ("Herr", "Herrn"):
        return f"Sehr geehrter {_joined('Herr', who.title, last)},"
    if last:
        return f"Guten Tag {_joined(who.title, who.first_name, last)},"
    return "Sehr geehrte Damen und Herren,"
