"""The demo has contracts, club members and referrals, so the dashboard figures show."""

from __future__ import annotations

import pytest

from app.services.container import Services
from app.services.demo.showcase import populate


@pytest.mark.slow
def test_the_demo_fills_the_contract_club_and_referral_figures(services: Services) -> None:
    result = populate(services, customers=120, seed=3)
    binding = result.binding
    assert binding.contracts > 0 and binding.members > 0 and binding.rewarded > 0
    contracts = services.contracts.figures()
    assert contracts.active + contracts.ending == binding.contracts - contracts.ended
    assert contracts.recurring_cents > 0
    assert services.club.figures().members == binding.members
    stats = services.referrals.statistics()
    assert (stats.referrals, stats.rewarded) == (binding.referrals, binding.rewarded)
    featured = result.featured
    assert featured is not None
    assert services.club.membership(featured) is not None
    assert services.contracts.for_customer(featured)
    assert "Wartungsverträge" in result.lines()[-1]
