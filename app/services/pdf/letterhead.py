"""The letterhead: how the company (`CompanyProfile`) appears on every printed page.

One drawer for letters, vouchers, bonus cards and envelopes: the logo (PNG, JPEG or SVG,
scaled into its box), the company name, one contact line and the DIN 5008 footer columns.
A page type only says where the letterhead sits and how large it is (`HeadStyle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.services.company import CompanyProfile
from app.services.errors import ValidationError
from app.services.pdf import fonts as pdf_fonts

invalid = ValidationError.labelled({"logo_path": "Logo"})


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


def place_line(profile: CompanyProfile) -> str:
    return " ".join(p for p in (profile.postcode, profile.city) if p)


def sender_lines(profile: CompanyProfile) -> list[str]:
    """Name, street, postcode and city: the sender block of an envelope."""
    return [line for line in (profile.name, profile.street, place_line(profile)) if line]


def contact_line(profile: CompanyProfile) -> str:
    """Address, phone and e-mail in one line under the company name."""
    return " · ".join(p for p in (profile.street, place_line(profile),
                                  profile.phone and f"Tel. {profile.phone}", profile.email) if p)


def footer_columns(profile: CompanyProfile) -> list[list[str]]:
    """The DIN 5008 footer: address, contact, bank, legal details (empty ones left out).

    A business letter names the firm with its legal form, seat, register court and number
    and the managing directors (§ 35a GmbHG, § 37a HGB, § 125 HGB); which of them a legal
    form requires, the company profile checks when it is saved."""
    p = profile
    columns = [
        [p.firm, p.street, place_line(p)],
        [p.phone and f"Tel. {p.phone}", p.email, p.web],
        [p.bank, p.iban and f"IBAN {p.iban}", p.bic and f"BIC {p.bic}"],
        [p.managing_director and f"{p.form.director_label}: {p.managing_director}",
         p.seat and f"Sitz: {p.seat}", p.register,
         p.tax_number and f"St.-Nr. {p.tax_number}", p.vat_id and f"USt-IdNr. {p.vat_id}"],
    ]
    return [col for col in ([line for line in c if line] for c in columns) if col]


def draw_logo(canvas: Canvas, logo_path: str, *, x: float, top: float, box_w: float,
              box_h: float, align_right: bool = False) -> float:
    """Draw the logo scaled into the box (aspect kept) with its top at `top`, flush with
    the box's left edge `x` (or its right edge); returns the width drawn, 0 without a logo.

    SVG goes through svglib as vectors; PNG and JPEG through reportlab's image reader.
    A file that is there but cannot be read is an error naming it, never a gap."""
    path = Path(logo_path) if logo_path else None
    if path is None or not path.is_file():
        return 0.0
    if path.suffix.lower() == ".svg":
        from reportlab.graphics import renderPDF
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
        if drawing is None or not drawing.width or not drawing.height:
            raise invalid({"logo_path": f"„{path.name}“ ist keine lesbare SVG-Datei"})
        scale = min(box_w / drawing.width, box_h / drawing.height)
        width, height = drawing.width * scale, drawing.height * scale
        drawing.scale(scale, scale)
        left = x + box_w - width if align_right else x
        renderPDF.draw(drawing, canvas, left, top - height)
        return width
    from PIL import UnidentifiedImageError
    from reportlab.lib.utils import ImageReader

    try:
        image = ImageReader(str(path))
        pixels_w, pixels_h = image.getSize()
    except (OSError, UnidentifiedImageError) as exc:
        raise invalid({"logo_path": f"„{path.name}“ ist kein lesbares Bild ({exc})"}
                      ) from exc
    scale = min(box_w / pixels_w, box_h / pixels_h)
    width, height = pixels_w * scale, pixels_h * scale
    left = x + box_w - width if align_right else x
    canvas.drawImage(image, left, top - height, width, height, mask="auto")
    return width


@dataclass(frozen=True)
class HeadStyle:
    """Where the parts of the letterhead sit, in points from the head's top edge."""

    name_size: float
    name_min: float
    name_drop: float
    logo_w: float
    logo_h: float
    logo_right: bool = False  # letters: logo at the right margin; vouchers, cards: at the left
    contact_size: float = 0.0  # 0: no contact line (a bonus card has no room)
    contact_min: float = 6.0
    contact_drop: float = 0.0
    text_width: float | None = None  # None: the width beside the logo


def draw_head(canvas: Canvas, profile: CompanyProfile, style: HeadStyle, *, left: float,
              top: float, width: float) -> float:
    """Logo, company name and contact line in the box from `left` to `left + width` below
    `top`; returns where the text column starts (right of a left-hand logo)."""
    pdf_fonts.register()
    gap = 3 * mm
    if style.logo_right:
        draw_logo(canvas, profile.logo_path, x=left + width - style.logo_w, top=top,
                  box_w=style.logo_w, box_h=style.logo_h, align_right=True)
        text_left = left
        room = width - style.logo_w
    else:
        drawn = draw_logo(canvas, profile.logo_path, x=left, top=top, box_w=style.logo_w,
                          box_h=style.logo_h)
        text_left = left + (drawn + gap if drawn else 0.0)
        room = left + width - text_left
    room = min(room, style.text_width) if style.text_width else room
    if profile.name:
        name, size = fitted(profile.name, pdf_fonts.BOLD, style.name_size, room,
                            min_size=style.name_min)
        canvas.setFont(pdf_fonts.BOLD, size)
        canvas.drawString(text_left, top - style.name_drop, name)
    contact = contact_line(profile) if style.contact_size else ""
    if contact:
        text, size = fitted(contact, pdf_fonts.REGULAR, style.contact_size, room,
                            min_size=style.contact_min)
        canvas.setFont(pdf_fonts.REGULAR, size)
        canvas.drawString(text_left, top - style.contact_drop, text)
    return text_left


def draw_footer(canvas: Canvas, profile: CompanyProfile, *, left: float, width: float,
                top: float) -> None:
    """The footer columns under a rule at `top`, spread over `width`, the font shrunk (down
    to 5 pt) until all columns fit side by side."""
    columns = footer_columns(profile)
    if not columns:
        return
    regular = pdf_fonts.register()
    canvas.setLineWidth(0.3)
    canvas.line(left, top, left + width, top)
    size = 7.0
    gap = 4 * mm

    def needed(at: float) -> list[float]:
        return [max(stringWidth(line, regular, at) for line in col) for col in columns]

    while size > 5 and sum(needed(size)) + gap * (len(columns) - 1) > width:
        size -= 0.25
    widths = needed(size)
    spare = (width - sum(widths)) / max(1, len(columns) - 1)
    x = left
    canvas.setFont(regular, size)
    for col, col_width in zip(columns, widths, strict=True):
        for row, line in enumerate(col):
            canvas.drawString(x, top - 3.5 * mm - row * size * 1.25, line)
        x += col_width + spare
