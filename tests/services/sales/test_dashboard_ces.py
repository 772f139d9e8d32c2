"""The effort score (CES) appears wherever NPS and CSAT do: figures, PDF, --json, page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pdfplumber

from app.services.container import Services
from app.services.sales import dashboard_pdf
from tests.services.sales.dashboard_data import seed

ROOT = Path(__file__).resolve().parents[3]


def rate_effort(services: Services) -> None:
    ids = seed(services)
    for name, score in (("Engel", 2), ("Becker", 5), ("Schäfer", 6)):
        services.feedback.record_score(ids[name], kind="ces", score=score,
                                       given_on=date(2026, 2, 1))
    services.feedback.record_score(ids["Engel"], kind="csat", score=4,
                                   given_on=date(2026, 2, 1))


def test_the_dashboard_figures_carry_the_average_effort_and_its_answers(
    services: Services,
) -> None:
    rate_effort(services)
    figures = services.dashboard.compute()
    assert (figures.ces_average_12m, figures.ces_answers_12m) == (4.33, 3)
    assert figures.csat_answers_12m == 1
    assert "Aufwand (CES, 1–7)" in figures.definitions.satisfaction


def test_the_dashboard_pdf_shows_the_average_effort(services: Services, tmp_path: Path) -> None:
    rate_effort(services)
    path = dashboard_pdf.build(services.dashboard.compute(), tmp_path / "a.pdf")
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Ø CSAT / Ø CES" in text and "4,00 / 4,33" in text
    assert "1 bzw. 3 Antworten" in text


def test_dashboard_json_and_text_show_the_average_effort(
    services: Services, db_args: list[str],
) -> None:
    rate_effort(services)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(ROOT / "main.py"), *db_args, "dashboard",
               "--as-of", "15.03.2026"]
    data = json.loads(subprocess.run([*command, "--json"], capture_output=True, text=True,
                                     check=True, env=env, cwd=ROOT).stdout)
    assert (data["ces_average_12m"], data["ces_answers_12m"]) == (4.33, 3)
    text = subprocess.run(command, capture_output=True, text=True, check=True, env=env,
                          cwd=ROOT).stdout
    assert "Ø CES (1–7):             4,33 (3 Antworten)" in text
