"""Follow-ups and rules at scale: a two-week catch-up, the no-op re-run, the Heute lists,
the reminder check and the calendar export, on a copy of the benchmark database."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from app.db import open_database
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.followups_demo import fill_followups
from app.services.ics_export import write_ics

CATCH_UP_DAYS = 14


def _copy(db_url: str, workdir: Path) -> str:
    """The scenario writes; it works on a copy so the shared dataset stays as it is."""
    source = make_url(db_url).database
    target = workdir / "followups-bench.sqlite3"
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{target}"


def _timed(work: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    return time.perf_counter() - started, result


def run(db_url: str, workdir: Path, *, customers: int) -> dict[str, float]:
    workdir.mkdir(parents=True, exist_ok=True)
    url = _copy(db_url, workdir) if db_url.startswith("sqlite") else db_url
    now = datetime.now(LOCAL_ZONE).replace(hour=7, minute=0, second=0, microsecond=0)
    clock = FixedClock(now - timedelta(days=CATCH_UP_DAYS))
    db = open_database(url)
    try:
        services = Services.build(db, clock)
        fill_s, _ = _timed(lambda: fill_followups(db, clock, seed=3))
        clock.set(now)
        catch_up_s, result = _timed(services.rules.run_due)
        rerun_s, again = _timed(services.rules.run_due)
        assert again.firings == 0  # type: ignore[attr-defined]
        due_s, due = _timed(services.followups.due)
        calls_s, calls = _timed(services.today.call_list)
        claim_s, _ = _timed(services.followups.claim_due_notifications)
        pending = services.followups.pending()
        ics_s, _ = _timed(lambda: write_ics(workdir / "wv.ics", pending, now=clock.now()))
        return {
            "followups_demo_fill_s": round(fill_s, 3),
            "run_due_14_days_s": round(catch_up_s, 3),
            "run_due_rerun_ms": round(rerun_s * 1000, 1),
            "rule_firings_14_days_count": float(result.firings),  # type: ignore[attr-defined]
            "heute_due_list_ms": round(due_s * 1000, 1),
            "heute_due_count": float(len(due)),  # type: ignore[arg-type]
            "heute_call_list_ms": round(calls_s * 1000, 1),
            "heute_call_list_count": float(len(calls)),  # type: ignore[arg-type]
            "claim_notifications_ms": round(claim_s * 1000, 1),
            "export_ics_s": round(ics_s, 3),
            "export_ics_events_count": float(len(pending)),
        }
    finally:
        db.dispose()
