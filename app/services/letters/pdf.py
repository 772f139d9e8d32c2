"""Writing DIN 5008 letters into a PDF with reportlab's canvas.

Why the canvas and not platypus: a serial letter of 5,000 pages must take seconds, and a
letter needs no more than left-aligned paragraphs (DIN 5008 prefers ragged right). The text is
wrapped with `simpleSplit`, so the page count of each letter is known before it is drawn —
which "Seite 1 von 2" needs. The letterhead, footer, return-address line and the fold and hole
marks are the same on every letter: they are drawn once as PDF form XObjects and only
referenced per page, so the file stays small and the font is embedded once.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.services.company import CompanyProfile
from app.services.letters.layout import (
    ADDRESS_FIELD_LEFT,
    ADDRESS_FIELD_WIDTH,
    BODY_BOTTOM,
    FOOTER_TOP,
    FORM_B,
    HOLE_MARK,
    INFO_BLOCK_LEFT,
    LEFT_MARGIN,
    NEXT_PAGE_BODY_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT_MARGIN,
    LetterForm,
)
from app.services.pdf import fonts as pdf_fonts
from app.services.pdf.letterhead import HeadStyle, draw_footer, draw_head, fitted

BODY_SIZE = 10.5
BODY_LEADING = 14.0  # points
ADDRESS_SIZE = 10.0
ADDRESS_LEADING = 12.0
TEXT_WIDTH = (PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN) * mm
ADDRESS_TEXT_WIDTH = (ADDRESS_FIELD_LEFT + ADDRESS_FIELD_WIDTH - LEFT_MARGIN - 2) * mm


@dataclass(frozen=True)
class LetterContent:
    """One rendered letter: the recipient block, the information block and the text."""

    recipient: tuple[str, ...]
    subject: str
    body: str
    info: tuple[tuple[str, str], ...] = ()


def _y(top_mm: float) -> float:
    """A distance from the top edge in mm → reportlab's y in points."""
    return (PAGE_HEIGHT - top_mm) * mm


