"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1), messages parsed back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.db import Database
from app.services.clock import FixedClock
from app.services.company import CompanyProfile, validated_profile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email import outbox
from app.services.email.account import EmailAccount, connector
from app.services.email.message import (
    Attachment,
    Mailbox,
    MailContent,
    build_message,
    new_message_id,
)
from app.services.email.sender import FlushReport, flush
from app.services.errors import ConflictError
from app.services.progress import Cancelled
from tests.services.email.mail_server import PASSWORD, USER, Handler, free_port, smtp_server
from tests.services.email.outbox_helpers import SENDER, addresses, queue


def plain_account(port: int) -> EmailAccount:
    return EmailAccount(host="127.0.0.1", port=port, security="none",
                        from_address=SENDER.address, from_name=SENDER.name)


def send(db: Database, clock: FixedClock, port: int, **kwargs: Any) -> FlushReport:
    return flush(db, clock, connector(plain_account(port), None), sender=SENDER.address,
                 **kwargs)


def states(db: Database) -> dict[str, str]:
    return {r.to_address: r.state for r in outbox.rows(db)}


def test_a_mail_over_starttls_with_login_arrives_whole_with_umlauts_parts_and_attachment(
    services: Services, clock: FixedClock,
) -> None:
    customer = services.customers.create(CustomerInput(first_name="Jürgen", last_name="Weiß",
                                                       email="juergen@example.org"))
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    queue(services.db, clock, [("juergen@example.org", "Jürgen Weiß")],
          subject="Grüße aus der Werkstatt – Ihr Gutschein",
          text="Sehr geehrter Herr Weiß,\n\nanbei Ihr Gutschein über 20 €.\n\nIhr Team",
          attachments=(Attachment("Gutschein Weiß.pdf", pdf),), advertising=True,
          customer_id=customer.id)
    with smtp_server(tls=True) as server:
        account = EmailAccount(host="127.0.0.1", port=server.port, security="starttls",
                               user=USER, from_address=SENDER.address, from_name=SENDER.name)
        report = flush(services.db, clock,
                       connector(account, PASSWORD, ssl_context=server.client_context),
                       sender=SENDER.address)
    assert report.sent == 1 and report.stopped == ""
    [received] = server.handler.received
    assert received.sender == SENDER.address
    assert received.recipients == ["juergen@example.org"]
    assert b"=?utf-8?" in received.raw  # RFC 2047 on the wire, not raw 8-bit umlauts
    mail = received.parsed()
    assert mail["Subject"] == "Grüße aus der Werkstatt – Ihr Gutschein"
    assert mail["From"].addresses[0].display_name == "Müller Sanitär GmbH"
    assert mail["To"].addresses[0].display_name == "Jürgen Weiß"
    assert mail["List-Unsubscribe"] == "<mailto:werkstatt@mueller-sanitaer.de?subject=Abmelden>"
    plain = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    plain_text, html_text = plain.get_content(), html.get_content()
    assert "anbei Ihr Gutschein über 20 €." in plain_text
    assert "<p>" not in plain_text
    assert "<p>anbei Ihr Gutschein über 20 €.</p>" in html_text
    assert "<p>Sehr geehrter Herr Weiß,</p>" in html_text
    for text in (plain_text, html_text):
        assert ("Sitz: München · Registergericht: Amtsgericht München · HRB 12345"
                in text)
        assert "Geschäftsführer: Jürgen Müller" in text
        assert "USt-IdNr.: DE136695976" in text
        assert "jederzeit widersprechen" in text
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "Gutschein Weiß.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf
    [row] = outbox.rows(services.db)
    assert row.state == "sent" and row.sent_at == clock.now()
    history = services.timeline.entries(customer.id)
    assert [(h.channel, h.subject) for h in history if h.channel == "email"] == [
        ("email", "E-Mail gesendet: Grüße aus der Werkstatt – Ihr Gutschein")]


def test_a_service_mail_has_no_unsubscribe_header_and_no_objection_notice(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, [("a@example.org", "A")], advertising=False)
    with smtp_server() as server:
        send(db, clock, server.port)
    mail = server.handler.received[0].parsed()
    assert mail["List-Unsubscribe"] is None
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert "widersprechen" not in body.get_content()
    assert "Registergericht: Amtsgericht München · HRB 12345" in body.get_content()


