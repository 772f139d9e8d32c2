"""Every voucher is written through VoucherService: counter, command line, rules, mailings."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.container import Services
from app.services.letters.mailings import VoucherOption
from app.services.letters.recipients import IdSource
from app.services.loyalty.vouchers import VoucherInput
from tests.services.letters.test_mailings import make_customers


@pytest.mark.usefixtures("letterhead")
def test_a_mailings_vouchers_are_recorded_in_the_audit_log_like_every_other_issue(
    services: Services, tmp_path: Path,
) -> None:
    ids = make_customers(services, 4)
    template = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    result = services.mailings.run(template.id, IdSource(tuple(ids)), out=tmp_path / "m.pdf",
                                   voucher=VoucherOption(2_000), by="Anna")
    issued = [e for e in services.audit.entries() if e.action == "voucher_issue"]
    assert len(issued) == 1 and issued[0].actor == "Anna"
    assert issued[0].details["count"] == 4
    assert issued[0].details["campaign"] == f"Mailing #{result.mailing.id}"


def test_fresh_codes_are_distinct_and_never_one_already_issued(services: Services) -> None:
    taken = services.vouchers.issue_batch(VoucherInput(value_cents=500, campaign="Alt"),
                                          count=50)
    with services.db.read() as session:
        codes = services.vouchers.fresh_codes(session, 300)
    assert len(set(codes)) == 300
    assert not set(codes) & {v.code for v in taken}
