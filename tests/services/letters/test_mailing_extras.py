"""Mailings from saved segments and letter lists, with a voucher and a follow-up per
printed recipient."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from app.models import LetterQueueEntry
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.segments import SegmentSpec
from app.services.errors import NotFoundError, ValidationError
from app.services.letters.mailings import FollowUpOption, VoucherOption
from app.services.letters.recipients import IdSource, LetterListSource, SegmentSource
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.vouchers import VoucherInput
from tests.services.letters.test_mailings import CancelAfter, make_customers, set_columns

# Every mailing here needs a sender: a complete Briefkopf.
pytestmark = pytest.mark.usefixtures("letterhead")


def test_a_saved_segment_chooses_its_active_customers_by_name(
    services: Services, clock: FixedClock,
) -> None:
    ids = make_customers(services, 6)
    set_columns(services, ids[:4], abc_class="A")
    services.customers.set_archived(ids[0], True)
    services.segments.save("A-Kunden", SegmentSpec(abc_classes=("A",)))
    template = services.letters.by_name("Wartungserinnerung")
    plan = services.mailings.plan(template.id, SegmentSource("A-Kunden", clock.now()))
    assert sorted(p.customer_id for p in plan.recipients) == ids[1:4]
    assert plan.source == "Segment „A-Kunden“"
    with pytest.raises(NotFoundError, match="Segment „Gibtsnicht“"):
        services.mailings.plan(template.id, SegmentSource("Gibtsnicht", clock.now()))


def test_a_letter_list_mailing_prints_the_open_entries_and_marks_the_printed_done(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 4)
    set_columns(services, [ids[2]], street="")
    for cid in ids[:3]:
        services.today.queue_letter(cid, template_key="reaktivierung")
    services.today.queue_letter(ids[3], template_key="geburtstag")
    services.today.queue_letter(ids[0], template_key="reaktivierung")  # twice: one letter
    assert [(x.key, x.name, x.count) for x in services.mailings.letter_lists()] == [
        ("geburtstag", "geburtstag", 1), ("reaktivierung", "Reaktivierung", 3)]
    template = services.letters.by_name("Reaktivierung")
    result = services.mailings.run(template.id, LetterListSource("reaktivierung"),
                                   out=tmp_path / "liste.pdf")
    assert result.mailing.letters_printed == 2
    assert [e.customer_id for e in result.plan.excluded] == [ids[2]]
    with services.db.read() as session:
        still_open = session.execute(select(LetterQueueEntry.customer_id,
                                            LetterQueueEntry.template_key)
                                     .where(LetterQueueEntry.done_at.is_(None))).all()
    assert sorted(still_open) == sorted([(ids[2], "reaktivierung"), (ids[3], "geburtstag")])
    assert [(x.key, x.count) for x in services.mailings.letter_lists()] == [
        ("geburtstag", 1), ("reaktivierung", 1)]
    with pytest.raises(ValidationError, match="Keine Empfänger"):
        services.mailings.run(template.id, LetterListSource("reaktivierung"),
                              out=tmp_path / "again.pdf")


def test_each_printed_recipient_gets_a_personal_voucher_whose_code_is_in_the_letter(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 10)
    template = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    out = tmp_path / "geburtstag.pdf"
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=out,
                                   control_share=0.2, seed=3,
                                   voucher=VoucherOption(1_500, valid_days=30))
    assert len(result.vouchers) == 8 and "8 Gutscheine ausgegeben" in result.summary()
    numbers = {p.number: p.customer_id for p in result.plan.recipients}
    with pdfplumber.open(out) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    for page, (number, code) in zip(pages, result.vouchers, strict=True):
        assert number in page and f"Gutscheincode: {code}" in page and "über 15,00" in page
        voucher = services.vouchers.get(code)
        assert (voucher.customer_id, voucher.remaining_cents, voucher.promo) == (
            numbers[number], 1_500, True)
        assert voucher.valid_until == date(2026, 4, 14)
        assert voucher.campaign == f"Mailing #{result.mailing.id}"
    for held_back in result.plan.control:
        assert services.vouchers.of_customer(held_back.customer_id) == []
    cid, code = numbers[result.vouchers[0][0]], result.vouchers[0][1]
    assert f"Gutschein {code} über 15,00 € ausgegeben" in services.timeline.entries(cid)[0].text


def test_a_cancelled_mailing_issues_vouchers_and_follow_ups_only_for_printed_letters(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 6)
    template = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   voucher=VoucherOption(1_000), followup=FollowUpOption(),
                                   progress=CancelAfter(2))
    assert result.cancelled and len(result.vouchers) == 2 and result.followups == 2
    assert len(services.vouchers.listing()) == 2
    assert len(services.followups.pending()) == 2
    assert services.vouchers.listing()[0].valid_until == date(2029, 12, 31)  # statutory


def test_each_printed_recipient_gets_a_follow_up_for_its_betreuer_or_the_assignee(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 3)
    set_columns(services, [ids[0]], owner="Meister Krause")
    template = services.letters.by_name("Wartungserinnerung")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   followup=FollowUpOption("Nachfassen", due_days=14))
    assert result.followups == 3
    created = {f.customer_id: f for f in services.followups.pending()}
    assert {f.due_date for f in created.values()} == {date(2026, 3, 29)}
    assert created[ids[0]].assignee == "Meister Krause" and created[ids[1]].assignee == ""
    assert created[ids[1]].subject == "Nachfassen"
    assert "Wiedervorlage „Nachfassen“ am 29.03.2026" in services.timeline.entries(ids[1])[0].text
    services.mailings.run(template.id, IdSource((ids[2],)), out=tmp_path / "n.pdf",
                          followup=FollowUpOption(due_days=7, assignee="Geselle Tim"))
    newest = max(services.followups.for_customer(ids[2]), key=lambda f: f.id)
    assert (newest.assignee, newest.due_date) == ("Geselle Tim", date(2026, 3, 22))


def test_bad_voucher_or_follow_up_options_are_refused_before_printing(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 2)
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(ValidationError, match="Gutschein je Empfänger"):
        services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                              voucher=VoucherOption(0))
    with pytest.raises(ValidationError, match="Betreff"):
        services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                              followup=FollowUpOption(subject=" "))
    assert not (tmp_path / "m.pdf").exists() and services.mailings.mailings() == []


def test_the_preview_shows_a_sample_code_for_the_vouchers_to_come(services: Services) -> None:
    ids = make_customers(services, 1)
    template = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    plan = services.mailings.plan(template.id, IdSource(tuple(ids)),
                                  voucher=VoucherOption(2_000))
    assert "XXXX-XXXX-XXXX" in plan.first_letters[0].body
    assert "20,00 €" in plan.first_letters[0].body


def test_a_drawn_voucher_code_already_in_use_is_replaced_by_a_fresh_one(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = make_customers(services, 2)
    existing = services.vouchers.issue(VoucherInput(value_cents=500))
    real = voucher_codes.generate
    drawn = iter([existing.code, existing.code])
    monkeypatch.setattr(voucher_codes, "generate", lambda: next(drawn, None) or real())
    template = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   voucher=VoucherOption(1_000))
    codes = [code for _number, code in result.vouchers]
    assert len(set(codes)) == 2 and existing.display_code not in codes


def test_the_letter_lists_are_named_like_their_templates_and_point_to_them(
    services: Services,
) -> None:
    [first, second] = make_customers(services, 2)
    services.today.queue_letter(first, template_key="dankeschoen_a")
    services.today.queue_letter(second, template_key="dankeschoen_a")
    own = services.letters.by_name("Willkommen")
    services.today.queue_letter(first, template_key="Willkommen")
    services.today.queue_letter(second, template_key="alte-vorlage")
    lists = services.mailings.letter_lists()
    assert [(x.name, x.count) for x in lists] == [
        ("alte-vorlage", 1), ("Dankeschön an A-Kunden", 2), ("Willkommen", 1)]
    assert lists[1].template_id == services.letters.by_name("Dankeschön an A-Kunden").id
    assert lists[2].template_id == own.id
    assert lists[0].template_id is None
