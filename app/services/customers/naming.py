"""How a customer is named: the list name and its sort key."""

from __future__ import annotations

from app.models import Customer
from app.services.text import fold

SALUTATIONS = ("", "Frau", "Herr", "Divers", "Familie")


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
