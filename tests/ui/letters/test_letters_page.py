from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.services.changes import Changes
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.demo.dataset import fill
from app.services.followups.today import LETTER_FOR
from app.services.letters.builtin import BUILTIN_TEMPLATES
from app.services.letters.recipients import NumberSource
from app.ui.context import AppContext, ChangeBus
from app.ui.letters.company_dialog import CompanyDialog
from app.ui.letters.customer_tab import CustomerLettersTab
from app.ui.letters.page import LettersPage
from app.ui.letters.pdf_view import print_to
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "log.txt")
    yield ctx
    ctx.tasks.wait()


def add_customers(services: Services, count: int) -> list[str]:
    return [services.customers.create(CustomerInput(
        salutation="Frau", last_name=f"Kundin{i}", street="Weg 1", postcode=f"0{1067 + i}",
        city="Dresden")).number for i in range(count)]


def test_the_template_editor_shows_a_typo_by_name_and_line_in_the_live_preview(
    qtbot: QtBot, context: AppContext,
) -> None:
    add_customers(context.services, 1)
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.templates
    assert tab.list.count() == len(BUILTIN_TEMPLATES)
    qtbot.waitUntil(lambda: tab.preview.page_count == 1)
    tab.body.setPlainText("{{ briefanrede }}\n{{ vornam }}")
    qtbot.waitUntil(lambda: "vornam" in tab.error.text())
    assert "Zeile 2" in tab.error.text()
    tab.body.setPlainText("{{ briefanrede }}\nHallo {{ vorname }}")
    qtbot.waitUntil(lambda: tab.error.text() == "")


def test_saving_an_edited_template_raises_its_version(qtbot: QtBot, context: AppContext
                                                      ) -> None:
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.templates
    before = tab.current
    assert before is not None
    qtbot.keyClicks(tab.subject, " neu")
    tab.save()
    assert tab.current is not None and tab.current.version == before.version + 1
    assert tab.current.subject.endswith(" neu")


@pytest.mark.usefixtures("letterhead")
def test_a_serial_letter_is_previewed_and_generated_off_the_gui_thread(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    numbers = add_customers(context.services, 4)
    context.services.customers.create(CustomerInput(last_name="Ohne"))
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.mailing
    tab.template.setCurrentIndex(tab.template.findText("Wartungserinnerung"))
    tab.source_kind.setCurrentIndex(2)
    tab.source_value.setText(",".join([*numbers, "K-000005"]))
    tab.preview_button.click()
    qtbot.waitUntil(lambda: tab.plan is not None)
    assert "4 Empfänger, 1 ausgeschlossen" in tab.summary.text()
    assert tab.excluded.item(0, 0).text() == "K-000005"
    tab.generate(tmp_path / "serie.pdf")
    qtbot.waitUntil(lambda: tab.result is not None, timeout=10_000)
    assert tab.print_button.isEnabled()
    with pdfplumber.open(tmp_path / "serie.pdf") as pdf:
        assert len(pdf.pages) == 4
    page.results.reload()
    page.results.mailings.selectRow(0)
    assert page.results.results.rowCount() == 3


def test_the_follow_up_assignee_offers_a_changed_staff_list_and_keeps_what_was_typed(
    qtbot: QtBot, context: AppContext,
) -> None:
    page = LettersPage(context)
    qtbot.addWidget(page)
    assignee = page.mailing.followup_assignee
    qtbot.keyClicks(assignee, "Tim")
    context.services.settings.set_staff(["Meister Krause"])
    context.bus.publish(Changes.of("settings"))
    assert [assignee.itemText(i) for i in range(assignee.count())] == ["", "Meister Krause"]
    assert assignee.currentText() == "Tim"


def test_the_company_dialog_names_a_wrong_iban_and_saves_a_right_one(
    qtbot: QtBot, context: AppContext,
) -> None:
    dialog = CompanyDialog(context)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.edits["name"], "Bauer GmbH")
    qtbot.keyClicks(dialog.edits["iban"], "DE89370400440532013001")
    dialog.save()
    assert "IBAN" in dialog.errors.text() and dialog.result() == 0
    dialog.edits["iban"].setText("DE89370400440532013000")
    dialog.form_choice.setCurrentIndex(1)
    dialog.save()
    assert dialog.result() == 1
    assert context.services.company.get().iban == "DE89 3704 0044 0532 0130 00"
    assert context.services.letters.form().name == "A"


def test_the_company_dialog_marks_and_demands_what_a_gmbh_must_state(
    qtbot: QtBot, context: AppContext,
) -> None:
    dialog = CompanyDialog(context)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.edits["name"], "Bauer")
    dialog.legal_form.setCurrentIndex(dialog.legal_form.findData("gmbh"))
    label = dialog.form_layout.labelForField(dialog.edits["register_number"])
    assert isinstance(label, QLabel) and label.text() == "Registernummer *"
    assert "§ 35a GmbHG" in dialog.required_note.text()
    dialog.save()
    assert dialog.result() == 0
    assert "Registergericht: Pflichtangabe für GmbH" in dialog.errors.text()
    for name, value in (("seat", "Berlin"), ("register_court", "Amtsgericht Charlottenburg"),
                        ("register_number", "HRB 12345"), ("managing_director", "Eva Bauer")):
        qtbot.keyClicks(dialog.edits[name], value)
    dialog.save()
    assert dialog.result() == 1
    assert context.services.company.get().firm == "Bauer GmbH"


