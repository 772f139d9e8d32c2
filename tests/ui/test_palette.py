"""Every text and badge colour the window uses is readable: WCAG 2.1 AA, at least 4.5:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.ui.application import apply_palette
from app.ui.palette import CLASS_BADGES, contrast_ratio, text_pairs

AA_NORMAL_TEXT = 4.5


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_the_old_grey_c_badge_would_fail() -> None:
    assert contrast_ratio("#ffffff", "#9e9e9e") < AA_NORMAL_TEXT


@pytest.mark.parametrize(("what", "foreground", "background"), text_pairs(),
                         ids=[pair[0] for pair in text_pairs()])
def test_every_colour_pair_reaches_aa_contrast(what: str, foreground: str,
                                               background: str) -> None:
    ratio = contrast_ratio(foreground, background)
    assert ratio >= AA_NORMAL_TEXT, f"{what}: {foreground} auf {background} hat nur {ratio:.2f}:1"


def test_every_class_has_a_badge_and_every_badge_is_checked() -> None:
    checked = {what for what, _fg, _bg in text_pairs()}
    assert set(CLASS_BADGES) == {"A", "B", "C"}
    assert all(f"Klasse {name}" in checked for name in CLASS_BADGES)


def test_no_widget_spells_a_colour_of_its_own() -> None:
    ui = Path(__file__).resolve().parents[2] / "app" / "ui"
    spelled = {str(path.relative_to(ui)): found for path in sorted(ui.rglob("*.py"))
               if path.name != "palette.py"
               and (found := re.findall(r"#[0-9a-fA-F]{6}\b|QColor\(\d", path.read_text("utf-8")))}
    assert spelled == {}


def test_the_application_draws_selected_rows_in_the_readable_blue(qapp: QApplication) -> None:
    before = qapp.palette()
    try:
        apply_palette(qapp)
        palette = qapp.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight).name()
        text = palette.color(QPalette.ColorRole.HighlightedText).name()
        assert contrast_ratio(text, highlight) >= AA_NORMAL_TEXT
    finally:
        qapp.setPalette(before)
