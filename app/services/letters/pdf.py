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
from reportlab.pdfbase.pdfmetrics import stringWidth
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


def fitted(text: str, font: str, size: float, width: float, *, min_size: float = 8.0
           ) -> tuple[str, float]:
    """Shrink the font down to `min_size`, then cut with "…", so a line fits `width`."""
    while size > min_size and stringWidth(text, font, size) > width:
        size -= 0.5
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…", size


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
        c, p = self.canvas, self.profile
        head = self.form.letterhead_height
        baseline = min(20.0, head - 10.0)
        if p.name:
            name, size = fitted(p.name, self.bold, 16, 110 * mm, min_size=11)
            c.setFont(self.bold, size)
            c.drawString(LEFT_MARGIN * mm, _y(baseline), name)
        place = " ".join(x for x in (p.postcode, p.city) if x)
        contact = " · ".join(x for x in (p.street, place, p.phone and f"Tel. {p.phone}",
                                         p.email) if x)
        if contact:
            text, size = fitted(contact, self.regular, 8, 110 * mm, min_size=6)
            c.setFont(self.regular, size)
            c.drawString(LEFT_MARGIN * mm, _y(baseline + 5), text)
        if p.logo_path and Path(p.logo_path).is_file():
            self._logo(Path(p.logo_path), box_w=55 * mm, box_h=(head - 15) * mm,
                       right=(PAGE_WIDTH - RIGHT_MARGIN) * mm, top=_y(8))

    def _logo(self, path: Path, *, box_w: float, box_h: float, right: float, top: float) -> None:
        c = self.canvas
        if path.suffix.lower() == ".svg":
            from reportlab.graphics import renderPDF
            from svglib.svglib import svg2rlg

            drawing = svg2rlg(str(path))
            if drawing is None or not drawing.width or not drawing.height:
                return
            scale = min(box_w / drawing.width, box_h / drawing.height)
            drawing.scale(scale, scale)
            width, height = drawing.width * scale, drawing.height * scale
            renderPDF.draw(drawing, c, right - width, top - height)
            return
        c.drawImage(str(path), right - box_w, top - box_h, box_w, box_h,
                    preserveAspectRatio=True, anchor="ne", mask="auto")

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
        c, p = self.canvas, self.profile
        place = " ".join(x for x in (p.postcode, p.city) if x)
        columns = [
            [p.name, p.street, place],
            [p.phone and f"Tel. {p.phone}", p.email, p.web],
            [p.bank, p.iban and f"IBAN {p.iban}", p.bic and f"BIC {p.bic}"],
            [p.managing_director, p.register, p.tax_number and f"St.-Nr. {p.tax_number}",
             p.vat_id and f"USt-IdNr. {p.vat_id}"],
        ]
        columns = [[line for line in col if line] for col in columns]
        columns = [col for col in columns if col]
        if not columns:
            return
        c.setLineWidth(0.3)
        c.line(LEFT_MARGIN * mm, _y(FOOTER_TOP), (PAGE_WIDTH - RIGHT_MARGIN) * mm, _y(FOOTER_TOP))
        size = 7.0
        gap = 4 * mm

        def needed(at: float) -> list[float]:
            return [max(stringWidth(line, self.regular, at) for line in col) for col in columns]

        while size > 5 and sum(needed(size)) + gap * (len(columns) - 1) > TEXT_WIDTH:
            size -= 0.25
        widths = needed(size)
        spare = (TEXT_WIDTH - sum(widths)) / max(1, len(columns) - 1)
        x = LEFT_MARGIN * mm
        c.setFont(self.regular, size)
        for col, width in zip(columns, widths, strict=True):
            for row, line in enumerate(col):
                c.drawString(x, _y(FOOTER_TOP + 3.5) - row * size * 1.25, line)
            x += width + spare

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
