from __future__ import annotations

import pytest

from app.services.errors import ValidationError
from app.services.letters.recipients import draw_control_group


def test_the_same_seed_draws_the_same_control_group_whatever_the_order_of_ids() -> None:
    ids = list(range(1, 41))
    first, seed = draw_control_group(ids, share=0.25, seed=7)
    again, _ = draw_control_group(list(reversed(ids)), share=0.25, seed=7)
    assert first == again and len(first) == 10 and seed == 7


def test_no_control_share_holds_nobody_back_and_records_no_seed() -> None:
    assert draw_control_group([1, 2, 3], share=0.0, seed=5) == (set(), None)


def test_a_control_share_without_a_seed_draws_one_to_record() -> None:
    held, seed = draw_control_group([1, 2, 3, 4], share=0.5, seed=None)
    assert seed is not None and len(held) == 2
    assert draw_control_group([1, 2, 3, 4], share=0.5, seed=seed)[0] == held


def test_a_control_share_of_one_or_more_is_refused() -> None:
    with pytest.raises(ValidationError, match="Kontrollgruppe"):
        draw_control_group([1], share=1.0, seed=1)
