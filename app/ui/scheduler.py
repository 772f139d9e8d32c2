"""Timed work inside the app: rules, due reminders and the nightly hooks.

APScheduler's `BackgroundScheduler` runs the jobs on its own worker thread; results reach
the GUI thread only through this object's signals (queued across threads). The stock
`QtScheduler` is not used: with PySide6 it never cancels its timers (PITFALLS.md). Due
dates live in the database and `run_due` catches up missed days itself, so the jobs are
plain in-memory jobs; `misfire_grace_time` only lets a job that was late because the PC
slept still run once (coalesced) instead of being dropped after APScheduler's 1 s default.
The scheduler owns all timed work: the nightly steps (classes, bonus points and vouchers,
purge of expired records, daily backup) also run at start when no run finished today. One
worker thread runs the jobs one after another, so they never contend for the write lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMainWindow, QStyle, QSystemTrayIcon

from app.services.changes import Changes, Domain
from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.errors import StammkundeError
from app.ui.context import AppContext

log = logging.getLogger(__name__)

CHECK_MINUTES = 5
MISFIRE_GRACE_S = 6 * 3600
RULES_AT = (0, 5)  # hour, minute: daily rules just after midnight
NIGHTLY_AT = (2, 30)
HOOK_NAMES = ("classification", "loyalty", "purge", "backup")


def tr(text: str) -> str:
    return QCoreApplication.translate("Scheduler", text)


def nightly_hooks(context: AppContext) -> dict[str, list[Callable[[], object]]]:
    """The nightly slots, run in this order on the worker thread: classes first (the
    loyalty discount reads them), the purge before the backup (no erased data in it)."""
    nightly = context.services.nightly
    return {"classification": [nightly.classify],
            "loyalty": [nightly.book_loyalty],
            "purge": [nightly.purge],
            "backup": [nightly.backup]}


class AppScheduler(QObject):
    """Owns the BackgroundScheduler.

    Signals (emitted on the worker thread, delivered queued on the GUI thread):
    rules_ran(RunResult), followups_due(list[FollowUpDTO]) — each follow-up once,
    hook_ran(str), job_failed(str job, str message), mail_sent(FlushReport).
    """

    rules_ran = Signal(object)
    mail_sent = Signal(object)
    followups_due = Signal(object)
    hook_ran = Signal(str)
    job_failed = Signal(str, str)

    def __init__(self, services: Services,
                 hooks: dict[str, list[Callable[[], object]]] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.hooks = hooks if hooks is not None else {name: [] for name in HOOK_NAMES}
        self._scheduler = BackgroundScheduler(
            timezone=LOCAL_ZONE,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"misfire_grace_time": MISFIRE_GRACE_S, "coalesce": True,
                          "max_instances": 1})

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Catch up at once (rules, the reminder check, the nightly steps if no run finished
        today), then on the clock."""
        now = datetime.now(LOCAL_ZONE)
        add = self._scheduler.add_job
        add(self.run_due_now, "cron", hour=RULES_AT[0], minute=RULES_AT[1], id="run_due",
            next_run_time=now)
        add(self.check_due_now, "interval", minutes=CHECK_MINUTES, id="check_due",
            next_run_time=now)
        add(self.send_mail_now, "interval", minutes=CHECK_MINUTES, id="send_mail",
            next_run_time=now)
        catch_up = {"next_run_time": now} if self.services.nightly.due() else {}
        add(self.run_nightly_now, "cron", hour=NIGHTLY_AT[0], minute=NIGHTLY_AT[1],
            id="nightly", **catch_up)
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop taking jobs and wait for a running one, so no job outlives the window."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def run_due_now(self) -> None:
        self._guarded("run_due", lambda: self.rules_ran.emit(self.services.rules.run_due()))

    def check_due_now(self) -> None:
        def check() -> None:
            due = self.services.followups.claim_due_notifications()
            if due:
                self.followups_due.emit(due)

        self._guarded("check_due", check)

    def send_mail_now(self) -> None:
        """What waits in the outbox goes out in the background (no internet: it waits)."""
        def send() -> None:
            report = self.services.email.flush_due()
            if report is not None:
                self.mail_sent.emit(report)

        self._guarded("send_mail", send)

    def run_nightly_now(self) -> None:
        """Every hook in its slot's order; one failing hook does not stop the others. The
        day counts as done only when all succeeded, so a failed step is retried at start."""
        failed = False
        for name in HOOK_NAMES:
            for hook in self.hooks.get(name, []):
                if self._guarded(name, hook):
                    self.hook_ran.emit(name)
                else:
                    failed = True
        if not failed:
            self._guarded("nightly", self.services.nightly.mark_done)

    def _guarded(self, name: str, work: Callable[[], object]) -> bool:
        try:
            work()
        except StammkundeError as error:
            log.warning("scheduled job %s: %s", name, error.message)
            self.job_failed.emit(name, error.message)
            return False
        except Exception as error:  # a job failure is logged and shown, never kills the app
            log.exception("scheduled job %s failed", name)
            self.job_failed.emit(name, f"{type(error).__name__}: {error}")
            return False
        return True


