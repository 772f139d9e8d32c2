"""SQLAlchemy models, one module per aggregate. Imports only sqlalchemy and the stdlib."""

from app.models.base import Base
from app.models.classification import ClassAssignment
from app.models.club import ClubLevel, ClubMembership
from app.models.contract import Contract, ContractObject
from app.models.customer import Address, ContactPerson, Customer, Interaction, Tag, customer_tags
from app.models.customer_import import CustomerImportLog
from app.models.email import (
    EmailAttachment,
    EmailMessage,
    EmailMessageAttachment,
    EmailTemplate,
)
from app.models.feedback import Complaint, Feedback
from app.models.followup import (
    CallListDismissal,
    FollowUp,
    LetterQueueEntry,
    MaintenanceObject,
    Rule,
    RuleFiring,
)
from app.models.letter import LetterTemplate, Mailing, MailingRecipient
from app.models.loyalty import (
    BonusCard,
    CustomerDiscount,
    LoyaltyAccount,
    LoyaltyProgram,
    LoyaltyReward,
    PointsEntry,
)
from app.models.privacy import AuditEntry, Consent, Suppression
from app.models.referral import Referral, ReferralReward
from app.models.sales import Sale
from app.models.segment import SavedSegment
from app.models.settings import Counter, Setting
from app.models.voucher import Voucher, VoucherEntry

__all__ = [
    "Address",
    "AuditEntry",
    "Base",
    "BonusCard",
    "CallListDismissal",
    "ClassAssignment",
    "ClubLevel",
    "ClubMembership",
    "Complaint",
    "Consent",
    "ContactPerson",
    "Contract",
    "ContractObject",
    "Counter",
    "Customer",
    "CustomerDiscount",
    "CustomerImportLog",
    "EmailAttachment",
    "EmailMessage",
    "EmailMessageAttachment",
    "EmailTemplate",
    "Feedback",
    "FollowUp",
    "Interaction",
    "LetterQueueEntry",
    "LetterTemplate",
    "LoyaltyAccount",
    "LoyaltyProgram",
    "LoyaltyReward",
    "Mailing",
    "MailingRecipient",
    "MaintenanceObject",
    "PointsEntry",
    "Referral",
    "ReferralReward",
    "Rule",
    "RuleFiring",
    "Sale",
    "SavedSegment",
    "Setting",
    "Suppression",
    "Tag",
    "Voucher",
    "VoucherEntry",
    "customer_tags",
]
