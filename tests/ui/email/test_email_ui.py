"""The E-Mail page, the account dialog and the customer's E-Mail tab, driven offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.clock import FixedClock
from app.services.customers.dto import CustomerInput
from app.services.email import outbox
from app.services.email.account import EmailAccount
from app.ui.context import AppContext
from app.ui.email.account_dialog import AccountDialog
from app.ui.email.campaign_dialog import CampaignDialog
from app.ui.email.customer_tab import CustomerEmailTab, MailDialog
from app.ui.email.page import EmailPage
from app.ui.email.templates_dialog import TemplatesDialog
from app.ui.scheduler import AppScheduler
from tests.services.email.mail_server import smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using
from tests.services.email.outbox_helpers import addresses, queue


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with using(MemoryKeyring()):
        yield


def local_account(context: AppContext, port: int) -> None:
    context.services.email.set_account(EmailAccount(
        host="127.0.0.1", port=port, security="none", from_address="werkstatt@example.org"),
        password=None, by="Chef")


def test_choosing_a_provider_fills_server_port_and_security_and_saving_stores_it(
    qtbot: QtBot, context: AppContext,
) -> None:
    dialog = AccountDialog(context)
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(dialog.preset.findData("t-online"))
    assert (dialog.host.text(), dialog.port.value()) == ("securesmtp.t-online.de", 465)
    assert dialog.security.currentData() == "ssl"
    assert "Kundencenter" in dialog.note.text()
    qtbot.keyClicks(dialog.from_address, "werkstatt@t-online.de")
    assert dialog.save()
    saved = context.services.email.account()
    assert saved is not None and saved.host == "securesmtp.t-online.de"


def test_an_unencrypted_remote_server_is_refused_in_the_dialog(
    qtbot: QtBot, context: AppContext,
) -> None:
    dialog = AccountDialog(context)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.host, "mail.example.org")
    dialog.security.setCurrentIndex(dialog.security.findData("none"))
    qtbot.keyClicks(dialog.from_address, "werkstatt@example.org")
    assert not dialog.save()
    assert "ohne Verschlüsselung nur an diesen Rechner" in dialog.status.text()
    assert context.services.email.account() is None


def test_sending_from_the_page_runs_in_the_background_and_shows_every_state(
    qtbot: QtBot, context: AppContext, clock: FixedClock,
) -> None:
    queue(context.services.db, clock, addresses(3))
    with smtp_server() as server:
        local_account(context, server.port)
        page = EmailPage(context)
        qtbot.addWidget(page)
        assert page.counts.text().startswith("3 wartet")
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.task is None, timeout=10_000)
    assert page.status.text() == "3 gesendet."
    qtbot.waitUntil(lambda: page.counts.text().startswith("0 wartet, 0 wird gesendet, 3 gesendet"))
    assert [page.model.payload(r).state_label for r in range(3)] == ["gesendet"] * 3
    assert len(server.handler.received) == 3


def test_an_unclear_mail_is_sent_again_only_by_the_users_click(
    qtbot: QtBot, context: AppContext, clock: FixedClock,
) -> None:
    [message] = queue(context.services.db, clock, addresses(1))
    outbox.claim(context.services.db, message)
    outbox.recover_interrupted(context.services.db, at=clock.now())
    page = EmailPage(context)
    qtbot.addWidget(page)
    assert page.model.payload(0).state_label == "unklar"
    page.view.selectRow(0)
    qtbot.mouseClick(page.resend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.payload(0).state_label == "wartet")


def test_a_free_mail_with_an_attachment_goes_to_the_outbox_and_shows_in_the_tab(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    customer = context.services.customers.create(CustomerInput(
        last_name="Groß", email="gross@example.org"))
    local_account(context, 2525)
    tab = CustomerEmailTab(context, customer.id)
    qtbot.addWidget(tab)
    pdf = tmp_path / "Angebot.pdf"
    pdf.write_bytes(b"%PDF-1.4 angebot")
    dialog = MailDialog(context, customer.id)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.subject, "Ihr Angebot")
    qtbot.keyClicks(dialog.text, "Anbei das Angebot.")
    dialog.add_attachment(pdf)
    dialog.letter.setCurrentIndex(dialog.letter.findText("Willkommen"))
    dialog.attach_letter()
    assert [dialog.attachment_list.item(i).text() for i in range(2)] == [
        "Angebot.pdf", "Willkommen.pdf"]
    assert dialog.attachments[1].content.startswith(b"%PDF")
    dialog.queue()
    assert dialog.result() == MailDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert [(tab.model.payload(0).subject, tab.model.payload(0).state_label)] == [
        ("Ihr Angebot", "wartet")]


def test_open_in_mail_program_writes_a_draft_and_hands_it_to_the_mail_program(
    qtbot: QtBot, context: AppContext,
) -> None:
    customer = context.services.customers.create(CustomerInput(
        last_name="Groß", email="gross@example.org"))
    local_account(context, 2525)
    opened: list[Path] = []
    dialog = MailDialog(context, customer.id, open_draft=opened.append)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findText("Willkommen"))
    assert not dialog.subject.isEnabled()
    dialog.draft()
    [path] = opened
    assert path.parent == context.data_dir / "Entwürfe"
    assert b"X-Unsent: 1" in path.read_bytes()


def test_the_scheduler_sends_what_waits_and_skips_quietly_without_an_account(
    qtbot: QtBot, context: AppContext, clock: FixedClock,
) -> None:
    scheduler = AppScheduler(context.services)
    failures: list[str] = []
    scheduler.job_failed.connect(lambda job, message: failures.append(message))
    queue(context.services.db, clock, addresses(2))
    with qtbot.assertNotEmitted(scheduler.mail_sent):
        scheduler.send_mail_now()
    with smtp_server() as server:
        local_account(context, server.port)
        with qtbot.waitSignal(scheduler.mail_sent) as sent:
            scheduler.send_mail_now()
    assert sent.args is not None and sent.args[0].sent == 2
    assert failures == []
    assert len(server.handler.received) == 2


def test_a_template_with_a_typo_is_refused_in_the_dialog_and_a_fixed_one_saved(
    qtbot: QtBot, context: AppContext,
) -> None:
    dialog = TemplatesDialog(context)
    qtbot.addWidget(dialog)
    assert "Willkommen" in [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.new()
    qtbot.keyClicks(dialog.name, "Herbst")
    qtbot.keyClicks(dialog.subject, "Herbstaktion")
    dialog.body.setPlainText("{{ briefanrede }}\n\n{{ vornme }}")
    dialog.save()
    assert "unbekannter Platzhalter" in dialog.status.text()
    dialog.body.setPlainText("{{ briefanrede }}\n\nHerbstzeit ist Wartungszeit.")
    dialog.save()
    assert dialog.status.text() == "Gespeichert (Version 1)."
    assert dialog.list.currentItem().text() == "Herbst"


def welcome_to_regulars(qtbot: QtBot, context: AppContext) -> CampaignDialog:
    """The campaign dialog with „Willkommen“ to the tag „Stamm“ chosen."""
    dialog = CampaignDialog(context)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findText("Willkommen"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("tag"))
    qtbot.keyClicks(dialog.value, "Stamm")
    return dialog


def test_a_campaign_is_planned_with_its_exclusions_then_queued_in_the_background(
    qtbot: QtBot, context: AppContext,
) -> None:
    for i in range(3):
        context.services.customers.create(CustomerInput(
            last_name=f"Kunde{i}", tags=("Stamm",), email=f"k{i}@example.org" if i else ""))
    local_account(context, 2525)
    dialog = welcome_to_regulars(qtbot, context)
    assert not dialog.queue_button.isEnabled()  # plan first
    dialog.plan()
    assert dialog.summary.text() == "2 Empfänger, 0 in der Kontrollgruppe, 1 ausgeschlossen."
    assert dialog.excluded.payload(0).reason == "keine E-Mail-Adresse"
    qtbot.mouseClick(dialog.queue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Postausgang" in dialog.summary.text(), timeout=10_000)
    assert dialog.summary.text().endswith("2 Mails im Postausgang, 0 in der Kontrollgruppe, "
                                          "1 ausgeschlossen.")
    assert context.services.email.counts()["waiting"] == 2


def test_a_campaign_from_the_dialog_attaches_the_chosen_pdf_and_each_recipients_letter(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    for i in range(2):
        context.services.customers.create(CustomerInput(
            last_name=f"Kunde{i}", tags=("Stamm",), email=f"k{i}@example.org"))
    flyer = tmp_path / "Flyer Frühjahr.pdf"
    flyer.write_bytes(b"%PDF-1.4 flyer " + bytes(range(256)) * 10)
    dialog = welcome_to_regulars(qtbot, context)
    dialog.pdf_file.setText(str(flyer))
    dialog.letter.setCurrentIndex(dialog.letter.findText("Willkommen"))
    with smtp_server() as server:
        local_account(context, server.port)
        dialog.plan()
        qtbot.mouseClick(dialog.queue_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Postausgang" in dialog.summary.text(), timeout=10_000)
        assert context.services.email.flush().sent == 2
    for received in server.handler.received:
        shared, own = received.parsed().iter_attachments()
        assert (shared.get_filename(), shared.get_content()) == (
            "Flyer Frühjahr.pdf", flyer.read_bytes())
        assert own.get_filename() == "Willkommen.pdf"
        assert own.get_content().startswith(b"%PDF")


def test_an_unreadable_pdf_is_named_and_nothing_is_queued(
    qtbot: QtBot, context: AppContext, tmp_path: Path,
) -> None:
    context.services.customers.create(CustomerInput(
        last_name="Kunde", tags=("Stamm",), email="k@example.org"))
    local_account(context, 2525)
    dialog = welcome_to_regulars(qtbot, context)
    dialog.pdf_file.setText(str(tmp_path / "fehlt.pdf"))
    dialog.plan()
    qtbot.mouseClick(dialog.queue_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text().startswith("Die PDF-Datei lässt sich nicht lesen:")
    assert context.services.email.counts().get("waiting", 0) == 0
