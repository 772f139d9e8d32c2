"""The one-line answer a page gives after an action: success green, error red, warning amber.

Every page shows the outcome of its buttons in a `MessageLabel`, so a voucher redeemed is never
reported in the colour of a refusal. Colours come from `app.ui.palette`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.ui.palette import TONE_COLOURS, Tone


def tone_style(tone: Tone) -> str:
    """The style sheet of a text in this tone (bold for errors, so colour is not the only cue)."""
    weight = "font-weight: bold;" if tone is Tone.ERROR else ""
    return f"color: {TONE_COLOURS[tone]};{weight}"


class MessageLabel(QLabel):
    """A wrapped label whose colour follows what it says; `tone()` tells which it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._tone = Tone.INFO

    def tone(self) -> Tone:
        return self._tone

    def show_message(self, text: str, tone: Tone) -> None:
        self._tone = tone
        self.setStyleSheet(tone_style(tone))
        super().setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        """Plain text (a hint such as "Bitte eine Zeile wählen") is neutral, never the colour
        of the message before it."""
        self.show_message(text, Tone.INFO)

    def clear(self) -> None:
        self.show_message("", Tone.INFO)

    def success(self, text: str) -> None:
        self.show_message(text, Tone.SUCCESS)

    def error(self, text: str) -> None:
        self.show_message(text, Tone.ERROR)

    def warning(self, text: str) -> None:
        self.show_message(text, Tone.WARNING)

    def info(self, text: str) -> None:
        self.show_message(text, Tone.INFO)
