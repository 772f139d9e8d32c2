"""Printable vouchers (A6 landscape, one per page) and bonus cards (85.6 × 54 mm on A4).

Drawn on a reportlab canvas because both are fixed layouts; fonts are the embedded DejaVu
Sans so umlauts and names like Łukasz print. The QR code is drawn from segno's module
matrix as one path (cheaper than reportlab's QR widget); the card barcode is EAN-13.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import segno
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.services.company import CompanyProfile
from app.services.errors import StorageError
from app.services.formatting import format_cents, format_date
from app.services.loyalty.cards import CardDTO
from app.services.loyalty.vouchers import VoucherDTO
from app.services.pdf import fonts as pdf_fonts
from app.services.pdf.letterhead import HeadStyle, draw_head
from app.services.progress import NO_PROGRESS, Progress

CARD_W, CARD_H = 85.6 * mm, 54 * mm
CARD_COLUMNS, CARD_ROWS = 2, 5
BOLD = pdf_fonts.BOLD
VOUCHER_HEAD = HeadStyle(name_size=11, name_min=8, name_drop=5 * mm, logo_w=40 * mm,
                         logo_h=10 * mm, contact_size=7, contact_min=5.5, contact_drop=9 * mm)
CARD_HEAD = HeadStyle(name_size=10, name_min=7, name_drop=4 * mm, logo_w=25 * mm, logo_h=8 * mm)


def _qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    code = segno.make(data, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=0))
    module = size / len(rows)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                path.rect(x + c * module, y + size - (r + 1) * module, module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def _open(path: Path, pagesize: tuple[float, float], title: str) -> Canvas:
    pdf_fonts.register()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Der Ordner „{path.parent}“ kann nicht angelegt werden: {exc}"
                           ) from exc
    canvas = Canvas(str(path), pagesize=pagesize)
    canvas.setTitle(title)
    canvas.setCreator("Stammkunde")
    return canvas


def _save(canvas: Canvas, path: Path) -> Path:
    try:
        canvas.save()
    except OSError as exc:
        raise StorageError(f"Die PDF-Datei „{path}“ kann nicht geschrieben werden: {exc}"
                           ) from exc
    return path


def _voucher_value(voucher: VoucherDTO) -> str:
    if voucher.kind == "value":
        return format_cents(voucher.value_cents)
    return voucher.description


def voucher_pdf(vouchers: Sequence[VoucherDTO], path: Path, *, company: CompanyProfile,
                progress: Progress = NO_PROGRESS) -> Path:
    """One A6 landscape page per voucher: value, code as text and QR, validity, letterhead."""
    width, height = landscape(A6)
    canvas = _open(path, (width, height), "Gutschein")
    margin = 8 * mm
    for done, voucher in enumerate(vouchers):
        progress.checkpoint()
        draw_head(canvas, company, VOUCHER_HEAD, left=margin, top=height - margin,
                  width=width - 2 * margin)
        canvas.setFont(BOLD, 20)
        canvas.drawString(margin, height - 32 * mm, "GUTSCHEIN")
        canvas.setFont(BOLD, 26 if voucher.kind == "value" else 16)
        canvas.drawString(margin, height - 45 * mm, _voucher_value(voucher))
        canvas.setFont(pdf_fonts.REGULAR, 9)
        y = height - 54 * mm
        if voucher.customer_name:
            canvas.drawString(margin, y, f"für {voucher.customer_name}")
            y -= 5 * mm
        canvas.drawString(margin, y, f"Gültig bis {format_date(voucher.valid_until)}")
        y -= 5 * mm
        if voucher.purpose == "single" and voucher.vat_rate_bp is not None:
            rate = f"{voucher.vat_rate_bp / 100:g}".replace(".", ",")
            canvas.setFont(pdf_fonts.REGULAR, 7)
            canvas.drawString(margin, y, f"Einzweckgutschein, enthält {rate} % USt.")
            y -= 4 * mm
        canvas.setFont(BOLD, 13)
        canvas.drawString(margin, margin + 6 * mm, voucher.display_code)
        canvas.setFont(pdf_fonts.REGULAR, 6.5)
        canvas.drawString(margin, margin, "Gutscheincode · bei Einlösung vorlegen · "
                                          "keine Barauszahlung")
        qr_size = 34 * mm
        _qr(canvas, voucher.code, width - margin - qr_size, margin + 2 * mm, qr_size)
        canvas.showPage()
        progress.report(done + 1, len(vouchers), "Gutscheine drucken")
    return _save(canvas, path)


def cards_pdf(cards: Sequence[CardDTO], path: Path, *, company: CompanyProfile,
              progress: Progress = NO_PROGRESS) -> Path:
    """Bonus cards, 2 × 5 per A4 sheet with thin cut lines, for card stock."""
    page_w, page_h = A4
    left0 = (page_w - CARD_COLUMNS * CARD_W) / 2
    top0 = page_h - (page_h - CARD_ROWS * CARD_H) / 2
    canvas = _open(path, A4, "Bonuskarten")
    per_page = CARD_COLUMNS * CARD_ROWS
    for index, card in enumerate(cards):
        progress.checkpoint()
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = left0 + (slot % CARD_COLUMNS) * CARD_W
        y = top0 - (slot // CARD_COLUMNS + 1) * CARD_H
        _card(canvas, card, company, x, y)
        progress.report(index + 1, len(cards), "Bonuskarten drucken")
    return _save(canvas, path)


def _card(canvas: Canvas, card: CardDTO, company: CompanyProfile, x: float, y: float) -> None:
    pad = 4 * mm
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.6)
    canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    top = y + CARD_H - pad
    left = draw_head(canvas, company, CARD_HEAD, left=x + pad, top=top, width=CARD_W - 2 * pad)
    canvas.setFont(pdf_fonts.REGULAR, 7)
    canvas.drawString(left, y + CARD_H - pad - 8 * mm, card.program_name)
    canvas.setFont(pdf_fonts.REGULAR, 9)
    canvas.drawString(x + pad, y + CARD_H - pad - 15 * mm, card.customer_name)
    barcode = createBarcodeDrawing("EAN13", value=card.number[:12], barHeight=12 * mm,
                                   barWidth=0.33 * mm, humanReadable=False)
    renderPDF.draw(barcode, canvas, x + pad, y + pad + 5 * mm)
    canvas.setFont(pdf_fonts.REGULAR, 9)
    canvas.drawString(x + pad, y + pad, card.display_number)
