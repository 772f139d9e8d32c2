"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.audit import AuditService
from app.services.changes import ChangeTracker
from app.services.clock import Clock
from app.services.club.service import ClubService
from app.services.company import CompanyProfileService
from app.services.contracts.letters import ContractProvider
from app.services.contracts.service import ContractService
from app.services.customers.export import CustomerExportService
from app.services.customers.importing.service import CustomerImportService
from app.services.customers.segments import SegmentService
from app.services.customers.service import CustomerService
from app.services.email.service import EmailService
from app.services.followups.release import RuleReleaseService
from app.services.followups.rules import RuleService
from app.services.followups.service import FollowUpService
from app.services.followups.today import TodayService
from app.services.letters.labels import LabelService
from app.services.letters.mailings import MailingService
from app.services.letters.placeholders import register_all as register_placeholders
from app.services.letters.service import LetterService
from app.services.loyalty.cards import LoyaltyService
from app.services.loyalty.discount import DiscountService
from app.services.loyalty.liability import LiabilityService
from app.services.loyalty.programs import ProgramService
from app.services.loyalty.vouchers import VoucherService
from app.services.nightly import NightlyService
from app.services.privacy.backups import BackupService
from app.services.privacy.service import PrivacyService
from app.services.referrals.service import ReferralService
from app.services.sales.classification import ClassificationService
from app.services.sales.dashboard import DashboardService
from app.services.sales.feedback import FeedbackService
from app.services.sales.importing import SalesImportService
from app.services.sales.service import SalesService
from app.services.settings import SettingsService
from app.services.timeline import TimelineService


@dataclass
class Services:
    """Every service of one open database."""

    db: Database
    clock: Clock
    changes: ChangeTracker
    customers: CustomerService
    timeline: TimelineService
    settings: SettingsService
    customer_import: CustomerImportService
    sales: SalesService
    sales_import: SalesImportService
    classification: ClassificationService
    followups: FollowUpService
    rules: RuleService
    rule_release: RuleReleaseService
    today: TodayService
    vouchers: VoucherService
    liability: LiabilityService
    loyalty: LoyaltyService
    programs: ProgramService
    discounts: DiscountService
    company: CompanyProfileService
    letters: LetterService
    mailings: MailingService
    labels: LabelService
    audit: AuditService
    privacy: PrivacyService
    email: EmailService
    backups: BackupService
    feedback: FeedbackService
    dashboard: DashboardService
    customer_export: CustomerExportService
    segments: SegmentService
    nightly: NightlyService
    contracts: ContractService
    referrals: ReferralService
    club: ClubService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        customers = CustomerService(db, clock)
        settings = SettingsService(db)
        classification = ClassificationService(db, clock, settings)
        vouchers = VoucherService(db, clock)
        company = CompanyProfileService(settings)
        letters = LetterService(db, clock, settings, company)
        discounts = DiscountService(db, clock, settings)
        register_placeholders(letters, class_rates=discounts.class_rates)
        letters.register_provider(ContractProvider())
        privacy = PrivacyService(db, clock, settings)
        feedback = FeedbackService(db, clock)
        loyalty = LoyaltyService(db, clock, vouchers)
        club = ClubService(db, clock, vouchers)
        backups = BackupService(db, clock, settings, privacy)
        referrals = ReferralService(db, clock, settings, vouchers)

        def after_sales_import() -> int:
            """New sales change classes and earn points; crediting is idempotent."""
            changed = classification.recompute(with_scores=False).changed
            loyalty.credit_sales()
            referrals.reward_due()
            return changed

        def after_sale(customer_id: int, by: str) -> None:
            """A sale places its customer in a class at once (the others at the next run),
            earns points and may be the first one of a referred customer."""
            classification.place_after_sale(customer_id, by=by)
            loyalty.credit_sales(customer_ids=(customer_id,))
            referrals.reward_due(customer_ids=(customer_id,))

        email = EmailService(db, clock, settings, company, letters, privacy)
        return cls(
            db=db,
            clock=clock,
            changes=ChangeTracker(db.engine),
            customers=customers,
            timeline=TimelineService(db, clock),
            settings=settings,
            customer_import=CustomerImportService(db, clock, customers),
            sales=SalesService(db, clock, after_add=after_sale),
            sales_import=SalesImportService(db, clock, after_import=after_sales_import),
            classification=classification,
            followups=FollowUpService(db, clock),
            rules=RuleService(db, clock, vouchers, after_run=(email.mail_rule_results,)),
            rule_release=RuleReleaseService(db, clock),
            today=TodayService(db, clock),
            vouchers=vouchers,
            liability=LiabilityService(db, clock),
            loyalty=loyalty,
            programs=ProgramService(db, clock),
            discounts=discounts,
            company=company,
            letters=letters,
            mailings=MailingService(db, clock, letters, vouchers),
            labels=LabelService(db, clock, settings, company),
            audit=AuditService(db, clock),
            privacy=privacy,
            email=email,
            backups=backups,
            feedback=feedback,
            dashboard=DashboardService(db, clock, settings, feedback),
            customer_export=CustomerExportService(db, clock),
            segments=SegmentService(db, clock),
            nightly=NightlyService(clock, settings, classification, loyalty, vouchers, privacy,
                                   backups),
            contracts=ContractService(db, clock),
            referrals=referrals,
            club=club,
        )
