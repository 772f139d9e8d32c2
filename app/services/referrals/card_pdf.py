"""The printable referral card (Empfehlungskarte): the referrer's code as text and QR code.

An A6 landscape page like the voucher, for the counter or to go with a letter; whoever comes
with it names the code, and the referral is recorded with `ReferralService.add_by_code`.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.services.company import CompanyProfile
from app.services.errors import StorageError
from app.services.pdf import fonts as pdf_fonts


def referral_card_pdf(path: Path, *, code: str, referrer_name: str, reward_text: str,
                      company: CompanyProfile) -> Path:
    pdf_fonts.register()
    width, height = landscape(A6)
    margin = 8 * mm
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        canvas = Canvas(str(path), pagesize=(width, height))
        canvas.setTitle("Empfehlungskarte")
        canvas.setCreator("Stammkunde")
        canvas.setFont(pdf_fonts.BOLD, 11)
        canvas.drawString(margin, height - margin - 5 * mm, company.name)
        canvas.setFont(pdf_fonts.BOLD, 18)
        canvas.drawString(margin, height - 26 * mm, "Kunden werben Kunden")
        canvas.setFont(pdf_fonts.REGULAR, 9)
        lines = (f"Empfohlen von {referrer_name}.",
                 "Nennen Sie bei Ihrem ersten Auftrag diesen Code:")
        for i, line in enumerate(lines):
            canvas.drawString(margin, height - 36 * mm - i * 5 * mm, line)
        canvas.setFont(pdf_fonts.BOLD, 16)
        canvas.drawString(margin, height - 55 * mm, code)
        canvas.setFont(pdf_fonts.REGULAR, 7)
        canvas.drawString(margin, margin, f"Als Dankeschön erhält {referrer_name}: {reward_text}")
        size = 34 * mm
        widget = QrCodeWidget(code, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0),
                                                 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, width - margin - size, margin + 4 * mm)
        canvas.showPage()
        canvas.save()
    except OSError as exc:
        raise StorageError(f"Die PDF-Datei „{path}“ kann nicht geschrieben werden: {exc}"
                           ) from exc
    return path
