from __future__ import annotations

import json
import os
import socket
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import StorageError
from app.services.privacy.backups import backup_name, parse_backup_name, rotation_keep
from app.services.privacy.erasure import COMPACTION_PENDING

# Backups copy the SQLite file with its backup API; PostgreSQL is backed up with pg_dump.
sqlite_file_backup = pytest.mark.sqlite_only("copies the SQLite file with the backup API")


def evening(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 18, 0)


def month_end(year: int, month: int) -> datetime:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return datetime.combine(first_of_next - timedelta(days=1), datetime.min.time()).replace(
        hour=18)


def test_rotation_over_400_simulated_days_keeps_7_daily_4_weekly_12_monthly() -> None:
    kept: set[datetime] = set()
    every: list[datetime] = []
    for day in range(400):
        for hour in (9, 18):  # the daily backup and one on closing the app
            stamp = datetime(2025, 1, 1, hour) + timedelta(days=day)
            every.append(stamp)
            kept = rotation_keep(kept | {stamp})
    assert every[-1] == evening(2026, 2, 4)  # a Wednesday
    daily = {evening(2026, 2, d) for d in (4, 3, 2, 1)} | {
        evening(2026, 1, d) for d in (31, 30, 29)}
    weekly = {evening(2026, 2, 4), evening(2026, 2, 1), evening(2026, 1, 25),
              evening(2026, 1, 18)}  # this week so far, then three Sundays
    monthly = {evening(2026, 2, 4), month_end(2026, 1)} | {
        month_end(2025, m) for m in range(3, 13)}
    assert kept == daily | weekly | monthly
    assert len(kept) == 7 + 2 + 10  # weekly and monthly partly coincide with daily
    assert rotation_keep(every) == kept  # rotating daily and rotating once agree


def test_backup_names_carry_their_time_and_other_files_are_not_rotated() -> None:
    moment = datetime(2026, 3, 15, 10, 30, 5)
    assert parse_backup_name(backup_name(moment)) == moment
    assert parse_backup_name("vor-update-20260315-103005.sqlite3") is None


@sqlite_file_backup
def test_a_backup_is_checked_listed_with_its_customer_count_and_made_only_after_changes(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path / "sicherungen", by="chef")
    services.customers.create(CustomerInput(last_name="Meier"))
    first = services.backups.backup_if_changed(by="chef")
    assert first is not None and first.customers == 1
    clock.set(datetime(2026, 3, 15, 11, 0))
    assert services.backups.backup_if_changed(by="chef") is None
    services.customers.create(CustomerInput(last_name="Schulze"))
    clock.set(datetime(2026, 3, 16, 8, 0))
    second = services.backups.backup_if_changed(by="chef")
    assert second is not None and second.customers == 2
    listed = services.backups.backups()
    assert [(b.taken_at, b.customers) for b in listed] == [
        (datetime(2026, 3, 16, 8, 0), 2), (datetime(2026, 3, 15, 10, 30), 1)]
    assert not list((tmp_path / "sicherungen").glob("*.partial"))


