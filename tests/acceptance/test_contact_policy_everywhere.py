"""Nobody is called, written to or rewarded against their will, on any way out (issue #13).

One database with one objector, one revoked letter consent, one consumer without a phone
consent, one business customer, one returning objector imported from a CSV file and one
erased customer. Every outbound path is driven; none reaches a person it must not, and
each held-back person is listed with the reason.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import insert, select, update

import main
from app.models import (
    ClassAssignment,
    ClubMembership,
    Customer,
    LetterQueueEntry,
    Sale,
    Voucher,
)
from app.services.clock import LOCAL_ZONE
from app.services.club.service import LevelInput
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.followups.occasions import KINDS
from app.services.followups.rules import RuleInput
from app.services.loyalty.vouchers import VoucherInput
from app.services.privacy.consents import ConsentInput
from app.services.privacy.contact_policy import Channel, Purpose
from tests.services.loyalty.loyalty_helpers import POINTS, card

TODAY = date(2026, 3, 15)
OBJECTION = "Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)"
REVOKED = "Einwilligung in Briefwerbung widerrufen am 10.03.2026"
NO_PHONE = "keine ausdrückliche Einwilligung in Telefonwerbung (§ 7 Abs. 2 Nr. 1 UWG)"
# The returning objector's import may set the objection again (customers' suppression
# check) or not; either way the suppression list keeps advertising away from her.
RETURNING = {OBJECTION, "steht auf der Werbesperrliste (früherer Werbewiderspruch, "
                        "Art. 21 DSGVO)"}


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    numbers: dict[str, str]

    def who(self, customer_id: int) -> str:
        return next(k for k, v in self.ids.items() if v == customer_id)


def _person(services: Services, first: str, last: str, **extra: object) -> int:
    data = {"first_name": first, "last_name": last, "street": "Lindenallee 4",
            "postcode": "01067", "city": "Dresden", "phone": "0351 400400",
            "email": f"{last.lower()}@example.org", "birthday": Birthday(22, 3, 1970), **extra}
    return services.customers.create(CustomerInput(**data), by="Büro").id  # type: ignore[arg-type]


def _consent(services: Services, cid: int, purpose: str, granted: bool, day: date) -> None:
    services.privacy.record_consent(cid, ConsentInput(
        purpose=purpose, granted=granted, given_on=day, method="form"), by="Büro")


def _occasions(services: Services, cid: int, index: int) -> None:
    """Something for every rule kind to fire on today (15.03.2026)."""
    at = datetime(2026, 3, 1, tzinfo=LOCAL_ZONE)
    with services.db.write() as session:
        session.execute(insert(Sale), [
            {"customer_id": cid, "sale_date": date(2026, 3, 1), "amount_cents": 12_000,
             "description": "Erstauftrag", "document_no": f"RE-{index}-1", "created_at": at},
            {"customer_id": cid, "sale_date": date(2026, 3, 12), "amount_cents": 600_000,
             "description": "Badsanierung", "document_no": f"RE-{index}-2", "created_at": at}])
        session.execute(insert(ClassAssignment).values(
            customer_id=cid, abc_class="A", as_of=TODAY, method="auto", reason="Umsatz",
            previous_class="B", created_at=at))
        session.execute(update(Customer).where(Customer.id == cid).values(
            abc_class="A", at_risk=True, created_at=datetime(2024, 1, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    services.vouchers.issue(VoucherInput(value_cents=2_000, customer_id=cid, promo=True,
                                         valid_until=date(2026, 4, 1)), by="Büro")
    member = card(services, POINTS, customer_id=cid)
    services.loyalty.credit(member.number, points=150, by="Theke")
    levels = services.club.levels() or [services.club.save_level(LevelInput(name="Service-Club"))]
    services.club.join(cid, level_id=levels[0].id, by="Büro")
    with services.db.write() as session:  # the paid year ends in 30 days
        session.execute(update(ClubMembership).where(ClubMembership.customer_id == cid)
                        .values(paid_until=TODAY + timedelta(days=30)))
        session.commit()


@pytest.fixture
def world(services: Services, tmp_path: Path) -> World:
    ids = {
        "objector": _person(services, "Otto", "Widerspruch"),
        "revoked": _person(services, "Rita", "Widerruf"),
        "no_phone": _person(services, "Nina", "Ohnetelefon"),
        "business": services.customers.create(CustomerInput(
            kind="business", company="Bau Berger GmbH", street="Hafenstraße 2",
            postcode="01067", city="Dresden", phone="0351 222222",
            email="info@bauberger.example"), by="Büro").id,
        "erased": _person(services, "Erna", "Gelöscht"),
        "returning_before": _person(services, "Rosa", "Rückkehr", street="Weidenweg 9"),
    }
    for key in ("objector", "revoked"):
        _consent(services, ids[key], "phone", True, date(2026, 1, 5))
    _consent(services, ids["revoked"], "letter", True, date(2026, 1, 5))
    _consent(services, ids["revoked"], "letter", False, date(2026, 3, 10))
    services.privacy.object_to_advertising(ids["objector"], by="Büro")
    services.privacy.object_to_advertising(ids["returning_before"], by="Büro")
    services.privacy.erase(ids.pop("returning_before"), by="Büro")
    rows = [["Vorname", "Nachname", "Straße", "PLZ", "Ort", "Telefon"],
            ["Rosa", "Rückkehr", "Weidenweg 9", "01067", "Dresden", "0351 999999"]]
    path = tmp_path / "rueckkehr.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    importer = services.customer_import
    source = importer.read(path)
    assert importer.apply(source, importer.suggested_mapping(source), by="Büro").applied
    ids["returning"] = services.customers.search("Rückkehr")[0].id
    for index, cid in enumerate(ids.values()):
        _occasions(services, cid, index)
    services.programs.save_reward(program_id=services.programs.programs()[0].id,
                                  name="Kaffeetasse", cost=100)
    services.privacy.erase(ids["erased"], by="Büro")
    numbers = {key: services.customers.get(cid).number for key, cid in ids.items()}
    return World(ids, numbers)


def test_the_call_list_calls_only_who_may_be_called_and_lists_the_others_with_the_reason(
    services: Services, world: World,
) -> None:
    calls = services.today.call_list()
    assert {world.who(s.customer_id) for s in calls.suggestions} == {"revoked", "business"}
    held = {world.who(h.customer_id): h.reason for h in calls.held_back}
    assert held.keys() == {"objector", "no_phone", "returning"}
    assert held["objector"] == OBJECTION
    assert held["no_phone"] == NO_PHONE
    assert held["returning"] in RETURNING


def test_run_due_with_every_rule_kind_rewards_and_writes_to_nobody_against_their_will(
    services: Services, world: World,
) -> None:
    for rule in services.rules.rules():
        services.rules.update(rule.id, RuleInput(
            name=rule.name, enabled=True, params=rule.params, create_followup=True,
            subject_template=rule.subject_template, letter_template="aktion",
            voucher_cents=1_000))
    result = services.rules.run_due()
    fired = {name for name, count in result.per_rule.items() if count.firings}
    assert fired == {rule.name for rule in services.rules.rules()}
    assert len(fired) == len(KINDS)
    service_rules = {r.id for r in services.rules.rules()
                     if KINDS[r.kind].purpose is Purpose.SERVICE}
    with services.db.read() as session:
        letters = {(world.who(c), rule_id in service_rules) for c, rule_id in session.execute(
            select(LetterQueueEntry.customer_id, LetterQueueEntry.rule_id))}
        promo = {world.who(c) for c in session.scalars(
            select(Voucher.customer_id).where(Voucher.campaign.in_(fired)))}
    assert {who for who, service in letters if not service} == {"no_phone", "business"}
    assert {who for who, service in letters if service} == {
        "objector", "revoked", "no_phone", "business", "returning"}
    assert promo == {"no_phone", "business"}
    held = {(world.who(h.customer_id), h.action) for h in result.held_back}
    for who in ("objector", "revoked", "returning"):
        assert (who, "Gutschein") in held and (who, "Brief „aktion“") in held
    assert (("objector", "Wiedervorlage") in held and ("returning", "Wiedervorlage") in held)
    reasons = {world.who(h.customer_id): h.reason for h in result.held_back}
    assert reasons["objector"] == OBJECTION and reasons["revoked"] == REVOKED
    assert reasons["returning"] in RETURNING
    assert "erased" not in {world.who(h.customer_id) for h in result.held_back} | {
        who for who, _service in letters}
    objector_followups = services.followups.for_customer(world.ids["objector"])
    assert {f.subject.split(":")[0] for f in objector_followups} == {
        "Auf Gutschein hinweisen", "Prämie anbieten",
        "Verlängerung anbieten"}  # service: what he already holds


def test_a_campaign_export_leaves_out_everyone_who_may_not_get_letters(
    services: Services, world: World, tmp_path: Path,
) -> None:
    target = tmp_path / "aktion.csv"
    result = services.customer_export.export(target, campaign=Channel.LETTER, by="Büro")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        numbers = {row["Kundennummer"] for row in csv.DictReader(handle, delimiter=";")}
    assert numbers == {world.numbers["no_phone"], world.numbers["business"]}
    held = {h.number: h.reason for h in result.held_back}
    assert held[world.numbers["objector"]] == OBJECTION
    assert held[world.numbers["revoked"]] == REVOKED
    assert held[world.numbers["returning"]] in RETURNING


def _command(db_args: list[str], capsys: pytest.CaptureFixture[str], *args: str
             ) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main.main([*db_args, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _excluded(data: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    return {row["number"]: row["reason"] for row in data["excluded"]}


@pytest.mark.usefixtures("letterhead")
def test_serial_letters_labels_and_envelopes_for_advertising_reach_only_who_may_get_it(
    services: Services, world: World, db_args: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    everyone = ",".join(world.numbers.values())
    services.db.dispose()
    allowed = {world.numbers["no_phone"], world.numbers["business"]}
    for command, extra in (("mailing", ("--template", "Reaktivierung")),
                           ("labels", ()), ("envelopes", ())):
        out = tmp_path / f"{command}.pdf"
        code, text, err = _command(db_args, capsys, command, *extra, "--customers", everyone,
                                   "--out", str(out), "--json")
        assert code == 0, err
        data = json.loads(text)
        excluded = _excluded(data)
        assert excluded[world.numbers["objector"]] == OBJECTION, command
        assert excluded[world.numbers["revoked"]] == REVOKED, command
        assert excluded[world.numbers["returning"]] in RETURNING, command
        assert excluded[world.numbers["erased"]] == "Kunde gelöscht (Art. 17 DSGVO)", command
        with pdfplumber.open(out) as pdf:
            printed = "\n".join(page.extract_text() or "" for page in pdf.pages)
        for who in ("Widerspruch", "Widerruf", "Rückkehr"):
            assert who not in printed, (command, who)
        assert "Ohnetelefon" in printed and "Bau Berger GmbH" in printed
        if command == "mailing":
            assert {r["number"] for r in data["recipients"]} == allowed


@pytest.mark.usefixtures("letterhead")
def test_a_service_letter_still_reaches_the_objector_and_the_revoked_consent(
    services: Services, world: World, db_args: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    services.db.dispose()
    code, text, err = _command(
        db_args, capsys, "mailing", "--template", "Terminbestätigung", "--customers",
        ",".join(world.numbers[k] for k in ("objector", "revoked", "erased")),
        "--out", str(tmp_path / "termin.pdf"), "--json")
    assert code == 0, err
    data = json.loads(text)
    assert {r["number"] for r in data["recipients"]} == {
        world.numbers["objector"], world.numbers["revoked"]}
    assert _excluded(data) == {world.numbers["erased"]: "Kunde gelöscht (Art. 17 DSGVO)"}


@pytest.mark.usefixtures("letterhead")
def test_a_single_advertising_letter_is_refused_with_the_reason(
    services: Services, world: World, db_args: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    services.db.dispose()
    for who, reason in (("objector", OBJECTION), ("revoked", REVOKED)):
        code, _text, err = _command(db_args, capsys, "letter", "--template", "Reaktivierung",
                                    "--customer", world.numbers[who],
                                    "--out", str(tmp_path / f"{who}.pdf"))
        assert code == 2 and reason in err, (who, err)
        assert not (tmp_path / f"{who}.pdf").exists()
    code, _text, err = _command(db_args, capsys, "letter", "--template", "Reaktivierung",
                                "--customer", world.numbers["no_phone"],
                                "--out", str(tmp_path / "ok.pdf"))
    assert code == 0, err