def test_labels_for_the_chosen_recipients_start_at_the_chosen_position(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    numbers = add_customers(context.services, 3)
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.mailing
    tab.source_kind.setCurrentIndex(2)
    tab.source_value.setText(",".join(numbers))
    tab.label_kind.setCurrentIndex(tab.label_kind.findData("sheet:L7163"))
    assert tab.label_start.maximum() == 14
    tab.label_start.setValue(14)
    tab.print_labels(tmp_path / "etiketten.pdf")
    qtbot.waitUntil(lambda: tab.output is not None)
    assert "3 Anschriften auf 2 Seiten" in tab.summary.text()


@pytest.mark.usefixtures("letterhead")
def test_printing_renders_every_page_of_the_pdf_into_the_printer(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    numbers = add_customers(context.services, 2)
    template = context.services.letters.by_name("Terminbestätigung")
    source = tmp_path / "serie.pdf"
    context.services.mailings.run(template.id, NumberSource(tuple(numbers)), out=source)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "gedruckt.pdf"))
    assert print_to(printer, source) == 2
    with pdfplumber.open(tmp_path / "gedruckt.pdf") as pdf:
        assert len(pdf.pages) == 2


@pytest.mark.usefixtures("letterhead")
def test_the_customer_tab_saves_one_letter_and_records_it(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    add_customers(context.services, 1)
    customer_id = context.services.customers.get_by_number("K-000001").id
    tab = CustomerLettersTab(context, customer_id)
    qtbot.addWidget(tab)
    tab.template.setCurrentIndex(tab.template.findText("Terminbestätigung"))
    qtbot.waitUntil(lambda: tab.preview.page_count == 1)
    tab.save(tmp_path / "termin.pdf")
    assert (tmp_path / "termin.pdf").exists() and tab.print_button.isEnabled()
    entry = context.services.timeline.entries(customer_id)[0]
    assert entry.subject == "Brief: Terminbestätigung"


@pytest.mark.usefixtures("letterhead")
def test_cancel_during_a_serial_letter_keeps_the_finished_letters_and_says_so(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    fill(context.services.db, context.services.clock, customers=400, seed=2)
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.mailing
    tab.template.setCurrentIndex(tab.template.findText("Wartungserinnerung"))
    tab.source_kind.setCurrentIndex(tab.source_kind.findData("numbers"))
    tab.source_value.setText(",".join(f"K-{n:06d}" for n in range(1, 401)))
    tab.generate(tmp_path / "serie.pdf")
    assert not tab.cancel_button.isHidden() and not tab.generate_button.isEnabled()
    qtbot.waitUntil(lambda: tab.progress.value() > 0, timeout=10_000)
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=10_000)
    assert tab.result is not None and tab.result.cancelled
    assert "abgebrochen nach" in tab.summary.text() and tab.generate_button.isEnabled()
    with pdfplumber.open(tmp_path / "serie.pdf") as pdf:
        assert len(pdf.pages) == tab.result.mailing.letters_printed


@pytest.mark.usefixtures("letterhead")
def test_letters_put_aside_from_heute_are_shown_by_template_name_and_printed_from_there(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    services = context.services
    for number in add_customers(services, 2):
        services.today.queue_letter(services.customers.get_by_number(number).id,
                                    template_key=LETTER_FOR["a_contact"])
    page = LettersPage(context)
    qtbot.addWidget(page)
    assert not page.waiting.isHidden()
    assert page.waiting.text() == "Vorgemerkt: 2 Briefe (Dankeschön an A-Kunden 2)."
    page.waiting_button.click()
    tab = page.mailing
    assert page.tabs.currentWidget() is tab
    assert tab.source_choice.currentText() == "Dankeschön an A-Kunden – 2 Kunden vorgemerkt"
    assert tab.template.currentText() == "Dankeschön an A-Kunden"
    tab.preview_button.click()
    qtbot.waitUntil(lambda: tab.plan is not None)
    assert tab.summary.text().startswith("2 Empfänger, 0 ausgeschlossen")
    with qtbot.waitSignal(context.bus.changed, timeout=10_000):
        tab.generate(tmp_path / "vorgemerkt.pdf")
    qtbot.waitUntil(lambda: tab.result is not None, timeout=10_000)
    assert services.mailings.letter_lists() == []
    assert page.waiting.isHidden() and page.waiting_button.isHidden()


def test_one_letter_put_aside_is_counted_in_the_singular(
    qtbot: QtBot, context: AppContext,
) -> None:
    [number] = add_customers(context.services, 1)
    context.services.today.queue_letter(context.services.customers.get_by_number(number).id,
                                        template_key=LETTER_FOR["birthday"])
    page = LettersPage(context)
    qtbot.addWidget(page)
    assert page.waiting.text() == "Vorgemerkt: 1 Brief (Geburtstagsgruß mit Gutschein 1)."
    page.show_letter_lists()
    assert page.mailing.source_choice.currentText() == (
        "Geburtstagsgruß mit Gutschein – 1 Kunde vorgemerkt")


SLOW = ("{% set w = 1000 * 100 %}{% for i in range(w) %}"
        "{% if (nachname | center(w)) | wordcount > 5 %}x{% endif %}{% endfor %}fertig")


def test_a_slow_template_renders_off_the_gui_thread_and_stops_with_a_message(
    qtbot: QtBot, context: AppContext,
) -> None:
    add_customers(context.services, 1)
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.templates
    qtbot.waitUntil(lambda: tab.preview.page_count == 1)
    ticks: list[int] = []
    timer = QTimer(tab)
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    with qtbot.waitSignal(tab.live.shown, timeout=20_000):
        tab.body.setPlainText(SLOW)  # the preview follows the typing
    timer.stop()
    context.services.letters.compile(tab.edited())  # the template passes the save check
    assert "länger als 2 Sekunden und wurde abgebrochen" in tab.error.text()
    assert len(ticks) >= 20  # the window kept running its timers while the template ran
    tab.body.setPlainText("{{ briefanrede }}\nHallo {{ vorname }}")
    qtbot.waitUntil(lambda: tab.error.text() == "")
