"""Kunden werben Kunden: recording, the once-only reward on the first sale, statistics."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.models import ReferralReward
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ConflictError, ValidationError
from app.services.loyalty.programs import ProgramInput
from app.services.referrals.service import RewardSetting, code_for, parse_code
from app.services.sales.service import SaleInput
from tests.services.referrals.referral_sale_worker import book_first_sales


def person(services: Services, last_name: str) -> int:
    return services.customers.create(CustomerInput(first_name="Eva", last_name=last_name)).id


def buy(services: Services, customer_id: int, cents: int = 300_00) -> None:
    services.sales.add(customer_id, SaleInput(sale_date=date(2026, 3, 1), amount_cents=cents))


def rewards(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count(ReferralReward.id))) or 0)


def test_a_referral_code_carries_a_check_digit_that_catches_typos() -> None:
    assert code_for(123).startswith("W-000123-")
    assert parse_code(code_for(123).lower().replace("-", " ")) == 123
    wrong = code_for(123)[:-1] + str((int(code_for(123)[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="Empfehlungscode"):
        parse_code(wrong)


def test_the_first_sale_of_a_referred_customer_issues_the_voucher_once(
        services: Services) -> None:
    referrer, new = person(services, "Werber"), person(services, "Neu")
    services.referrals.add_by_code(code_for(referrer), referred_id=new, by="Büro")
    assert services.referrals.referrals()[0].reward == ""
    buy(services, new)
    buy(services, new)
    assert services.referrals.reward_due() == 0
    [referral] = services.referrals.referrals()
    assert referral.reward == "Gutschein 20,00 €"
    assert referral.via_code
    [voucher] = services.vouchers.of_customer(referrer)
    assert (voucher.value_cents, voucher.campaign) == (20_00, "Kunden werben Kunden")
    referrer_history = [e.subject for e in services.timeline.entries(referrer)]
    new_history = [e.subject for e in services.timeline.entries(new)]
    assert any(s.startswith("Empfehlungsprämie für Eva Neu") for s in referrer_history)
    assert any("Empfehlungsprämie an Eva Werber" in s for s in new_history)
    assert any("geworben von Eva Werber" in s for s in new_history)


def test_a_points_reward_goes_onto_the_referrers_card_and_without_card_a_voucher(
        services: Services) -> None:
    program = services.programs.save_program(ProgramInput(name="Treuepunkte"))
    services.referrals.set_reward(RewardSetting(kind="points", points=250,
                                                program_id=program.id, value_cents=10_00))
    with_card, without = person(services, "Karte"), person(services, "Ohne")
    card = services.loyalty.enrol(with_card, program_id=program.id)
    first, second = person(services, "Eins"), person(services, "Zwei")
    services.referrals.add(referrer_id=with_card, referred_id=first)
    services.referrals.add(referrer_id=without, referred_id=second)
    buy(services, first, 50_00)
    buy(services, second, 50_00)
    assert services.loyalty.balance(card.number) == 250
    assert [v.value_cents for v in services.vouchers.of_customer(without)] == [10_00]


def test_a_customer_is_referred_once_and_only_while_new(services: Services) -> None:
    referrer, new, old = (person(services, n) for n in ("Werber", "Neu", "Alt"))
    services.referrals.add(referrer_id=referrer, referred_id=new)
    with pytest.raises(ConflictError, match="bereits von Eva Werber"):
        services.referrals.add(referrer_id=old, referred_id=new)
    buy(services, old)
    with pytest.raises(ValidationError, match="kein Neukunde"):
        services.referrals.add(referrer_id=referrer, referred_id=old)
    with pytest.raises(ValidationError, match="selbst"):
        services.referrals.add(referrer_id=referrer, referred_id=referrer)


def test_the_statistics_show_who_brings_customers_and_their_revenue(
        services: Services) -> None:
    star, other = person(services, "Stern"), person(services, "Anders")
    first, second, third = (person(services, n) for n in ("A", "B", "C"))
    services.referrals.add(referrer_id=star, referred_id=first)
    services.referrals.add(referrer_id=star, referred_id=second)
    services.referrals.add(referrer_id=other, referred_id=third)
    buy(services, first, 100_00)
    buy(services, first, 50_00)
    stats = services.referrals.statistics()
    assert (stats.referrals, stats.rewarded, stats.revenue_cents) == (3, 1, 150_00)
    top = stats.referrers[0]
    assert (top.name, top.referred, top.converted, top.revenue_cents) == (
        "Eva Stern", 2, 1, 150_00)


def test_the_access_export_of_either_person_contains_the_link(services: Services,
                                                               tmp_path: Path) -> None:
    referrer, new = person(services, "Werber"), person(services, "Neu")
    services.referrals.add(referrer_id=referrer, referred_id=new)
    buy(services, new)
    for who in (referrer, new):
        export = services.privacy.export_access(who, tmp_path / str(who), by="Test")
        assert export.tables["referrals"] == 1
        assert export.tables["referral_rewards"] == 1


def test_erasing_the_referrer_removes_the_link(services: Services) -> None:
    referrer, new = person(services, "Werber"), person(services, "Neu")
    services.referrals.add(referrer_id=referrer, referred_id=new)
    services.privacy.erase(referrer, by="Test")
    assert services.referrals.referrals(customer_id=new) == []


@pytest.mark.slow  # two fresh Python processes, ~3–5 s
def test_two_processes_booking_the_first_sale_at_once_reward_the_referrer_once(
        services: Services) -> None:
    rounds = 8
    referred = []
    for round_no in range(rounds):
        referrer, new = person(services, f"Werber{round_no}"), person(services, f"Neu{round_no}")
        services.referrals.add(referrer_id=referrer, referred_id=new)
        referred.append(new)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=book_first_sales,
                               args=(services.db.url, referred, barrier, results, name))
               for name in ("Kasse 1", "Kasse 2")]
    for worker in workers:
        worker.start()
    booked = [results.get(timeout=60) for _ in range(2 * rounds)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(booked) == 2 * rounds
    assert rewards(services) == rounds
    assert all(r.reward == "Gutschein 20,00 €" for r in services.referrals.referrals())
    issued = services.vouchers.listing(campaign="Kunden werben Kunden")
    assert len(issued) == rounds


def test_the_referral_card_prints_the_code_with_a_qr_code(services: Services,
                                                          tmp_path: Path) -> None:
    referrer = person(services, "Werber")
    out = services.referrals.card_pdf(referrer, tmp_path / "karte.pdf",
                                      company=CompanyProfile(name="Krause GmbH"))
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert code_for(referrer) in text
        assert "Empfohlen von Eva Werber" in text and "Gutschein 20,00 €" in text
        assert len(page.rects) > 100  # the QR code's modules
