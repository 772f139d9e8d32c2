"""Run one outbox flush against 127.0.0.1:PORT in its own process (the crash test kills it)."""

from __future__ import annotations

import sys

from app.db import Database
from app.services.clock import SystemClock
from app.services.email.account import EmailAccount, connector
from app.services.email.sender import flush


def main(db_path: str, port: int) -> None:
    db = Database(f"sqlite:///{db_path}")
    account = EmailAccount(host="127.0.0.1", port=port, security="none",
                           from_address="werkstatt@mueller-sanitaer.de")
    report = flush(db, SystemClock(), connector(account, None), sender=account.from_address)
    print(report.summary())
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
