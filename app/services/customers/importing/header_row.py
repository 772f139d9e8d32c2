"""Finding the header row of a table that does not start with it.

DATEV files start with a meta line ("EXTF";700;16;"Debitoren/Kreditoren";…) and the
headers follow in line 2; sheets kept by hand often have a title ("Kundenliste Stand
03/2024") and an empty row above the headers. The header row is the one among the first
rows that holds the most known column names; the user can still choose another one
(`--header-row`, the dialog).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.services.tabular import normalize_header

SEARCHED_ROWS = 15
_META_MARKERS = {"extf", "dtvf"}  # DATEV's export / data-carrier formats


def find_header_row(records: Sequence[Sequence[str]], known: Collection[str]) -> int:
    """Index (0-based) of the header among `records` (the file's non-empty rows).

    `known` holds normalised header names (`tabular.normalize_header`). Without any known
    name, a first row of at most one cell (a title) is passed over for the first wider row.
    """
    best, best_score = 0, 0
    for index, record in enumerate(records[:SEARCHED_ROWS]):
        cells = [normalize_header(v) for v in record if v.strip()]
        if index == 0 and cells and cells[0] in _META_MARKERS:
            continue
        score = sum(1 for cell in cells if cell in known)
        if score > best_score:
            best, best_score = index, score
    if best_score:
        return best
    if records and sum(1 for v in records[0] if v.strip()) <= 1:
        for index, record in enumerate(records[:SEARCHED_ROWS]):
            if sum(1 for v in record if v.strip()) > 1:
                return index
    return 0
