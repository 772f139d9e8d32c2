"""Folding words for the search index: the short cut for plain ASCII words must give the
spellings the general rule gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services import text

WORDS = ["Müller", "Mueller", "Muller", "MAIER", "Straße", "Hauptstrasse", "Goethe", "Quelle",
         "Aebi", "Koenig", "K", "000123", "kunde4711", "Łódź", "Ærø", "İzmir", "Øre", "ǅemal",
         "²", "١٢٣"]


def general(*values: str) -> set[str]:
    """The rule without the short cut: every word through word_variants."""
    return {v for value in values for word in text.words(value) for v in text.word_variants(word)}


def test_known_words_fold_as_the_general_rule_folds_them() -> None:
    assert text.search_words(*WORDS) == general(*WORDS)
    assert {"muller", "mueller"} <= text.search_words("Müller")
    assert text.search_words("kunde4711@example.de", "K-000123") == {
        "kunde4711", "example", "de", "k", "000123"}


@settings(max_examples=400, deadline=None)
@given(values=st.lists(st.text(st.sampled_from("aeouAEOUäöüßKlmnr 0189-@.ÆłİǅΣ²"),
                               max_size=20), max_size=4))
def test_any_text_folds_as_the_general_rule_folds_it(values: list[str]) -> None:
    assert text.search_words(*values) == general(*values)


@given(value=st.text(st.sampled_from("0123456789 +-/().Ka²١"), max_size=30) | st.text(
    max_size=30))
def test_digits_are_the_digits_of_any_text(value: str) -> None:
    assert text.digits(value) == "".join(ch for ch in value if ch.isdigit())