@pytest.mark.parametrize(("profile", "lines"), [
    (CompanyProfile(name="Müller Sanitär", legal_form="gmbh", street="Hauptstraße 5",
                    postcode="80331", city="München", seat="München",
                    register_court="Amtsgericht München", register_number="HRB 12345",
                    managing_director="Jürgen Müller, Anna Müller"),
     ["Müller Sanitär GmbH", "Hauptstraße 5, 80331 München",
      "Sitz: München · Registergericht: Amtsgericht München · HRB 12345",
      "Geschäftsführer: Jürgen Müller, Anna Müller"]),
    (CompanyProfile(name="Elektro Huber e. K.", legal_form="ek", street="Ringstraße 2",
                    postcode="93047", city="Regensburg", seat="Regensburg",
                    register_court="Amtsgericht Regensburg", register_number="HRA 678",
                    managing_director="Josef Huber"),
     ["Elektro Huber e. K.", "Ringstraße 2, 93047 Regensburg",
      "Sitz: Regensburg · Registergericht: Amtsgericht Regensburg · HRA 678",
      "Inhaber: Josef Huber"]),
    (CompanyProfile(name="Malerbetrieb Schmitt", legal_form="einzel", street="Gartenweg 1",
                    postcode="50667", city="Köln", managing_director="Peter Schmitt"),
     ["Malerbetrieb Schmitt", "Gartenweg 1, 50667 Köln", "Inhaber: Peter Schmitt"]),
])
def test_the_received_mails_footer_carries_the_details_its_legal_form_requires(
    db: Database, clock: FixedClock, profile: CompanyProfile, lines: list[str],
) -> None:
    """§ 35a GmbHG, § 37a HGB, § 15b GewO: read back from the mail the server received."""
    content = MailContent(Mailbox("a@example.org", "A"), "Ihr Termin", "Guten Tag.")
    message_id = new_message_id(SENDER)
    raw = build_message(content, sender=SENDER, profile=validated_profile(profile),
                        when=clock.now(), message_id=message_id)
    with db.write() as session:
        outbox.enqueue(session, [outbox.NewMail(
            to_address="a@example.org", to_name="A", subject="Ihr Termin",
            message_id=message_id, raw=raw, kind="single")], at=clock.now())
        session.commit()
    with smtp_server() as server:
        send(db, clock, server.port)
    body = server.handler.received[0].parsed().get_body(preferencelist=("plain",))
    assert body is not None
    footer = body.get_content().replace("\r\n", "\n").split("-- \n", 1)[1].splitlines()
    assert footer == lines


def test_a_refused_recipient_fails_with_the_servers_answer_and_the_others_are_sent(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(4))
    handler = Handler(answers={"kunde0001@example.org": "550 5.1.1 Postfach unbekannt"})
    with smtp_server(handler=handler) as server:
        report = send(db, clock, server.port)
    assert (report.sent, report.failed) == (3, 1)
    [failed] = outbox.rows(db, states=["failed"])
    assert failed.to_address == "kunde0001@example.org"
    assert failed.last_error == "Vom Server abgelehnt: 550 5.1.1 Postfach unbekannt"
    assert len(handler.received) == 3


def test_a_temporary_refusal_waits_with_back_off_and_is_sent_when_due(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(2))
    handler = Handler(answers={"kunde0000@example.org": "451 4.7.1 Bitte später"})
    with smtp_server(handler=handler) as server:
        first = send(db, clock, server.port)
        [waiting] = outbox.rows(db, states=["waiting"])
        assert (first.sent, first.retry) == (1, 1)
        assert waiting.attempts == 1
        assert waiting.next_attempt_at == clock.now() + timedelta(minutes=1)
        assert "451 4.7.1 Bitte später" in waiting.last_error
        assert send(db, clock, server.port).sent == 0  # not due yet
        handler.answers.clear()
        clock.set(clock.now() + timedelta(minutes=1))
        assert send(db, clock, server.port).sent == 1
    assert states(db) == {"kunde0000@example.org": "sent", "kunde0001@example.org": "sent"}
    assert len(handler.to("kunde0000@example.org")) == 1


def test_a_temporary_refusal_gives_up_after_the_last_attempt(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(1))
    handler = Handler(answers={"kunde0000@example.org": "452 4.2.2 Postfach voll"})
    with smtp_server(handler=handler) as server:
        for _ in range(3):
            send(db, clock, server.port, max_attempts=3)
            clock.set(clock.now() + timedelta(hours=1))
    [row] = outbox.rows(db)
    assert row.state == "failed" and row.attempts == 3
    assert row.last_error.startswith("Nach 3 Versuchen aufgegeben; zuletzt: ")


def test_a_connection_dropped_mid_campaign_is_retried_and_nobody_gets_a_mail_twice(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(10))
    handler = Handler(drop_at_rcpt={4})
    with smtp_server(handler=handler) as server:
        report = send(db, clock, server.port)
        assert (report.sent, report.retry) == (9, 1)
        clock.set(clock.now() + timedelta(minutes=1))
        assert send(db, clock, server.port).sent == 1
    assert set(states(db).values()) == {"sent"}
    received = [r.recipients[0] for r in handler.received]
    assert sorted(received) == [a for a, _ in addresses(10)]


