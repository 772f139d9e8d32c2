"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS
(a certificate from a throw-away CA) and a login; it records what it accepted and can be
told to answer with an error or to drop the connection."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "meister"
PASSWORD = "Gehe1m-Pässwort"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.raw, policy=default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class Handler:
    """Answers per recipient (`answers`), drops the connection at the n-th RCPT or DATA
    (`drop_at_rcpt`, `drop_at_data`: 1-based counts over the server's life)."""

    received: list[Received] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    drop_at_rcpt: set[int] = field(default_factory=set)
    drop_at_data: set[int] = field(default_factory=set)
    rcpts: int = 0
    datas: int = 0
    # Called with ("rcpt", n) and ("data", n) before the server answers; the crash test
    # kills the sending process from here.
    hook: Callable[[str, int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            self.rcpts += 1
            drop = self.rcpts in self.drop_at_rcpt
            if self.hook is not None:
                self.hook("rcpt", self.rcpts)
        if drop:
            server.transport.close()
            return "421 closing"
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.datas += 1
            drop = self.datas in self.drop_at_data
            # A dropped connection after the full text: the server keeps the mail, the
            # client never hears so (the case that must end as "unklar").
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content)))
            if self.hook is not None:
                self.hook("data", self.datas)
        if drop:
            server.transport.close()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@dataclass
class Server:
    handler: Handler
    port: int
    client_context: ssl.SSLContext | None = None


@contextmanager
def smtp_server(*, tls: bool = False, handler: Handler | None = None) -> Iterator[Server]:
    handler = handler or Handler()
    port = free_port()
    kwargs: dict[str, Any] = {}
    client_context = None
    if tls:
        ca = trustme.CA()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
        client_context = ssl.create_default_context()
        ca.configure_trust(client_context)
        kwargs = {"tls_context": server_context, "require_starttls": True,
                  "authenticator": _authenticate, "auth_required": True}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server(handler, port, client_context)
    finally:
        controller.stop()
