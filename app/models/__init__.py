"""SQLAlchemy models, one module per aggregate. Imports only sqlalchemy and the stdlib."""

from app.models.base import Base
from app.models.classification import ClassAssignment
from app.models.customer import Address, ContactPerson, Customer, Interaction, Tag, customer_tags
from app.models.privacy import AuditEntry, Consent, Suppression
from app.models.sales import Sale
from app.models.settings import Counter, Setting

__all__ = [
    "Address",
    "AuditEntry",
    "Base",
    "ClassAssignment",
    "Consent",
    "ContactPerson",
    "Counter",
    "Customer",
    "Interaction",
    "Sale",
    "Setting",
    "Suppression",
    "Tag",
    "customer_tags",
]
