from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

import main
from app.db import open_database
from app.services.clock import FixedClock, SystemClock
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from tests.services.loyalty.loyalty_helpers import card, sale


@pytest.fixture
def birthday_db(db_path: Path) -> Path:
    """A customer whose birthday is a week from the real today (the CLI's clock)."""
    db = open_database(f"sqlite:///{db_path}")
    services = Services.build(db, SystemClock())
    services.rules.ensure_defaults()
    soon = SystemClock().today() + timedelta(days=7)
    services.customers.create(CustomerInput(last_name="Jubilar",
                                            birthday=Birthday(soon.day, soon.month, None),
                                            street="Lindenweg 3", postcode="01067",
                                            city="Dresden"))
    db.dispose()
    return db_path


def test_run_due_reports_counts_per_rule_and_a_second_run_creates_nothing(
    birthday_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(birthday_db), "run-due", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["rules"]["Geburtstag"] == {"firings": 1, "followups": 1, "letters": 0,
                                          "mails": 0, "vouchers": 0, "held_back": 0}
    assert first["held_back"] == []
    assert first["followups_created_count"] == 1
    assert first["followups_created"][0]["customer_name"] == "Jubilar"
    assert main.main(["--db", str(birthday_db), "run-due", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["days"] == [] and second["followups_created_count"] == 0
    assert second["rules"]["Geburtstag"] == {"firings": 0, "followups": 0, "letters": 0,
                                           "mails": 0, "vouchers": 0, "held_back": 0}


def test_run_due_prints_what_it_did_in_words(
    birthday_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(birthday_db), "run-due"]) == 0
    out = capsys.readouterr().out
    assert "Geburtstag: 1 ausgelöst, 1 Wiedervorlage," in out and "Jubilar" in out
    assert main.main(["--db", str(birthday_db), "run-due"]) == 0
    assert "Keine neuen Wiedervorlagen." in capsys.readouterr().out


def test_run_due_refuses_a_malformed_date_with_exit_code_2(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(db_path), "run-due", "--as-of", "31.02.2026"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_export_ics_writes_the_pending_follow_ups_with_stable_uids(
    birthday_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main.main(["--db", str(birthday_db), "run-due"])
    target = tmp_path / "wv.ics"
    assert main.main(["--db", str(birthday_db), "export-ics", str(target)]) == 0
    assert "1 Wiedervorlage nach" in capsys.readouterr().out
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["followup-1@stammkunde"]
    assert events[0].decoded("dtstart") == SystemClock().today()


def test_rules_can_be_listed_switched_and_tuned_headless(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(db_path), "rule-set", "4", "--on", "--param",
                      "min_cents=200000", "--letter", "dankeschoen"]) == 0
    capsys.readouterr()
    assert main.main(["--db", str(db_path), "rules", "--json"]) == 0
    big = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == 4)
    assert (big["enabled"], big["params"]["min_cents"], big["letter_template"]) == (
        True, 200_000, "dankeschoen")
    assert main.main(["--db", str(db_path), "rule-set", "1", "--param", "bogus=3"]) == 2
    assert "bogus: unbekannte Einstellung" in capsys.readouterr().err
    assert main.main(["--db", str(db_path), "rule-set", "99", "--off"]) == 2


def test_a_campaign_stage_is_added_and_set_to_mail_headless(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The staged campaign of the playbook by command: a reminder 30 days after the first
    purchase, by e-mail where allowed, else the letter."""
    assert main.main(["--db", str(db_path), "rule-add", "first_purchase", "--name",
                      "Erinnerung nach 30 Tagen", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert (added["kind"], added["enabled"], added["by_email"]) == (
        "first_purchase", False, False)
    assert main.main(["--db", str(db_path), "rule-set", str(added["id"]), "--on", "--param",
                      "days_after=30", "--letter", "erinnerung", "--email",
                      "--no-followup"]) == 0
    assert "E-Mail, sonst Brief „erinnerung“" in capsys.readouterr().out
    assert main.main(["--db", str(db_path), "rules", "--json"]) == 0
    rule = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == added["id"])
    assert (rule["enabled"], rule["params"], rule["letter_template"], rule["by_email"],
            rule["create_followup"]) == (True, {"days_after": 30}, "erinnerung", True, False)
    assert rule["id"] > 1  # after the default rules, so their numbers stay the same
    assert main.main(["--db", str(db_path), "rule-set", "1", "--email"]) == 2
    assert "per E-Mail: für „per E-Mail“ eine Vorlage angeben" in capsys.readouterr().err


def test_run_due_also_does_the_nightly_work_and_a_second_run_for_the_day_does_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(f"sqlite:///{db_path}")
    services = Services.build(db, FixedClock(datetime(2026, 3, 15, 10, 30)))
    holder = card(services)
    sale(services, holder.customer_id, 12_000, on=date(2026, 3, 15))
    db.dispose()
    args = ["--db", str(db_path), "run-due", "--as-of", "20.03.2026", "--json"]
    assert main.main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["classification"]["changed"] == 1
    assert first["loyalty"]["credited"] == {"entries": 1, "points": 120, "customers": 1}
    assert first["purge"] == {"customers_deleted": 0, "rows_deleted": 0, "numbers": []}
    assert main.main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["classification"] == {"changed": 0, "updated": 0}
    assert second["loyalty"]["credited"]["entries"] == 0
    assert main.main(args[:-1]) == 0
    out = capsys.readouterr().out
    assert "Klassen: 0 geändert" in out and "Bonus: 0 Punkte/Stempel für 0 Umsätze" in out
