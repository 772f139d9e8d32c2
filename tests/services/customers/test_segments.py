from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services import timeline
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerFilter, CustomerInput
from app.services.customers.segments import SegmentSpec
from app.services.errors import NotFoundError, ValidationError
from app.services.sales.service import SaleInput


@pytest.fixture
def people(services: Services) -> dict[str, int]:
    """Four customers: classes from their sales, places, tags and birthdays differ."""
    data = {
        "anna": CustomerInput(last_name="Anna", postcode="01067", city="Dresden",
                              tags=("Wartungsvertrag",), birthday=Birthday(3, 5, 1970)),
        "bert": CustomerInput(last_name="Bert", postcode="01999", city="Dresden",
                              birthday=Birthday(9, 12)),
        "carl": CustomerInput(last_name="Carl", postcode="02000", city="Görlitz",
                              tags=("Vermieter",)),
        "dora": CustomerInput(last_name="Dora", postcode="10115", city="Berlin"),
    }
    ids = {key: services.customers.create(value).id for key, value in data.items()}
    services.sales.add(ids["anna"], SaleInput(date(2026, 3, 1), 90_000, "", "RE-1"))
    services.sales.add(ids["bert"], SaleInput(date(2026, 3, 1), 9_000, "", "RE-2"))
    services.sales.add(ids["carl"], SaleInput(date(2024, 1, 1), 1_000, "", "RE-3"))
    services.classification.recompute()
    return ids


def test_a_saved_segment_combines_its_filters(services: Services,
                                              people: dict[str, int]) -> None:
    spec = SegmentSpec(abc_classes=("A", "B"), postcode_from="01000", postcode_to="01999",
                       city="Dresden")
    saved = services.segments.save("Dresden A/B", spec)
    assert saved.description == "Klasse A, B; PLZ 01000–01999; Ort Dresden"
    assert services.segments.customer_ids("Dresden A/B") == [people["anna"], people["bert"]]
    assert services.segments.count("Dresden A/B") == 2
    assert [s.name for s in services.segments.saved()] == ["Dresden A/B"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (SegmentSpec(abc_classes=("C",)), ["carl", "dora"]),
        (SegmentSpec(at_risk=True), ["carl"]),
        (SegmentSpec(rfm_segments=("hibernating", "at_risk")), ["carl"]),
        (SegmentSpec(tags=("Vermieter", "Wartungsvertrag")), ["anna", "carl"]),
        (SegmentSpec(postcode_to="01999"), ["anna", "bert"]),
        (SegmentSpec(birthday_months=(5, 12)), ["anna", "bert"]),
        (SegmentSpec(city="Berlin"), ["dora"]),
        (SegmentSpec(), ["anna", "bert", "carl", "dora"]),
    ],
)
def test_each_filter_of_a_segment_selects_its_customers(
    services: Services, people: dict[str, int], spec: SegmentSpec, expected: list[str]
) -> None:
    names = {v: k for k, v in people.items()}
    assert [names[i] for i in services.segments.customer_ids(spec)] == expected


def test_last_contact_age_counts_days_since_the_newest_timeline_entry(
    services: Services, people: dict[str, int]
) -> None:
    now = services.clock.now()
    services.clock.set(now + timedelta(days=100))  # type: ignore[attr-defined]
    services.timeline.add(people["dora"], channel="phone", subject="Anruf")
    quiet = services.segments.customer_ids(SegmentSpec(last_contact_min_days=90))
    recent = services.segments.customer_ids(SegmentSpec(last_contact_max_days=30))
    assert people["dora"] not in quiet and len(quiet) == 3
    assert recent == [people["dora"]]


def test_a_system_entry_is_no_contact_for_the_last_contact_filters(
    services: Services, people: dict[str, int]
) -> None:
    later = services.clock.now() + timedelta(days=200)
    services.clock.set(later)  # type: ignore[attr-defined]
    with services.db.write() as session:
        timeline.record(session, customer_id=people["dora"], channel="system",
                        subject="Klasse C → B", at=later - timedelta(days=1))
        session.commit()
    quiet = SegmentSpec(last_contact_min_days=180)
    recent = SegmentSpec(last_contact_max_days=30)
    assert people["dora"] in services.segments.customer_ids(quiet)
    assert services.segments.customer_ids(recent) == []
    services.timeline.add(people["dora"], channel="phone", subject="Anruf",
                          occurred_at=later - timedelta(days=179))
    assert people["dora"] not in services.segments.customer_ids(quiet)
    assert services.segments.customer_ids(recent) == []


def test_the_customer_list_filters_by_a_saved_segment(
    services: Services, people: dict[str, int]
) -> None:
    services.segments.save("Vermieter", SegmentSpec(tags=("Vermieter",)))
    assert services.customers.ids(CustomerFilter(segment="Vermieter")) == [people["carl"]]
    assert services.customers.count(CustomerFilter(segment="Vermieter", text="Carl")) == 1
    with pytest.raises(NotFoundError):
        services.customers.ids(CustomerFilter(segment="Gibt es nicht"))


def test_saving_under_the_same_name_replaces_the_filter(
    services: Services, people: dict[str, int]
) -> None:
    services.segments.save("Aktion", SegmentSpec(city="Berlin"))
    services.segments.save("Aktion", SegmentSpec(city="Görlitz"))
    assert services.segments.customer_ids("Aktion") == [people["carl"]]
    services.segments.delete("Aktion")
    assert services.segments.saved() == []


@pytest.mark.parametrize(
    ("name", "spec", "field"),
    [
        ("", SegmentSpec(), "name"),
        ("x", SegmentSpec(abc_classes=("D",)), "abc_classes"),
        ("x", SegmentSpec(rfm_segments=("vip",)), "rfm_segments"),
        ("x", SegmentSpec(birthday_months=(13,)), "birthday_months"),
        ("x", SegmentSpec(postcode_from="99999", postcode_to="01000"), "postcode_from"),
    ],
)
def test_an_invalid_segment_is_refused(services: Services, name: str, spec: SegmentSpec,
                                       field: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.segments.save(name, spec)
    assert field in err.value.fields


def test_contact_days_are_described_in_the_right_number() -> None:
    assert SegmentSpec(last_contact_min_days=1, last_contact_max_days=2).describe() == (
        "letzter Kontakt vor mindestens 1 Tag; letzter Kontakt vor höchstens 2 Tagen")
