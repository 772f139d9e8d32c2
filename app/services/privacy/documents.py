"""The PDF pieces the Art. 15 access export and the Art. 30 records share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.services.pdf import fonts as pdf_fonts

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable


def styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    font = pdf_fonts.register()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=pdf_fonts.BOLD,
                                fontSize=15, leading=19, alignment=0),
        "heading": ParagraphStyle("heading", parent=base["Heading3"],
                                  fontName=pdf_fonts.BOLD, fontSize=11, leading=14),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=9.5,
                               leading=12.5),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=font, fontSize=8,
                                leading=10.5),
    }


def company_line(profile: dict[str, str]) -> str:
    parts = [profile.get(k, "") for k in ("name", "street", "postcode", "city", "phone",
                                          "email")]
    return " · ".join(p for p in parts if p) or "Verantwortlicher: siehe Firmenprofil"


def build_pdf(path: Path, story: list[Flowable], *, title: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                                 title=title, author="Stammkunde")
    document.build(story)
