"""The shop's own mailbox: SMTP settings, provider presets, and the password.

The settings (no password) are one JSON object under the settings key `email_account`, so
every PC on the same data sends from the same mailbox. The password lives in the operating
system's credential store through `keyring` (Windows Credential Manager, macOS Keychain,
Secret Service on Linux) and nowhere else: never in the database, a settings file or a log.
Where no credential store exists (a Linux server, CI) it may come from the environment
variable STAMMKUNDE_SMTP_PASSWORD, which the app only reads.
"""

from __future__ import annotations

import base64
import os
import smtplib
import socket
import ssl
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import keyring
from keyring.errors import KeyringError

from app.services import audit, validation
from app.services.email.message import Mailbox
from app.services.email.sender import Connect
from app.services.errors import StorageError, ValidationError

ACCOUNT_KEY = "email_account"
KEYRING_SERVICE = "Stammkunde SMTP"
ENV_PASSWORD = "STAMMKUNDE_SMTP_PASSWORD"
SECURITIES = ("starttls", "ssl", "none")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TIMEOUT_SECONDS = 30.0

ACCOUNT_FIELDS = {
    "host": "SMTP-Server", "port": "Port", "security": "Verschlüsselung", "user": "Benutzername",
    "from_address": "Absenderadresse", "from_name": "Absendername",
    "reply_to": "Antwortadresse", "per_minute": "Mails pro Minute", "per_day": "Mails pro Tag"}
invalid = ValidationError.labelled({**ACCOUNT_FIELDS, "out": "Ausgabedatei",
                                    "name": "Name der Vorlage", "body": "Text"})
audit.name_values("fields", ACCOUNT_FIELDS)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    host: str
    port: int
    security: str
    oauth_only: bool = False
    note: str = ""


# The usual providers of German craft businesses; ports and hosts from their help pages.
PRESETS: tuple[Preset, ...] = (
    Preset("gmx", "GMX", "mail.gmx.net", 587, "starttls",
           note="Im GMX-Postfach unter Einstellungen „POP3/IMAP/SMTP“ freischalten."),
    Preset("webde", "WEB.DE", "smtp.web.de", 587, "starttls",
           note="Im WEB.DE-Postfach unter Einstellungen „POP3/IMAP/SMTP“ freischalten."),
    Preset("t-online", "T-Online", "securesmtp.t-online.de", 465, "ssl",
           note="Mit dem E-Mail-Passwort aus dem Telekom-Kundencenter, nicht dem Login."),
    Preset("ionos", "IONOS", "smtp.ionos.de", 587, "starttls"),
    Preset("strato", "Strato", "smtp.strato.de", 465, "ssl"),
    Preset("gmail", "Gmail", "smtp.gmail.com", 587, "starttls",
           note="Nur mit einem App-Passwort (Zwei-Faktor-Anmeldung nötig)."),
    Preset("outlook", "Outlook.com / Microsoft 365", "smtp-mail.outlook.com", 587, "starttls",
           oauth_only=True,
           note="Microsoft lässt nur noch OAuth-Anmeldung zu: Mails werden als Entwurf im "
                "Mailprogramm geöffnet."),
)


@dataclass(frozen=True)
class EmailAccount:
    host: str
    port: int
    security: str
    from_address: str
    user: str = ""
    from_name: str = ""
    reply_to: str = ""
    per_minute: int | None = None
    per_day: int | None = None
    oauth_only: bool = False

    @property
    def sender(self) -> Mailbox:
        return Mailbox(self.from_address, self.from_name)

    @property
    def credential_key(self) -> str:
        return f"{self.user or self.from_address}@{self.host}"

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> EmailAccount:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def preset(key: str) -> Preset:
    for p in PRESETS:
        if p.key == key:
            return p
    choices = ", ".join(p.key for p in PRESETS)
    raise invalid({"host": f"unbekannter Anbieter „{key}“ (bekannt: {choices})"})


def validated_account(account: EmailAccount) -> EmailAccount:
    """Check every field; raise ValidationError naming each bad one."""
    errors: dict[str, str] = {}
    host = account.host.strip().lower()
    if not host:
        errors["host"] = "SMTP-Server angeben, z. B. mail.gmx.net"
    if not 0 < account.port < 65536:
        errors["port"] = f"{account.port} ist kein Port (1–65535)"
    if account.security not in SECURITIES:
        errors["security"] = f"„{account.security}“: erlaubt sind {', '.join(SECURITIES)}"
    elif account.security == "none" and host not in LOCAL_HOSTS:
        # Without TLS the password and every mail cross the network readable by anyone on
        # the way (Art. 32 DSGVO: appropriate security of processing).
        errors["security"] = "ohne Verschlüsselung nur an diesen Rechner (localhost)"
    sender = reply_to = ""
    try:
        sender = validation.email(account.from_address)
        if not sender:
            errors["from_address"] = "Absenderadresse angeben"
    except validation.FieldError as exc:
        errors["from_address"] = str(exc)
    try:
        reply_to = validation.email(account.reply_to)
    except validation.FieldError as exc:
        errors["reply_to"] = str(exc)
    if account.per_minute is not None and account.per_minute < 1:
        errors["per_minute"] = "mindestens 1 Mail pro Minute, oder leer für unbegrenzt"
    if account.per_day is not None and account.per_day < 1:
        errors["per_day"] = "mindestens 1 Mail pro Tag, oder leer für unbegrenzt"
    if errors:
        raise invalid(errors)
    return replace(account, host=host, from_address=sender, reply_to=reply_to,
                   user=account.user.strip(), from_name=account.from_name.strip())


def to_mapping(account: EmailAccount) -> dict[str, Any]:
    return asdict(account)


def store_password(account: EmailAccount, password: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, account.credential_key, password)
    except KeyringError as exc:
        raise StorageError(
            "Kein Passwortspeicher des Betriebssystems verfügbar; das Passwort wurde nicht "
            f"gespeichert. Auf Servern die Umgebungsvariable {ENV_PASSWORD} setzen.") from exc


def load_password(account: EmailAccount) -> str | None:
    """From the credential store; where there is none or it holds nothing, from the
    environment variable STAMMKUNDE_SMTP_PASSWORD."""
    try:
        found = keyring.get_password(KEYRING_SERVICE, account.credential_key)
    except KeyringError:
        found = None
    return found if found is not None else os.environ.get(ENV_PASSWORD)


def connector(account: EmailAccount, password: str | None, *,
              ssl_context: ssl.SSLContext | None = None) -> Connect:
    """A function that opens, secures and logs in one connection to the account's server."""

    def connect() -> smtplib.SMTP:
        context = ssl_context or ssl.create_default_context()
        local = socket.gethostname()  # getfqdn() would ask DNS: offline start-up must not wait
        smtp: smtplib.SMTP
        if account.security == "ssl":
            smtp = smtplib.SMTP_SSL(account.host, account.port, local_hostname=local,
                                    timeout=TIMEOUT_SECONDS, context=context)
        else:
            smtp = smtplib.SMTP(account.host, account.port, local_hostname=local,
                                timeout=TIMEOUT_SECONDS)
        try:
            smtp.ehlo()
            if account.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if account.user:
                _login(smtp, account.user, password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    return connect



def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN (RFC 4616) where offered, with UTF-8 credentials: smtplib's own `login`
    encodes them as ASCII and fails on "Pässwort", and after a refusal it goes on trying
    other mechanisms instead of saying so."""
    mechanisms = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in mechanisms:
        smtp.login(user, password)
        return
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)
