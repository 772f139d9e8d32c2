"""Address labels on A4 label sheets and addressed envelopes (DL, C6, C5).

Sheet layouts are data (`LABEL_SHEETS`): a new sheet is one more entry. Printers shift a few
tenths of a millimetre, so every sheet has user offsets (stored in the settings under
`label_offsets`), and printing can start at any label of a partly used sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.db import Database
from app.services.clock import Clock
from app.services.company import CompanyProfile, CompanyProfileService
from app.services.errors import ValidationError
from app.services.letters.layout import (
    ADDRESS_FIELD_HEIGHT,
    ADDRESS_FIELD_WIDTH,
    NOTE_ZONE_HEIGHT,
    RETURN_ZONE_HEIGHT,
    recipient_block,
)
from app.services.letters.recipients import ExcludedCustomer, RecipientSource
from app.services.letters.service import exclusion, load_recipients
from app.services.pdf import fonts as pdf_fonts
from app.services.privacy.contact_policy import Channel, Purpose, decide_many
from app.services.settings import SettingsService

OFFSETS_KEY = "label_offsets"
LABEL_SIZE = 9.5  # points
MIN_LABEL_SIZE = 8.0  # below this an address is hard to read: wrap instead of shrinking
LEADING = 1.2  # line height as a multiple of the font size
invalid = ValidationError.labelled({
    "sheet": "Etikettenbogen", "start": "Startposition", "envelope": "Umschlag",
})


@dataclass(frozen=True)
class LabelSheet:
    """An A4 label sheet; all lengths in mm from the sheet's top-left corner."""

    key: str
    name: str
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float  # first label's left edge
    top: float  # first label's top edge
    column_pitch: float
    row_pitch: float
    padding: float = 5.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Top-left corner (mm) of label `index` (0-based, row by row)."""
        row, column = divmod(index % self.per_sheet, self.columns)
        return (self.left + column * self.column_pitch, self.top + row * self.row_pitch)


LABEL_SHEETS: dict[str, LabelSheet] = {
    sheet.key: sheet for sheet in (
        LabelSheet("3474", "Avery Zweckform 3474 (3 × 8, 70 × 37 mm)", 3, 8, 70.0, 37.0,
                   left=0.0, top=0.5, column_pitch=70.0, row_pitch=37.0),
        LabelSheet("3475", "Avery Zweckform 3475 (3 × 8, 70 × 36 mm)", 3, 8, 70.0, 36.0,
                   left=0.0, top=4.5, column_pitch=70.0, row_pitch=36.0),
        LabelSheet("L7163", "Avery L7163 (2 × 7, 99,1 × 38,1 mm)", 2, 7, 99.1, 38.1,
                   left=4.65, top=15.15, column_pitch=101.6, row_pitch=38.1),
    )
}


@dataclass(frozen=True)
class Envelope:
    """An envelope printed landscape; the address field sits bottom right (Deutsche Post:
    ≥ 15 mm from the bottom edge, clear of the franking zone at the top right)."""

    key: str
    name: str
    width: float
    height: float
    right_margin: float = 20.0
    bottom_margin: float = 15.0

    @property
    def field_left(self) -> float:
        return self.width - self.right_margin - ADDRESS_FIELD_WIDTH

    @property
    def field_top(self) -> float:
        return self.height - self.bottom_margin - ADDRESS_FIELD_HEIGHT


ENVELOPES: dict[str, Envelope] = {
    e.key: e for e in (
        Envelope("DL", "DIN lang (220 × 110 mm)", 220.0, 110.0),
        Envelope("C6", "C6 (162 × 114 mm)", 162.0, 114.0, right_margin=15.0),
        Envelope("C5", "C5 (229 × 162 mm)", 229.0, 162.0),
    )
}


@dataclass(frozen=True)
class PrintResult:
    """What was printed where, and who was left out (and why)."""

    path: str
    printed: int
    pages: int
    excluded: tuple[ExcludedCustomer, ...]


def label_lines(lines: Sequence[str], font: str, width: float) -> list[tuple[str, float]]:
    """The lines of one label with their font sizes (points), each fitting `width`.

    A line too long for LABEL_SIZE shrinks, but never below MIN_LABEL_SIZE (smaller print is
    hard to read on an envelope); what is still too long wraps onto a second line at that size
    (a long company name), and only a second line that is still too long is cut with "…"."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.services.pdf.letterhead import fitted

    printed: list[tuple[str, float]] = []
    for line in lines:
        text, size = fitted(line, font, LABEL_SIZE, width, min_size=MIN_LABEL_SIZE)
        if text == line:
            printed.append((text, size))
            continue
        first, *rest = simpleSplit(line, font, MIN_LABEL_SIZE, width) or [line]
        if stringWidth(first, font, MIN_LABEL_SIZE) > width:  # one word longer than the label
            first, rest = fitted(first, font, MIN_LABEL_SIZE, width,
                                 min_size=MIN_LABEL_SIZE)[0], []
        printed.append((first, MIN_LABEL_SIZE))
        if rest:
            second, _size = fitted(" ".join(rest), font, MIN_LABEL_SIZE, width,
                                   min_size=MIN_LABEL_SIZE)
            printed.append((second, MIN_LABEL_SIZE))
    return printed


