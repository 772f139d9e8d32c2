"""Messages after an action: success in green, errors in red, warnings in amber."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.messages import MessageLabel
from app.ui.palette import TONE_COLOURS, Tone


def test_a_success_message_is_shown_in_the_success_colour(qtbot: QtBot) -> None:
    label = MessageLabel()
    qtbot.addWidget(label)
    label.success("Gespeichert.")
    assert label.tone() is Tone.SUCCESS
    assert TONE_COLOURS[Tone.SUCCESS] in label.styleSheet()
    assert TONE_COLOURS[Tone.ERROR] not in label.styleSheet()


def test_an_error_after_a_success_turns_red_and_bold(qtbot: QtBot) -> None:
    label = MessageLabel()
    qtbot.addWidget(label)
    label.success("Gespeichert.")
    label.error("Betrag fehlt.")
    assert label.tone() is Tone.ERROR
    assert label.text() == "Betrag fehlt."
    assert TONE_COLOURS[Tone.ERROR] in label.styleSheet()
    assert "bold" in label.styleSheet()


def test_a_plain_hint_after_an_error_is_neutral(qtbot: QtBot) -> None:
    label = MessageLabel()
    qtbot.addWidget(label)
    label.error("Betrag fehlt.")
    label.setText("Bitte zuerst eine Zeile wählen.")
    assert label.tone() is Tone.INFO
    assert TONE_COLOURS[Tone.ERROR] not in label.styleSheet()


def test_success_error_and_warning_have_three_different_colours() -> None:
    colours = {TONE_COLOURS[tone] for tone in (Tone.SUCCESS, Tone.ERROR, Tone.WARNING)}
    assert len(colours) == 3
