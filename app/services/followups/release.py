"""Rules that would act for many customers at once ask first (issue #15).

Switched on in a database with history — or run the first night after an import — a rule
such as "Schlafender Kunde" finds hundreds of customers at once, and "Heute" drowns in
follow-ups. So a rule that would fire for more than `MANY` customers on one day and has not
been released does nothing that day: the run reports it as *waiting* with the number, and the
user chooses: all at once, spread out (at most N a day; a lasting occasion such as a dormant
customer comes again the next day), or not at all (the rule is switched off). The window asks
when a rule is switched on and after a run that left one waiting; the command line has
`rule-release`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Rule, RuleFiring
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.followups.occasions import KINDS
from app.services.followups.rules import MANY, kind_params

invalid = ValidationError.labelled({"per_day": "höchstens pro Tag"})


@dataclass(frozen=True)
class RulePreview:
    """What a rule would do on this database today, without writing anything."""

    rule_id: int
    name: str
    enabled: bool
    count: int  # customers it would fire for today (each a follow-up, letter or voucher)

    @property
    def many(self) -> bool:
        return self.count > MANY


class RuleReleaseService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def dry_run(self, rule_id: int) -> RulePreview:
        """How many customers the rule would act on today: its occasions of today that it
        has not fired yet. Reads only; nothing is written, also not the rule's last day."""
        today = self.clock.today()
        with self.db.read() as session:
            rule = session.get(Rule, rule_id)
            if rule is None or rule.kind not in KINDS:
                raise NotFoundError(f"Regel {rule_id} nicht gefunden")
            occasions = {(o.customer_id, o.key)
                         for o in KINDS[rule.kind].find(session, kind_params(rule), today)}
            fired = {(cid, key) for cid, key in session.execute(
                select(RuleFiring.customer_id, RuleFiring.occasion_key)
                .where(RuleFiring.rule_id == rule.id))}
            session.rollback()
            return RulePreview(rule.id, rule.name, rule.enabled, len(occasions - fired))

    def release(self, rule_id: int, *, per_day: int) -> None:
        """Switch the rule on and let it act: all at once (`per_day` 0) or at most `per_day`
        a day. Today is processed again at the next run, so the waiting firings come then."""
        if not 0 <= per_day <= 10_000:
            raise invalid({"per_day": "zwischen 0 (alle auf einmal) und 10.000"})
        with self.db.write() as session:
            rule = self._rule(session, rule_id)
            rule.enabled = True
            rule.params = json.dumps({**json.loads(rule.params or "{}"), "per_day": per_day,
                                      "released": 1, "waiting": 0})
            rule.last_processed = self.clock.today() - timedelta(days=1)
            session.commit()

    def decline(self, rule_id: int) -> None:
        """Not at all: the rule is switched off and waits for nothing."""
        with self.db.write() as session:
            rule = self._rule(session, rule_id)
            rule.enabled = False
            rule.params = json.dumps({**json.loads(rule.params or "{}"), "waiting": 0})
            session.commit()

    @staticmethod
    def _rule(session: Session, rule_id: int) -> Rule:
        rule = session.get(Rule, rule_id)
        if rule is None:
            raise NotFoundError(f"Regel {rule_id} nicht gefunden")
        return rule
