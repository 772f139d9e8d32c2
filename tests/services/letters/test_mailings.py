from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import update

import main
from app.models import Customer, Sale
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import NotFoundError, ValidationError
from app.services.letters.recipients import ClassSource, IdSource, NumberSource, TagSource
from app.services.progress import Cancelled

# Every mailing here needs a sender: a complete Briefkopf.
pytestmark = pytest.mark.usefixtures("letterhead")

POSTCODES = ["80331", "01067", "50667", "20095", "10115", "70173", "04109", "90402", "30159",
             "60311"]


def make_customers(services: Services, count: int, **changes: str) -> list[int]:
    ids = []
    for i in range(count):
        data = CustomerInput(salutation="Frau" if i % 2 else "Herr", first_name=f"Vor{i}",
                             last_name=f"Nach{i}", street=f"Weg {i}",
                             postcode=POSTCODES[i % len(POSTCODES)], city="Stadt",
                             tags=("Wartungsvertrag",))
        ids.append(services.customers.create(data.__class__(**{**data.__dict__, **changes})).id)
    return ids


def set_columns(services: Services, ids: list[int], **values: object) -> None:
    with services.db.write() as session:
        session.execute(update(Customer).where(Customer.id.in_(ids)).values(**values))
        session.commit()


def test_advertising_letters_exclude_objections_and_bad_addresses_are_listed(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 6)
    set_columns(services, ids[:2], advertising_objection_at=datetime(2026, 1, 1, tzinfo=UTC))
    set_columns(services, [ids[2]], street="")
    template = services.letters.by_name("Reaktivierung")
    assert template.advertising
    plan = services.mailings.plan(template.id, IdSource(tuple(ids)))
    reasons = {e.customer_id: e.reason for e in plan.excluded}
    assert reasons[ids[0]] == reasons[ids[1]] == "Werbewiderspruch vom 01.01.2026 (Art. 21 DSGVO)"
    assert "Straße fehlt" in reasons[ids[2]]
    assert len(plan.recipients) == 3
    service_letter = services.letters.by_name("Terminbestätigung")
    assert len(services.mailings.plan(service_letter.id, IdSource(tuple(ids))).recipients) == 5


def test_the_control_group_is_reproducible_with_a_seed_and_never_printed(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 20)
    template = services.letters.by_name("Wartungserinnerung")
    first = services.mailings.plan(template.id, TagSource("wartungsvertrag"),
                                   control_share=0.25, seed=42)
    again = services.mailings.plan(template.id, TagSource("Wartungsvertrag"),
                                   control_share=0.25, seed=42)
    other = services.mailings.plan(template.id, TagSource("Wartungsvertrag"),
                                   control_share=0.25, seed=43)
    assert len(first.control) == 5 and len(first.recipients) == 15
    assert first.control == again.control and first.control != other.control
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   control_share=0.25, seed=42)
    assert {p.customer_id for p in result.plan.control} == {p.customer_id for p in first.control}
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        assert len(pdf.pages) == 15
        text = "".join(page.extract_text() for page in pdf.pages)
    assert all(p.number not in text for p in first.control)


def test_letters_are_sorted_by_postcode_and_each_recipient_gets_a_timeline_entry(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 5)
    template = services.letters.by_name("Wartungserinnerung")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   per_customer_dir=tmp_path / "einzeln")
    postcodes = [p.postcode for p in result.plan.recipients]
    assert postcodes == sorted(postcodes)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        firsts = [next(line for line in page.extract_text().splitlines()
                       if line[:5].isdigit()) for page in pdf.pages]
    assert [line[:5] for line in firsts] == postcodes
    assert len(list((tmp_path / "einzeln").glob("K-*.pdf"))) == 5
    entry = services.timeline.entries(ids[0])[0]
    assert entry.subject == f"Brief: Wartungserinnerung, Mailing #{result.mailing.id}"
    assert entry.channel == "letter"


class CancelAfter:
    def __init__(self, letters: int) -> None:
        self.letters = letters
        self.done = 0

    def report(self, done: int, total: int, text: str = "") -> None:
        self.done = done

    def checkpoint(self) -> None:
        if self.done >= self.letters:
            raise Cancelled()