@sqlite_file_backup
def test_the_daily_backup_waits_for_the_next_day(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    services.customers.create(CustomerInput(last_name="Meier"))
    assert services.backups.backup_if_due() is not None
    services.customers.create(CustomerInput(last_name="Schulze"))
    assert services.backups.backup_if_due() is None
    clock.set(datetime(2026, 3, 16, 8, 0))
    assert services.backups.backup_if_due() is not None


@sqlite_file_backup
def test_restore_keeps_a_copy_and_applies_later_erasures_again(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    meier = services.customers.create(CustomerInput(last_name="Meierhuber", city="Bonn"))
    services.customers.create(CustomerInput(last_name="Schulze"))
    backup = services.backups.backup_now(by="chef")
    clock.set(datetime(2026, 3, 16, 9, 0))
    services.privacy.erase(meier.id, by="chef")
    services.customers.create(CustomerInput(last_name="Nachher"))
    result = services.backups.restore(backup.path, by="chef")
    assert result.safety_copy.exists() and result.safety_copy.name.startswith(
        "vor-wiederherstellung-")
    assert result.reapplied == ("K-000001: Gelöscht (Art. 17)",)
    assert [r.number for r in services.customers.search("")] == ["K-000002"]
    assert services.customers.search("Meierhuber") == []
    assert services.customers.count() == 1
    assert b"Meierhuber" not in services.db.sqlite_path.read_bytes()  # type: ignore[union-attr]
    assert services.audit.entries()[0].action == "restore"


def test_a_damaged_backup_is_refused_and_the_database_stays(
    services: Services, tmp_path: Path,
) -> None:
    services.customers.create(CustomerInput(last_name="Meier"))
    bad = tmp_path / "kaputt.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(StorageError):
        services.backups.restore(bad, by="chef")
    assert services.customers.count() == 1


@sqlite_file_backup
def test_check_reports_integrity_customers_size_and_last_backup(
    services: Services, tmp_path: Path,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    services.customers.create(CustomerInput(last_name="Meier"))
    assert services.backups.check().last_backup is None
    services.backups.backup_now()
    report = services.backups.check()
    assert report.ok and report.customers == 1 and report.file_size
    assert "Letzte Sicherung: 15.03.2026 10:30" in "\n".join(report.lines())


@sqlite_file_backup
def test_restore_from_the_command_line_is_refused_while_the_app_has_the_database_open(
    services: Services, tmp_path: Path,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    backup = services.backups.backup_now()
    lock = services.db.sqlite_path.with_name(  # type: ignore[union-attr]
        "stammkunde.sqlite3.lock")
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getppid(),
                                "since": "15.03.2026 08:00"}), encoding="utf-8")
    with pytest.raises(StorageError) as err:
        services.backups.restore(backup.path, by="chef")
    assert "geöffnet" in err.value.message


@sqlite_file_backup
def test_a_failed_backup_is_not_logged_as_made(services: Services, tmp_path: Path) -> None:
    services.customers.create(CustomerInput(last_name="Meier"))
    blocker = tmp_path / "kein-ordner"
    blocker.write_text("eine Datei, kein Ordner")
    with pytest.raises(StorageError, match="fehlgeschlagen"):
        services.backups.backup_now(blocker / "stick" / "k.sqlite3", by="chef")
    assert "backup" not in [entry.action for entry in services.audit.entries()]
    made = services.backups.backup_now(tmp_path / "stick" / "k.sqlite3", by="chef")
    assert [e.details for e in services.audit.entries() if e.action == "backup"] == [
        {"file": made.path.name}]


@sqlite_file_backup
def test_a_manual_backup_is_never_rotated_away_by_automatic_ones(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    services.customers.create(CustomerInput(last_name="Meier"))
    manual = services.backups.backup_now(by="chef")
    assert manual.path.name == "stammkunde-20260315-103000-manuell.sqlite3"
    for day in range(40):
        clock.set(datetime(2026, 3, 15, 18, 0) + timedelta(days=day))
        services.customers.create(CustomerInput(last_name=f"Kunde {day}"))
        assert services.backups.backup_if_changed(by="System") is not None
    assert manual.path.exists()
    assert services.backups.last_backup().taken_at == datetime(2026, 4, 23, 18, 0)


@sqlite_file_backup
def test_the_days_full_backup_stays_when_a_later_one_has_drastically_fewer_customers(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    for n in range(40):
        services.customers.create(CustomerInput(last_name=f"Kunde {n}"))
    clock.set(datetime(2026, 3, 15, 9, 0))
    full = services.backups.backup_if_changed(by="System")
    with services.db.write() as session:
        session.execute(text("DELETE FROM customers WHERE id > 1"))
        session.commit()
    clock.set(datetime(2026, 3, 15, 18, 0))
    emptied = services.backups.backup_if_changed(by="System")
    assert full is not None and emptied is not None and emptied.customers == 1
    assert full.path.exists() and emptied.path.exists()
    services.customers.create(CustomerInput(last_name="Neu"))
    clock.set(datetime(2026, 3, 16, 18, 0))
    assert services.backups.backup_if_changed(by="System") is not None
    assert full.path.exists()  # still the fullest of its day


def test_every_backup_of_the_newest_two_days_stays_and_older_days_keep_their_newest() -> None:
    day1 = [datetime(2026, 3, 13, h) for h in (9, 12, 18)]
    day2 = [datetime(2026, 3, 14, h) for h in (9, 18)]
    day3 = [datetime(2026, 3, 15, h) for h in (8, 10)]
    kept = rotation_keep(day1 + day2 + day3, all_days=2)
    assert kept == {datetime(2026, 3, 13, 18), *day2, *day3}


@sqlite_file_backup
def test_a_second_automatic_backup_of_the_day_keeps_the_first_and_the_manual_one(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path / "usb", by="chef")
    services.customers.create(CustomerInput(last_name="Meier"))
    clock.set(datetime(2026, 3, 15, 9, 0))
    morning = services.backups.backup_if_changed(by="System")
    clock.set(datetime(2026, 3, 15, 10, 0))
    manual = services.backups.backup_now(by="chef")
    services.customers.create(CustomerInput(last_name="Schulz"))
    clock.set(datetime(2026, 3, 15, 18, 0))
    evening_backup = services.backups.backup_if_changed(by="System")
    assert morning is not None and evening_backup is not None
    listed = services.backups.backups()
    assert [(b.taken_at, b.kind, b.customers) for b in listed] == [
        (datetime(2026, 3, 15, 18, 0), "automatisch", 2),
        (datetime(2026, 3, 15, 10, 0), "manuell", 1),
        (datetime(2026, 3, 15, 9, 0), "automatisch", 1)]
    for day in (16, 17):  # two newer days: the 15th keeps its newest automatic one only
        services.customers.create(CustomerInput(last_name=f"Kunde {day}"))
        clock.set(datetime(2026, 3, day, 18, 0))
        assert services.backups.backup_if_changed(by="System") is not None
    assert manual.path.exists() and evening_backup.path.exists()
    assert not morning.path.exists()


@sqlite_file_backup
def test_a_backup_is_chosen_by_its_number_in_the_list(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path / "usb", by="chef")
    first = services.backups.backup_now(by="chef")
    clock.set(datetime(2026, 3, 15, 11, 0))
    services.customers.create(CustomerInput(last_name="Schulz"))
    services.backups.backup_now(by="chef")
    assert services.backups.choose("2") == first.path
    assert services.backups.choose(str(first.path)) == first.path
    with pytest.raises(StorageError, match="Nr. 3 gibt es nicht"):
        services.backups.choose("3")


@sqlite_file_backup
def test_a_backup_first_finishes_the_compaction_an_erasure_left_pending(
    services: Services, tmp_path: Path,
) -> None:
    services.backups.set_folder(tmp_path / "usb", by="chef")
    erased = services.customers.create(CustomerInput(last_name="Vergessmich",
                                                     phone="0431 998877"))
    services.customers.create(CustomerInput(last_name="Bleibt"))
    services.privacy.erase(erased.id, by="chef")
    services.settings.set(COMPACTION_PENDING, True)  # as if the window's reads blocked it
    made = services.backups.backup_if_changed(by="System")
    assert made is not None
    assert services.settings.get(COMPACTION_PENDING, False) is False
    assert b"Vergessmich" not in made.path.read_bytes()
