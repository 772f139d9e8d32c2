"""The hand-assembled MIME parses back to what went in, for any text (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import default

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.services.company import CompanyProfile
from app.services.email.message import Attachment, Mailbox, MailContent, build_message

SENDER = Mailbox("werkstatt@example.org", "Müller & Söhne GmbH")
PROFILE = CompanyProfile(name="Müller & Söhne GmbH", legal_form="gmbh",
                         register_court="Amtsgericht Köln", register_number="HRB 1")
# Printable text with umlauts, symbols and the characters MIME treats specially.
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
               max_size=300)
LINES = st.lists(TEXT.map(lambda t: t.replace("\n", " ")), max_size=6).map("\n".join)
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
               max_size=80).filter(lambda t: t.strip() == t and t.strip())


def decoded_name(raw: bytes, field: bytes) -> str:
    """The display name as RFC 2047 reads it (`decode_header` joins adjacent encoded-words
    as section 6.2 says; the header registry's address parser puts a space between them)."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
    [line] = [x for x in head.split(b"\r\n") if x.startswith(field + b": ")]
    value = line[len(field) + 2:].decode("ascii")
    phrase = value.rsplit(" <", 1)[0]
    if phrase.startswith('"'):  # a quoted-string (RFC 5322 3.2.4), plain ASCII
        return phrase[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return str(make_header(decode_header(phrase)))


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


@settings(max_examples=60, deadline=None)
@given(subject=LINE, name=LINE, text=LINES, blob=st.binary(max_size=2000),
       advertising=st.booleans())
@example(subject="s", name='"¡', text="t", blob=b"", advertising=False)  # an encoded '"'
def test_every_message_parses_back_to_its_subject_name_text_and_attachment(
    subject: str, name: str, text: str, blob: bytes, advertising: bool,
) -> None:
    raw = build_message(
        MailContent(Mailbox("kunde@example.org", name), subject, text,
                    (Attachment("Anhang äöü.pdf", blob),), advertising),
        sender=SENDER, profile=PROFILE, when=datetime(2026, 3, 15, 9, tzinfo=UTC),
        message_id="<1@example.org>")
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))  # RFC 5322 2.1.1
    mail = parse(raw)
    assert mail["Subject"] == subject
    assert decoded_name(raw, b"To") == " ".join(name.split())
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    assert plain.get_content().replace("\r\n", "\n").startswith(text.strip())
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content() == blob
    assert (mail["List-Unsubscribe"] is not None) is advertising