class LetterWriter:
    """Letters appended one after the other to one PDF (a single letter or a mailing)."""

    def __init__(self, target: str | Path | BinaryIO, profile: CompanyProfile, *,
                 form: LetterForm = FORM_B, title: str = "Brief") -> None:
        self.regular = pdf_fonts.register()
        self.bold = pdf_fonts.BOLD
        self.profile = profile
        self.form = form
        self.pages = 0
        self.letters = 0
        # Serial letters repeat most paragraphs word for word: wrap each text only once.
        self._wrapped: dict[tuple[str, str], list[str]] = {}
        self.canvas = Canvas(str(target) if isinstance(target, Path) else target,
                             pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(profile.name)
        self.canvas.setCreator("Stammkunde")
        self._define_forms()

    # --- the parts every letter shares ------------------------------------------------

    def _define_forms(self) -> None:
        c = self.canvas
        c.beginForm("first_page")
        self._letterhead()
        self._return_address()
        self._marks()
        self._footer()
        c.endForm()
        c.beginForm("next_page")
        c.setFont(self.regular, 8)
        c.drawString(LEFT_MARGIN * mm, _y(12), self.profile.name)
        self._footer()
        c.endForm()

    def _letterhead(self) -> None:
        head = self.form.letterhead_height
        baseline = min(20.0, head - 10.0)
        style = HeadStyle(name_size=16, name_min=11, name_drop=(baseline - 8) * mm,
                          logo_w=55 * mm, logo_h=(head - 15) * mm, logo_right=True,
                          contact_size=8, contact_drop=(baseline - 3) * mm,
                          text_width=110 * mm)
        draw_head(self.canvas, self.profile, style, left=LEFT_MARGIN * mm, top=_y(8),
                  width=TEXT_WIDTH)

    def _return_address(self) -> None:
        line = self.profile.return_address
        if line:
            text, size = fitted(line, self.regular, 7, ADDRESS_TEXT_WIDTH, min_size=5.5)
            self.canvas.setFont(self.regular, size)
            self.canvas.drawString(LEFT_MARGIN * mm, _y(self.form.address_top + 3.5), text)

    def _marks(self) -> None:
        """Fold marks (Falzmarken) and the hole mark (Lochmarke) at the left edge."""
        c = self.canvas
        c.setLineWidth(0.3)
        for fold in self.form.fold_marks:
            c.line(4 * mm, _y(fold), 9 * mm, _y(fold))
        c.line(4 * mm, _y(HOLE_MARK), 11 * mm, _y(HOLE_MARK))

    def _footer(self) -> None:
        draw_footer(self.canvas, self.profile, left=LEFT_MARGIN * mm, width=TEXT_WIDTH,
                    top=_y(FOOTER_TOP))

    # --- one letter -------------------------------------------------------------------

    def _wrap(self, text: str, font: str) -> list[str]:
        key = (text, font)
        lines = self._wrapped.get(key)
        if lines is None:
            if len(self._wrapped) > 4096:
                self._wrapped.clear()
            lines = simpleSplit(text, font, BODY_SIZE, TEXT_WIDTH) or [""]
            self._wrapped[key] = lines
        return lines

    def _body_lines(self, letter: LetterContent) -> list[tuple[str, str]]:
        """(font, text) per body line; blank lines are ("", "")."""
        lines: list[tuple[str, str]] = []
        if letter.subject.strip():
            lines += [(self.bold, part) for part in self._wrap(letter.subject.strip(), self.bold)]
            lines += [("", ""), ("", "")]
        for raw in letter.body.strip("\n").splitlines():
            raw = raw.rstrip()
            if not raw:
                lines.append(("", ""))
                continue
            lines += [(self.regular, part) for part in self._wrap(raw, self.regular)]
        return lines

    def _paginate(self, lines: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
        leading_mm = BODY_LEADING / mm
        first = int((BODY_BOTTOM - self.form.body_top) / leading_mm)
        later = int((BODY_BOTTOM - NEXT_PAGE_BODY_TOP) / leading_mm)
        pages: list[list[tuple[str, str]]] = []
        rest = lines
        capacity = first
        while rest or not pages:
            page, rest = rest[:capacity], rest[capacity:]
            pages.append(page)
            while rest and not rest[0][1]:
                rest = rest[1:]  # a new page never starts with a blank line
            capacity = later
        return pages

    def add(self, letter: LetterContent) -> int:
        """Append one letter; returns its number of pages."""
        c = self.canvas
        pages = self._paginate(self._body_lines(letter))
        for number, lines in enumerate(pages, start=1):
            if number == 1:
                c.doForm("first_page")
                self._recipient(letter.recipient)
                self._info(letter.info)
                top = self.form.body_top
            else:
                c.doForm("next_page")
                top = NEXT_PAGE_BODY_TOP
            text = c.beginText(LEFT_MARGIN * mm, _y(top) - BODY_SIZE)
            text.setLeading(BODY_LEADING)
            current = ""
            for font, line in lines:
                if font and font != current:
                    text.setFont(font, BODY_SIZE, BODY_LEADING)
                    current = font
                text.textLine(line)
            c.drawText(text)
            if len(pages) > 1:
                c.setFont(self.regular, 8)
                c.drawRightString((PAGE_WIDTH - RIGHT_MARGIN) * mm, _y(FOOTER_TOP - 4),
                                  f"Seite {number} von {len(pages)}")
            c.showPage()
        self.pages += len(pages)
        self.letters += 1
        return len(pages)

    def _place(self, rows: list[tuple[float, float, float, str]]) -> None:
        """Draw (x, y, size, text) rows in one text object (cheaper than drawString each)."""
        text = self.canvas.beginText()
        current = 0.0
        for x, y, size, line in rows:
            if size != current:
                text.setFont(self.regular, size)
                current = size
            text.setTextOrigin(x, y)
            text.textOut(line)
        self.canvas.drawText(text)

    def _recipient(self, lines: tuple[str, ...]) -> None:
        y = _y(self.form.address_zone_top) - ADDRESS_SIZE
        rows = []
        for line in lines:
            text, size = fitted(line, self.regular, ADDRESS_SIZE, ADDRESS_TEXT_WIDTH)
            rows.append((LEFT_MARGIN * mm, y, size, text))
            y -= ADDRESS_LEADING
        self._place(rows)

    def _info(self, info: tuple[tuple[str, str], ...]) -> None:
        y = _y(self.form.info_top) - 8
        label_x = INFO_BLOCK_LEFT * mm
        value_x = (INFO_BLOCK_LEFT + 27) * mm
        width = (PAGE_WIDTH - RIGHT_MARGIN - INFO_BLOCK_LEFT - 27) * mm
        rows = []
        for label, value in info:
            rows.append((label_x, y, 8.0, label))
            text, size = fitted(value, self.regular, 8, width, min_size=6)
            rows.append((value_x, y, size, text))
            y -= 11
        self._place(rows)

    def close(self) -> None:
        self.canvas.save()


def letters_pdf(letters: Iterable[LetterContent], profile: CompanyProfile, *,
                form: LetterForm = FORM_B) -> bytes:
    """A few letters as PDF bytes (preview, tests)."""
    buffer = io.BytesIO()
    writer = LetterWriter(buffer, profile, form=form)
    for letter in letters:
        writer.add(letter)
    writer.close()
    return buffer.getvalue()
