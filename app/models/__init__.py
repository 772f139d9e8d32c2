"""SQLAlchemy models, one module per aggregate. Imports only sqlalchemy and the stdlib."""

from app.models.base import Base
from app.models.classification import ClassAssignment
from app.models.customer import Address, ContactPerson, Customer, Interaction, Tag, customer_tags
from app.models.sales import Sale
from app.models.segment import SavedSegment
from app.models.settings import Counter, Setting

__all__ = [
    "Address",
    "Base",
    "ClassAssignment",
    "ContactPerson",
    "Counter",
    "Customer",
    "Interaction",
    "Sale",
    "SavedSegment",
    "Setting",
    "Tag",
    "customer_tags",
]