def test_a_cancelled_mailing_keeps_the_letters_it_finished_and_says_so(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 8)
    template = services.letters.by_name("Wartungserinnerung")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   progress=CancelAfter(3))
    assert result.cancelled and result.mailing.status == "cancelled"
    assert result.mailing.letters_printed == 3
    assert "abgebrochen nach 3 von 8 Briefen" in result.summary()
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        assert len(pdf.pages) == 3
    printed = {p.customer_id for p in result.plan.recipients[:3]}
    with_entry = {cid for cid in ids if services.timeline.entries(cid)
                  and services.timeline.entries(cid)[0].channel == "letter"}
    assert with_entry == printed


def test_a_mailing_cancelled_before_the_first_letter_leaves_nothing(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 2)
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(Cancelled):
        services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "out" / "m.pdf",
                              progress=CancelAfter(0))
    assert services.mailings.mailings() == [] and not list((tmp_path / "out").iterdir())


def test_results_compare_buyers_with_the_control_group_with_a_95_percent_interval(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 20)
    template = services.letters.by_name("Wartungserinnerung")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   control_share=0.5, seed=1)
    mailed = [p.customer_id for p in result.plan.recipients]
    control = [p.customer_id for p in result.plan.control]
    day = result.mailing.mailing_date
    sales = [(cid, day + timedelta(days=10), 10_000) for cid in mailed[:4]]
    sales += [(control[0], day + timedelta(days=45), 5_000), (mailed[5], day, 99_999)]
    with services.db.write() as session:
        for n, (cid, on, cents) in enumerate(sales):
            session.add(Sale(customer_id=cid, sale_date=on, amount_cents=cents,
                             document_no=f"R-{n}", created_at=services.clock.now()))
        session.commit()
    windows = {w.days: w for w in services.mailings.results(result.mailing.id).windows}
    thirty, sixty = windows[30], windows[60]
    assert (thirty.recipients, thirty.recipient_buyers, thirty.control_buyers) == (10, 4, 0)
    assert (sixty.recipient_buyers, sixty.control_buyers) == (4, 1)
    assert sixty.difference == pytest.approx(0.3)
    low, high = sixty.confidence_interval or (0, 0)
    half = 1.959963984540054 * (0.4 * 0.6 / 10 + 0.1 * 0.9 / 10) ** 0.5
    assert (low, high) == (pytest.approx(0.3 - half), pytest.approx(0.3 + half))
    assert (sixty.revenue_per_recipient_cents, sixty.revenue_per_control_cents) == (4_000, 500)
    assert not sixty.complete  # the clock still stands on the mailing date


def test_hand_picked_numbers_must_exist(services: Services) -> None:
    make_customers(services, 1)
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(NotFoundError, match="K-999999"):
        services.mailings.plan(template.id, NumberSource(("K-000001", "K-999999")))


def test_the_mailing_command_prints_json_with_recipients_excluded_and_control_group(
    services: Services, db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    ids = make_customers(services, 10)
    set_columns(services, ids, abc_class="A")
    set_columns(services, [ids[0]], advertising_objection_at=datetime(2026, 1, 1, tzinfo=UTC))
    out = tmp_path / "dank.pdf"
    code = main.main([*db_args, "mailing", "--template", "Dankeschön an A-Kunden",
                      "--class", "A", "--out", str(out), "--control-share", "0.2",
                      "--seed", "5", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert data["excluded"] == [{"number": "K-000001", "name": "Vor0 Nach0",
                                 "reason": "Werbewiderspruch vom 01.01.2026 (Art. 21 DSGVO)"}]
    assert len(data["control_group"]) == 2 and len(data["recipients"]) == 7
    assert data["output_file"] == str(out) and out.exists() and data["seed"] == 5
    assert main.main([*db_args, "mailing-results", str(data["mailing_id"])]) == 0
    assert "Kontrollgruppe 2" in capsys.readouterr().out


def test_the_class_source_refuses_an_unknown_class(services: Services) -> None:
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(ValidationError, match="Klasse"):
        services.mailings.plan(template.id, ClassSource("D"))


def test_an_empty_selection_is_refused(services: Services, tmp_path: Path) -> None:
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(ValidationError, match="Keine Empfänger"):
        services.mailings.run(template.id, IdSource(()), out=tmp_path / "m.pdf")