class Notifier(QObject):
    """Shows due follow-ups and job failures: tray balloon if there is a tray, else the
    status bar of the window."""

    def __init__(self, context: AppContext, window: QMainWindow) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.asking: dict[int, QDialog] = {}  # rule id → its open release dialog
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Stammkunde")
            self.tray.messageClicked.connect(self._raise_window)
            self.tray.show()

    def show_due(self, due: list[object]) -> None:
        lines = [f"{item.due_text} {item.customer_name}: {item.subject}"  # type: ignore[attr-defined]
                 for item in due]
        title = (tr("Wiedervorlage fällig") if len(lines) == 1
                 else tr("{n} Wiedervorlagen fällig").format(n=len(lines)))
        text = "\n".join(lines[:5]) + ("\n…" if len(lines) > 5 else "")
        self._show(title, text, QSystemTrayIcon.MessageIcon.Information)
        self.context.bus.publish(Changes.of(Domain.FOLLOWUPS))  # due now: nothing was written

    def rules_ran(self, result: object) -> None:
        count = len(result.followups)  # type: ignore[attr-defined]
        mails = list(result.after_run)  # type: ignore[attr-defined]
        if count or mails:
            parts = [tr("{n} neue Wiedervorlagen").format(n=count)] if count else []
            self.window.statusBar().showMessage(
                tr("Regeln: {what}").format(what="; ".join(parts + mails)), 10_000)
        for rule_id in result.waiting:  # type: ignore[attr-defined]
            self.ask_release(rule_id)

    def ask_release(self, rule_id: int) -> None:
        """A rule that would have created many follow-ups at once waits: ask how to start."""
        from app.ui.followups.release_dialog import ReleaseDialog

        if rule_id in self.asking:
            return
        preview = self.context.services.rule_release.dry_run(rule_id)
        dialog = ReleaseDialog(self.context, preview, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.asking[rule_id] = dialog
        dialog.finished.connect(partial(self._answered, rule_id))
        dialog.open()

    def _answered(self, rule_id: int, _result: int) -> None:
        self.asking.pop(rule_id, None)

    def mail_sent(self, report: object) -> None:
        self.window.statusBar().showMessage(
            tr("E-Mail: {summary}").format(summary=report.summary()),  # type: ignore[attr-defined]
            10_000)

    def job_failed(self, job: str, message: str) -> None:
        self._show(tr("Hintergrundaufgabe fehlgeschlagen"),
                   tr("{job}: {message}\nDetails im Protokoll: {log}").format(
                       job=job, message=message, log=self.context.log_file),
                   QSystemTrayIcon.MessageIcon.Warning)

    def _show(self, title: str, text: str, icon: QSystemTrayIcon.MessageIcon) -> None:
        if self.tray is not None:
            self.tray.showMessage(title, text, icon, 15_000)
        self.window.statusBar().showMessage(f"{title}: {text.splitlines()[0]}", 15_000)

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()


def start_scheduler(context: AppContext, window: QMainWindow) -> AppScheduler:
    """Build, wire and start the scheduler for the main window (stopped by the caller)."""
    scheduler = AppScheduler(context.services, nightly_hooks(context), parent=window)
    notifier = Notifier(context, window)
    queued = Qt.ConnectionType.QueuedConnection
    scheduler.followups_due.connect(notifier.show_due, queued)
    scheduler.rules_ran.connect(notifier.rules_ran, queued)
    scheduler.job_failed.connect(notifier.job_failed, queued)
    scheduler.mail_sent.connect(notifier.mail_sent, queued)
    scheduler.start()
    return scheduler
