"""vCard 2.1, 3.0 and 4.0 content lines as address books really write them.

vobject stops at quoted-printable soft line breaks, bare 2.1 types and unescaped commas
(PITFALLS, issue #14), so the lines are read here, tolerantly, byte by byte:

- folding (a line starting with a space or TAB continues the one before, RFC 6350 3.2) and
  2.1 quoted-printable soft line breaks (a QP value ending in "=" goes on in the next line,
  as Outlook writes every LABEL and Android every long value);
- `group.NAME;params:value` with 2.1 bare types (`TEL;WORK;FAX`), `TYPE=a,b`,
  `type=pref`, `PREF=1` and `item1.` groups;
- each value decoded by its own `CHARSET` (a file may mix UTF-8 and ISO-8859-1 cards),
  else UTF-8, else Windows-1252 (what Outlook writes without saying so).
"""

from __future__ import annotations

import quopri
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.services.customers.importing.encoding import decode_line

# 2.1 bare parameters that are not types.
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"}


class CardLineError(ValueError):
    """A content line that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Property:
    line: int
    group: str  # "item1" or ""
    name: str  # upper case: "TEL", "X-ABLABEL"
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)  # keys upper case
    raw: bytes = b""  # the value as written (quoted-printable already decoded)

    @property
    def types(self) -> frozenset[str]:
        """TYPE values in lower case, from `TYPE=a,b`, `type=a;type=b` and bare 2.1 types."""
        return frozenset(self.params.get("TYPE", ()))

    @property
    def preference(self) -> int:
        """1 (most preferred) … 100; `TYPE=pref` and 2.1's bare `PREF` count as 1."""
        if "pref" in self.types:
            return 1
        for value in self.params.get("PREF", ()):
            if value.isdigit():
                return int(value)
        return 100

    def text(self) -> str:
        """The value as text in its declared charset (UTF-8, else Windows-1252)."""
        charset = (self.params.get("CHARSET") or (None,))[0]
        decoded = decode_line(self.raw, charset=charset)
        if decoded is None and charset is None:
            decoded = self.raw.decode("cp1252", errors="replace")
        if decoded is None:
            raise CardLineError(f"Zeile {self.line}: Zeichensatz „{charset}“ passt nicht")
        return decoded

    @property
    def declared_charset(self) -> bool:
        return "CHARSET" in self.params


@dataclass(frozen=True)
class RawCard:
    line: int  # of BEGIN:VCARD
    properties: tuple[Property, ...]


@dataclass(frozen=True)
class BrokenCard:
    line: int
    reason: str
    lines: tuple[bytes, ...] = ()


def split_cards(data: bytes) -> Iterator[RawCard | BrokenCard | int]:
    """Yield each card, each unreadable card, and the line of any text outside a card."""
    card: list[tuple[int, bytes]] | None = None
    start = 0
    for number, line in enumerate(data.splitlines(), start=1):
        marker = line.strip().upper()
        if marker == b"BEGIN:VCARD":
            if card is not None:
                yield BrokenCard(start, "END:VCARD fehlt", tuple(b for _n, b in card))
            card, start = [], number
        elif card is None:
            if line.strip():
                yield number
        elif marker == b"END:VCARD":
            yield _card(start, card)
            card = None
        else:
            card.append((number, line))
    if card is not None:
        yield BrokenCard(start, "END:VCARD fehlt", tuple(b for _n, b in card))


def _card(start: int, lines: list[tuple[int, bytes]]) -> RawCard | BrokenCard:
    try:
        return RawCard(start, tuple(_parse(n, text) for n, text in _logical_lines(lines)))
    except CardLineError as exc:
        return BrokenCard(start, str(exc), tuple(b for _n, b in lines))


def _logical_lines(lines: list[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    current: bytearray | None = None
    start = 0
    soft_break = False
    for number, line in lines:
        if current is not None and soft_break:
            current += line  # quoted-printable soft line break: "=" ended the last line
        elif current is not None and line[:1] in (b" ", b"\t"):
            current += line[1:]
        else:
            if current is not None:
                yield start, bytes(current)
            if not line.strip():
                current = None
                soft_break = False
                continue
            current, start = bytearray(line), number
        soft_break = current.endswith(b"=") and _quoted_printable(current)
        if soft_break:
            del current[-1]
    if current is not None:
        yield start, bytes(current)


def _quoted_printable(line: bytes | bytearray) -> bool:
    head = line.split(b":", 1)[0]
    return b"QUOTED-PRINTABLE" in head.upper()


def _parse(number: int, line: bytes) -> Property:
    colon = _unquoted_index(line, ord(":"))
    if colon < 0:
        raise CardLineError(f"Zeile {number} ist keine vCard-Zeile (ohne Doppelpunkt)")
    head, raw = line[:colon].decode("utf-8", errors="replace"), line[colon + 1:]
    parts = _split_params(head)
    group, _dot, name = parts[0].rpartition(".")
    name = name.strip().upper()
    if not name:
        raise CardLineError(f"Zeile {number} ist keine vCard-Zeile (ohne Namen)")
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, value = part.partition("=")
        if not equals:  # 2.1: TEL;WORK;FAX, ADR;PREF, ;QUOTED-PRINTABLE
            bare = key.strip().upper()
            params.setdefault("ENCODING" if bare in _ENCODINGS else "TYPE", []).append(
                bare.lower() if bare not in _ENCODINGS else bare)
            continue
        key = key.strip().upper()
        values = [v.strip() for v in value.replace('"', "").split(",")]
        if key == "TYPE":
            values = [v.lower() for v in values]
        elif key == "ENCODING":
            values = [v.upper() for v in values]
        params.setdefault(key, []).extend(v for v in values if v)
    if "QUOTED-PRINTABLE" in params.get("ENCODING", ()):
        raw = quopri.decodestring(raw)
    return Property(number, group.strip(), name, {k: tuple(v) for k, v in params.items()},
                    raw)


def _unquoted_index(line: bytes, char: int) -> int:
    quoted = False
    for index, byte in enumerate(line):
        if byte == ord('"'):
            quoted = not quoted
        elif byte == char and not quoted:
            return index
    return -1


def _split_params(head: str) -> list[str]:
    """`NAME;a=1;b="x;y"` → ["NAME", "a=1", 'b="x;y"'] (quoted parameter values may hold ";")."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def components(text: str) -> list[str]:
    """A structured value (N, ADR, ORG) split at unescaped ";" and unescaped.

    Commas stay in the component: vCard 2.1 writers do not escape them ("Kunde seit 2010,
    bevorzugt vormittags"), and where 3.0 means several values the comma reads as well."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append(unescape("".join(current)))
    return parts


def unescape(text: str) -> str:
    """`\\n` → line break, `\\,` `\\;` `\\\\` → the character; a lone backslash stays."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following in "nN" else following if following in ",;:\\"
                       else "\\" + following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)
