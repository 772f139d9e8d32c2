from __future__ import annotations

from datetime import date

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.sales.feedback import nps


def customer(services: Services, name: str = "Müller") -> int:
    return services.customers.create(CustomerInput(last_name=name, first_name="Anna")).id


def test_nps_with_only_passives_is_zero() -> None:
    result = nps([7, 8, 7, 8])
    assert (result.score, result.passives, result.answers) == (0.0, 4, 4)


def test_nps_is_promoter_share_minus_detractor_share() -> None:
    result = nps([10, 10, 9, 3, 8])  # 3 promoters, 1 passive, 1 detractor of 5
    assert (result.score, result.promoters, result.detractors) == (40.0, 3, 1)


def test_nps_counts_six_as_detractor_and_nine_as_promoter() -> None:
    assert nps([6]).score == -100.0
    assert nps([9]).score == 100.0


def test_nps_of_no_answers_is_none() -> None:
    assert nps([]).score is None


@pytest.mark.parametrize(("kind", "score"), [("nps", 0), ("nps", 10), ("csat", 1), ("csat", 5),
                                             ("ces", 1), ("ces", 7)])
def test_scores_at_the_ends_of_each_scale_are_accepted(services: Services, kind: str,
                                                      score: int) -> None:
    cid = customer(services)
    saved = services.feedback.record_score(cid, kind=kind, score=score)
    assert (saved.kind, saved.score, saved.given_on) == (kind, score, date(2026, 3, 15))


@pytest.mark.parametrize(("kind", "score", "range_text"), [
    ("nps", -1, "von 0 bis 10"), ("nps", 11, "von 0 bis 10"), ("csat", 0, "von 1 bis 5"),
    ("csat", 6, "von 1 bis 5"), ("ces", 0, "von 1 bis 7"), ("ces", 8, "von 1 bis 7"),
    ("ces", None, "von 1 bis 7"), ("nps", 9.5, "von 0 bis 10"),
])
def test_a_score_outside_its_scale_is_refused_naming_the_range(
    services: Services, kind: str, score: float | None, range_text: str,
) -> None:
    cid = customer(services)
    with pytest.raises(ValidationError) as err:
        services.feedback.record_score(cid, kind=kind, score=score)  # type: ignore[arg-type]
    assert range_text in err.value.fields["score"]
    assert "Bewertung" in err.value.message
    assert services.feedback.scores(cid) == []


def test_an_unknown_kind_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.feedback.record_score(customer(services), kind="stars", score=3)
    assert "NPS, CSAT oder CES" in err.value.fields["feedback_kind"]


def test_a_score_for_a_future_day_or_unknown_customer_is_refused(services: Services) -> None:
    cid = customer(services)
    with pytest.raises(ValidationError):
        services.feedback.record_score(cid, kind="nps", score=9, given_on=date(2026, 3, 16))
    with pytest.raises(NotFoundError):
        services.feedback.record_score(cid + 1, kind="nps", score=9)


def test_kpis_count_only_scores_in_the_period(services: Services) -> None:
    cid = customer(services)
    for score, day in ((10, date(2026, 1, 5)), (9, date(2026, 2, 1)), (2, date(2026, 2, 28)),
                       (0, date(2025, 12, 31))):
        services.feedback.record_score(cid, kind="nps", score=score, given_on=day)
    services.feedback.record_score(cid, kind="csat", score=4, given_on=date(2026, 1, 5))
    services.feedback.record_score(cid, kind="csat", score=5, given_on=date(2026, 1, 6))
    services.feedback.record_score(cid, kind="ces", score=2, given_on=date(2026, 1, 6))
    kpis = services.feedback.kpis(start=date(2026, 1, 1), end=date(2026, 3, 15))
    assert kpis.nps.score == pytest.approx(33.3)  # 2 promoters, 1 detractor of 3
    assert (kpis.csat_average, kpis.csat_answers) == (4.5, 2)
    assert (kpis.ces_average, kpis.ces_answers) == (2.0, 1)


def test_kpis_of_an_empty_period_have_no_values(services: Services) -> None:
    cid = customer(services)
    services.feedback.record_score(cid, kind="nps", score=10, given_on=date(2025, 1, 1))
    kpis = services.feedback.kpis(start=date(2026, 1, 1), end=date(2026, 3, 15))
    assert (kpis.nps.score, kpis.nps.answers, kpis.csat_average, kpis.ces_average) == (
        None, 0, None, None)


def test_a_complaint_is_open_with_its_age_and_in_the_timeline(services: Services) -> None:
    cid = customer(services)
    complaint = services.feedback.open_complaint(cid, subject="Heizkörper kalt",
                                                 text="Seit Montag", opened_on=date(2026, 3, 1),
                                                 by="Meister Krause")
    assert complaint.status_label == "offen"
    entry = services.timeline.entries(cid)[0]
    assert (entry.channel, entry.subject, entry.author) == (
        "complaint", "Reklamation: Heizkörper kalt", "Meister Krause")
    kpis = services.feedback.kpis(start=date(2026, 1, 1), end=date(2026, 3, 15))
    assert [(c.subject, c.age_days, c.customer_name) for c in kpis.open_complaints] == [
        ("Heizkörper kalt", 14, "Müller, Anna")]


def test_a_resolved_complaint_is_done_with_its_resolution_and_no_longer_open(
    services: Services,
) -> None:
    cid = customer(services)
    complaint = services.feedback.open_complaint(cid, subject="Tür klemmt",
                                                 opened_on=date(2026, 3, 1))
    done = services.feedback.resolve_complaint(complaint.id, resolution="Scharnier getauscht")
    assert (done.status_label, done.resolution, done.resolved_on) == (
        "erledigt", "Scharnier getauscht", date(2026, 3, 15))
    assert services.timeline.entries(cid)[0].subject == "Reklamation erledigt: Tür klemmt"
    kpis = services.feedback.kpis(start=date(2026, 1, 1), end=date(2026, 3, 15))
    assert kpis.open_complaints == ()


def test_a_complaint_needs_a_subject_and_closing_it_needs_a_resolution(
    services: Services,
) -> None:
    cid = customer(services)
    with pytest.raises(ValidationError) as err:
        services.feedback.open_complaint(cid, subject="  ")
    assert "subject" in err.value.fields
    complaint = services.feedback.open_complaint(cid, subject="Tür klemmt")
    with pytest.raises(ValidationError) as err:
        services.feedback.resolve_complaint(complaint.id, resolution="")
    assert "Lösung" in err.value.message
    assert services.feedback.complaints(cid)[0].status == "open"


def test_a_done_complaint_cannot_be_closed_twice(services: Services) -> None:
    complaint = services.feedback.open_complaint(customer(services), subject="Tür klemmt")
    services.feedback.resolve_complaint(complaint.id, resolution="erledigt")
    with pytest.raises(ConflictError) as err:
        services.feedback.resolve_complaint(complaint.id, resolution="nochmal")
    assert "bereits erledigt" in err.value.message