def labels_pdf(out: Path, blocks: Sequence[tuple[str, ...]], sheet: LabelSheet, *,
               start: int = 1, offset: tuple[float, float] = (0.0, 0.0)) -> int:
    """Draw one address per label from label `start` (1-based); returns the sheet count."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    if not 1 <= start <= sheet.per_sheet:
        raise invalid({"start": f"Startposition 1 bis {sheet.per_sheet} angeben"})
    font = pdf_fonts.register()
    canvas = Canvas(str(out), pagesize=(210 * mm, 297 * mm), pageCompression=1)
    canvas.setTitle(f"Etiketten {sheet.name}")
    sheets = 1
    width = (sheet.label_width - 2 * sheet.padding) * mm
    for n, lines in enumerate(blocks):
        index = start - 1 + n
        if n and index % sheet.per_sheet == 0:
            canvas.showPage()
            sheets += 1
        left, top = sheet.origin(index)
        left += offset[0]
        top += offset[1]
        printed = label_lines(lines, font, width)
        block_height = sum(size * LEADING for _text, size in printed)
        y = (297 - top) * mm - (sheet.label_height * mm - block_height) / 2
        for text, size in printed:
            y -= size * LEADING
            canvas.setFont(font, size)
            canvas.drawString((left + sheet.padding) * mm, y + (LEADING - 1) * size, text)
    canvas.showPage()
    canvas.save()
    return sheets


def envelopes_pdf(out: Path, blocks: Sequence[tuple[str, ...]], envelope: Envelope,
                  sender: CompanyProfile) -> int:
    """One envelope per page: sender top left, recipient in the address field's lower zone."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from app.services.pdf.letterhead import fitted, sender_lines

    font = pdf_fonts.register()
    canvas = Canvas(str(out), pagesize=(envelope.width * mm, envelope.height * mm),
                    pageCompression=1)
    canvas.setTitle(f"Umschläge {envelope.name}")
    height = envelope.height
    sender_block = sender_lines(sender)
    field_width = (ADDRESS_FIELD_WIDTH - 7) * mm
    for lines in blocks:
        y = (height - 10) * mm - 8
        for number, line in enumerate(sender_block):
            canvas.setFont(pdf_fonts.BOLD if number == 0 else font, 8)
            canvas.drawString(10 * mm, y, line)
            y -= 10
        x = (envelope.field_left + 5) * mm
        if sender.return_address:
            text, small = fitted(sender.return_address, font, 7, field_width, min_size=5.5)
            canvas.setFont(font, small)
            canvas.drawString(x, (height - envelope.field_top - 3.5) * mm, text)
        zone_top = envelope.field_top + RETURN_ZONE_HEIGHT + NOTE_ZONE_HEIGHT
        y = (height - zone_top) * mm - 10
        for line in lines:
            text, size = fitted(line, font, 10, field_width)
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
            y -= 12
        canvas.showPage()
    canvas.save()
    return len(blocks)


class LabelService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 company: CompanyProfileService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.company = company

    def offsets(self, sheet_key: str) -> tuple[float, float]:
        stored = self.settings.get(OFFSETS_KEY, {}).get(sheet_key, [0.0, 0.0])
        return (float(stored[0]), float(stored[1]))

    def set_offsets(self, sheet_key: str, *, x: float, y: float) -> None:
        if sheet_key not in LABEL_SHEETS:
            raise invalid({"sheet": f"unbekannter Etikettenbogen „{sheet_key}“"})
        if abs(x) > 10 or abs(y) > 10:
            raise invalid({"sheet": "Versatz höchstens ±10 mm"})
        offsets = dict(self.settings.get(OFFSETS_KEY, {}))
        offsets[sheet_key] = [x, y]
        self.settings.set(OFFSETS_KEY, offsets)

    def _blocks(self, source: RecipientSource, purpose: Purpose
                ) -> tuple[list[tuple[str, ...]], tuple[ExcludedCustomer, ...]]:
        """Usable addresses in postcode order; the ones the contact policy holds back for
        `purpose`, or the post cannot deliver to, listed with the reason."""
        with self.db.read() as session:
            ids = source.customer_ids(session)
            data = load_recipients(session, ids)
            decisions = decide_many(session, ids, channel=Channel.LETTER, purpose=purpose,
                                    today=self.clock.today())
        excluded = []
        usable = []
        for cid in ids:
            r = data[cid]
            reason = exclusion(r, decisions[cid])
            if reason:
                excluded.append(ExcludedCustomer(cid, r.number, r.name, reason))
            else:
                usable.append(r)
        usable.sort(key=lambda r: r.sort_key())
        return [recipient_block(r.address) for r in usable], tuple(excluded)

    def print_labels(self, source: RecipientSource, *, sheet_key: str, out: Path,
                     start: int = 1, purpose: Purpose = Purpose.ADVERTISING) -> PrintResult:
        """Labels for what `purpose` says the letters inside are (advertising unless told
        otherwise: the stricter answer)."""
        sheet = LABEL_SHEETS.get(sheet_key)
        if sheet is None:
            raise invalid({"sheet": f"unbekannter Etikettenbogen „{sheet_key}“ "
                                            f"(bekannt: {', '.join(LABEL_SHEETS)})"})
        blocks, excluded = self._blocks(source, purpose)
        if not blocks:
            raise invalid({"sheet": "keine Anschriften zu drucken"})
        pages = labels_pdf(out, blocks, sheet, start=start, offset=self.offsets(sheet_key))
        return PrintResult(str(out), len(blocks), pages, excluded)

    def print_envelopes(self, source: RecipientSource, *, size: str, out: Path,
                        purpose: Purpose = Purpose.ADVERTISING) -> PrintResult:
        envelope = ENVELOPES.get(size.upper())
        if envelope is None:
            raise invalid({"envelope": f"unbekannter Umschlag „{size}“ (DL, C6, C5)"})
        blocks, excluded = self._blocks(source, purpose)
        if not blocks:
            raise invalid({"envelope": "keine Anschriften zu drucken"})
        pages = envelopes_pdf(out, blocks, envelope, self.company.get())
        return PrintResult(str(out), len(blocks), pages, excluded)