def test_a_connection_lost_after_the_whole_text_is_unclear_and_never_resent(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(3))
    handler = Handler(drop_at_data={2})
    with smtp_server(handler=handler) as server:
        report = send(db, clock, server.port)
        assert (report.sent, report.unclear) == (2, 1)
        clock.set(clock.now() + timedelta(days=1))
        assert send(db, clock, server.port).sent == 0
    assert states(db)["kunde0001@example.org"] == "unclear"
    assert len(handler.to("kunde0001@example.org")) == 1


def test_without_a_server_every_mail_keeps_waiting(db: Database, clock: FixedClock) -> None:
    queue(db, clock, addresses(3))
    report = send(db, clock, free_port())
    assert report.sent == 0 and report.left == 3
    assert report.stopped == "Der Server lehnt die Verbindung ab (Port falsch?)."
    assert set(states(db).values()) == {"waiting"}
    assert {r.attempts for r in outbox.rows(db)} == {0}


def test_a_mail_left_sending_by_a_crash_becomes_unclear_at_the_next_start(
    db: Database, clock: FixedClock,
) -> None:
    [first, _] = queue(db, clock, addresses(2))
    assert outbox.claim(db, first) is not None  # then the process died
    with smtp_server() as server:
        report = send(db, clock, server.port)
    assert (report.recovered, report.sent) == (1, 1)
    assert states(db)["kunde0000@example.org"] == "unclear"
    assert server.handler.to("kunde0000@example.org") == []


class CancelAfter:
    def __init__(self, checkpoints: int) -> None:
        self.left = checkpoints

    def report(self, done: int, total: int, text: str = "") -> None:
        return None

    def checkpoint(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise Cancelled


def test_cancel_stops_between_mails_and_leaves_the_rest_waiting(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(5))
    with smtp_server() as server, pytest.raises(Cancelled):
        send(db, clock, server.port, progress=CancelAfter(2))
    assert sorted(states(db).values()) == ["sent", "sent", "waiting", "waiting", "waiting"]


def test_the_rate_limit_spaces_the_mails_out(db: Database, clock: FixedClock) -> None:
    queue(db, clock, addresses(4))
    pauses: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    with smtp_server() as server:
        report = send(db, clock, server.port, per_minute=120, sleep=sleep,
                      monotonic=lambda: now[0])
    assert report.sent == 4
    assert sum(pauses) == pytest.approx(3 * 0.5)
    assert max(pauses) <= 0.2  # short steps, so Abbrechen is heard within a fifth second


def test_an_unclear_mail_is_sent_again_only_when_the_user_says_so(
    db: Database, clock: FixedClock,
) -> None:
    [first] = queue(db, clock, addresses(1))
    outbox.claim(db, first)
    outbox.recover_interrupted(db, at=clock.now())
    with smtp_server() as server:
        assert send(db, clock, server.port).sent == 0
        row = outbox.resolve_unclear(db, first, resend=True, at=clock.now())
        assert row.state == "waiting"
        assert send(db, clock, server.port).sent == 1
    assert len(server.handler.received) == 1


def test_lines_starting_with_a_dot_arrive_unchanged(db: Database, clock: FixedClock) -> None:
    text = ".Punkt am Anfang\n.\n..zwei Punkte\nEnde"
    queue(db, clock, addresses(1), text=text)
    with smtp_server() as server:
        assert send(db, clock, server.port).sent == 1
    body = server.handler.received[0].parsed().get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n").startswith(text)


def test_only_an_unclear_mail_can_be_confirmed_as_sent(db: Database, clock: FixedClock) -> None:
    [message] = queue(db, clock, addresses(1))
    with pytest.raises(ConflictError, match="nur unklare Mails"):
        outbox.resolve_unclear(db, message, resend=False, at=clock.now())
    with pytest.raises(ConflictError, match="erneut senden lassen sich nur"):
        outbox.resolve_unclear(db, message, resend=True, at=clock.now())


def test_the_daily_limit_leaves_the_rest_waiting_until_tomorrow(
    db: Database, clock: FixedClock,
) -> None:
    queue(db, clock, addresses(5))
    with smtp_server() as server:
        first = send(db, clock, server.port, per_day=3)
        assert (first.sent, first.left) == (3, 2)
        assert first.stopped == "Tageslimit von 3 Mails erreicht; der Rest wartet bis morgen."
        assert send(db, clock, server.port, per_day=3).sent == 0
        clock.set(clock.now() + timedelta(days=1))
        assert send(db, clock, server.port, per_day=3).sent == 2
    assert len(server.handler.received) == 5
