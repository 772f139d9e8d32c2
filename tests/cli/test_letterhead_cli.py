"""An SVG logo in the Briefkopf prints on vouchers and bonus cards made on the command
line (it used to stop both with UnidentifiedImageError)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pdfplumber

from app.services.company import CompanyProfile
from app.services.container import Services
from tests.services.loyalty.loyalty_helpers import card
from tests.services.pdf.test_letterhead import svg_logo

ROOT = Path(__file__).resolve().parents[2]


def command(db_args: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args, *args],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_voucher_and_card_pdfs_carry_an_svg_logo(
    services: Services, db_args: list[str], tmp_path: Path,
) -> None:
    services.company.save(CompanyProfile(name="Glaserei Müller GmbH", city="Dresden",
                                         logo_path=str(svg_logo(tmp_path))))
    card(services)
    voucher_pdf, cards_pdf = tmp_path / "gutschein.pdf", tmp_path / "karten.pdf"
    issued = command(db_args, "voucher", "issue", "--value", "25", "--pdf", str(voucher_pdf),
                     "--json")
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["value_cents"] == 2_500
    printed = command(db_args, "loyalty", "cards", "--pdf", str(cards_pdf))
    assert printed.returncode == 0, printed.stderr
    for path in (voucher_pdf, cards_pdf):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            assert "Glaserei Müller GmbH" in page.extract_text()
            assert [r for r in page.rects if r["fill"] and r["top"] < 40 * 72 / 25.4
                    and r["height"] > 5]
