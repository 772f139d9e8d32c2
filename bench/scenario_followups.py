"""Follow-ups and rules at scale: a two-week catch-up, the no-op re-run, the Heute lists,
the reminder check and the calendar export (on the private copy bench/run.py hands in)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from app.db import open_database
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.demo.followups import fill_followups
from app.services.followups.calendar import write_ics

CATCH_UP_DAYS = 14


def _timed(work: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    return time.perf_counter() - started, result


def run(db_url: str, workdir: Path, *, customers: int) -> dict[str, float]:
    now = datetime.now(LOCAL_ZONE).replace(hour=7, minute=0, second=0, microsecond=0)
    clock = FixedClock(now - timedelta(days=CATCH_UP_DAYS))
    db = open_database(db_url)
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
            "heute_call_list_count": float(len(calls.suggestions)),  # type: ignore[attr-defined]
            "claim_notifications_ms": round(claim_s * 1000, 1),
            "export_ics_s": round(ics_s, 3),
            "export_ics_events_count": float(len(pending)),
        }
    finally:
        db.dispose()
