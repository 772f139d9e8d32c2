from __future__ import annotations

import threading
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from pytestqt.qtbot import QtBot

from app.services.changes import Domain
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpDTO, FollowUpInput
from app.services.loyalty.vouchers import VoucherInput
from app.ui.context import AppContext, ChangeBus
from app.ui.scheduler import AppScheduler, nightly_hooks
from app.ui.tasks import TaskRunner
from tests.services.loyalty.loyalty_helpers import card, sale


def _due_followup(services: Services) -> int:
    cid = services.customers.create(CustomerInput(last_name="Müller")).id
    return services.followups.create(cid, FollowUpInput(
        subject="Rückruf", due_date=date(2026, 3, 15), due_time=time(10, 0))).id


class Receiver(QObject):
    """Records what arrives and on which thread, like the window's notifier would."""

    def __init__(self) -> None:
        super().__init__()
        self.announced: list[int] = []
        self.ran = 0
        self.threads: set[bool] = set()

    @Slot(object)
    def on_due(self, due: list[FollowUpDTO]) -> None:
        self.threads.add(threading.current_thread() is threading.main_thread())
        self.announced += [f.id for f in due]

    @Slot(object)
    def on_rules(self, _result: object) -> None:
        self.threads.add(threading.current_thread() is threading.main_thread())
        self.ran += 1


def test_the_started_scheduler_catches_up_and_hands_results_to_the_gui_thread(
    services: Services, qtbot: QtBot
) -> None:
    followup_id = _due_followup(services)
    scheduler = AppScheduler(services)
    receiver = Receiver()
    queued = Qt.ConnectionType.QueuedConnection
    scheduler.followups_due.connect(receiver.on_due, queued)
    scheduler.rules_ran.connect(receiver.on_rules, queued)
    try:
        scheduler.start()
        assert scheduler.running
        qtbot.waitUntil(lambda: receiver.ran == 1 and bool(receiver.announced), timeout=10_000)
    finally:
        scheduler.shutdown()
    assert not scheduler.running
    assert receiver.announced == [followup_id]
    assert receiver.threads == {True}


def test_a_due_follow_up_is_announced_exactly_once(
    services: Services, clock: FixedClock, qtbot: QtBot
) -> None:
    followup_id = _due_followup(services)
    scheduler = AppScheduler(services)
    seen: list[int] = []
    scheduler.followups_due.connect(lambda due: seen.extend(f.id for f in due))
    scheduler.check_due_now()
    clock.set(datetime(2026, 3, 15, 10, 35))
    scheduler.check_due_now()
    scheduler.check_due_now()
    assert seen == [followup_id]


def test_a_failing_nightly_hook_is_reported_and_the_other_hooks_still_run(
    services: Services, qtbot: QtBot
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("Sicherungslaufwerk fehlt")

    scheduler = AppScheduler(services, {"classification": [lambda: ran.append("classes")],
                                        "loyalty": [], "backup": [broken],
                                        "purge": [lambda: ran.append("purge")]})
    with qtbot.waitSignal(scheduler.job_failed) as failure:
        scheduler.run_nightly_now()
    assert failure.args == ["backup", "RuntimeError: Sicherungslaufwerk fehlt"]
    assert ran == ["classes", "purge"]
    assert services.nightly.due()  # retried at the next start


def test_the_nightly_job_classifies_credits_points_expires_vouchers_and_backs_up(
    services: Services, clock: FixedClock, tmp_path: Path, qtbot: QtBot
) -> None:
    holder = card(services)
    sale(services, holder.customer_id, 12_000, on=date(2026, 3, 15))  # not yet credited
    voucher = services.vouchers.issue(VoucherInput(value_cents=5000, promo=True,
                                                   valid_until=date(2026, 3, 31)))
    services.backups.set_folder(tmp_path / "usb", by="chef")
    clock.set(datetime(2026, 4, 2, 2, 30))
    context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                         data_dir=tmp_path, log_file=tmp_path / "log.txt")
    scheduler = AppScheduler(services, nightly_hooks(context))
    ran: list[str] = []
    scheduler.hook_ran.connect(ran.append)
    scheduler.run_nightly_now()
    assert ran == ["classification", "loyalty", "purge", "backup"]
    assert services.classification.info(holder.customer_id).abc_class == "A"
    assert services.loyalty.balance(holder.number) == 120
    assert services.vouchers.get(voucher.code).status == "expired"
    assert len(services.backups.backups()) == 1
    assert not services.nightly.due()
    scheduler.run_nightly_now()  # a second night books nothing new
    assert services.loyalty.balance(holder.number) == 120
    assert len(services.backups.backups()) == 1


def test_the_start_catches_up_the_nightly_job_only_when_no_run_finished_today(
    services: Services, tmp_path: Path, qtbot: QtBot
) -> None:
    ran: list[str] = []
    scheduler = AppScheduler(services, {"backup": [lambda: ran.append("backup")]})
    try:
        with qtbot.waitSignal(scheduler.hook_ran, timeout=10_000):
            scheduler.start()
    finally:
        scheduler.shutdown()
    assert ran == ["backup"] and not services.nightly.due()
    again = AppScheduler(services, {"backup": [lambda: ran.append("again")]})
    try:
        again.start()
        again.check_due_now()
    finally:
        again.shutdown()
    assert ran == ["backup"]


def test_views_refresh_from_what_a_nightly_step_wrote_in_the_worker_thread(
    services: Services, tmp_path: Path, qtbot: QtBot
) -> None:
    context = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                         data_dir=tmp_path, log_file=tmp_path / "log.txt")
    holder = card(services)
    sale(services, holder.customer_id, 12_000, on=date(2026, 3, 15))
    worker = threading.Thread(target=services.nightly.book_loyalty)
    with qtbot.waitSignal(context.bus.changed, timeout=5000) as published:
        worker.start()
        worker.join()
    changes = published.args[0]
    assert changes.touches(Domain.LOYALTY, holder.customer_id)
    assert not changes.touches(Domain.SALES)
