"""Bulk writes for batch work (imports, classification): many rows in one executemany.

On SQLite the rows go straight to the driver in the formats SQLAlchemy stores (ISO dates,
naive UTC timestamps), which skips the per-value processing that dominates at 100,000 rows;
on other databases the same rows go through SQLAlchemy Core.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Select, String, Table, insert, update
from sqlalchemy.orm import Session

from app.models import Base

BATCH = 20_000


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while batch work builds millions of small objects.

    Every collection walks all tracked objects, and a million fresh rows trigger hundreds of
    them: splitting a million CSV lines took 3.6 s with the collector and 0.6 s without.
    The rows are acyclic, so reference counting still frees them.

    Afterwards, what the block leaves alive (the rows a read hands back) moves to the oldest
    generation without being walked (freeze + unfreeze moves lists, not objects); otherwise
    the first collection after the pause walks all of it at once, 0.3 s after an import of
    100,000 customers. A full collection still looks at it, as at any old object.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def sqlite_value(value: Any) -> Any:
    """A Python value as SQLAlchemy stores it in SQLite."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(
            sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _stored(values: list[Any]) -> list[Any]:
    """One column's values as stored: dates and datetimes converted once per distinct value.

    Batch rows repeat the same few timestamps and dates (`now`, the as-of day); converting
    each of 100,000 cells one by one cost over a second per run.
    """
    if not any(map(isinstance, values, repeat(date))):
        return values
    converted = {value: sqlite_value(value) for value in set(values)}
    return [converted[value] for value in values]


def _sqlite_tuples(table: Table, columns: Mapping[str, Sequence[Any]]
                   ) -> list[tuple[Any, ...]]:
    """The rows of equally long column lists; a text column's values (str or None) go as
    they are, without looking at each for a date: most columns are text, and the look cost
    0.2 s of an import of 100,000 customers."""
    return list(zip(*(values if key in table.c and isinstance(table.c[key].type, String)
                      else _stored(list(values)) for key, values in columns.items()),
                    strict=True))


def insert_columns(session: Session, model: type[Base] | Table,
                   columns: Mapping[str, Sequence[Any]]) -> None:
    """INSERT one row per position of the equally long column lists, in the caller's unit of
    work. Column lists skip building a dict per row, which counts at 100,000 rows."""
    keys = list(columns)
    count = len(columns[keys[0]]) if keys else 0
    if not count:
        return
    table: Table = model if isinstance(model, Table) else model.__table__  # type: ignore[assignment]
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        sql = (f"INSERT INTO {table.name} ({', '.join(keys)}) "
               f"VALUES ({', '.join('?' for _ in keys)})")
        for start in range(0, count, BATCH):
            connection.exec_driver_sql(sql, _sqlite_tuples(
                table, {k: columns[k][start:start + BATCH] for k in keys}))
        return
    for start in range(0, count, BATCH):
        connection.execute(insert(table), [
            dict(zip(keys, values, strict=True))
            for values in zip(*(columns[k][start:start + BATCH] for k in keys), strict=True)])


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT all rows (each with the same keys) in the caller's unit of work."""
    if rows:
        insert_columns(session, model, {k: [row[k] for row in rows] for k in rows[0]})


def update_columns(session: Session, model: type[Base], ids: Sequence[int],
                   columns: Mapping[str, Sequence[Any]]) -> None:
    """UPDATE by primary key: row `ids[i]` gets position i of each column list."""
    if not len(ids):
        return
    table: Table = model.__table__  # type: ignore[assignment]
    connection = session.connection()
    keys = list(columns)
    if connection.dialect.name == "sqlite":
        sql = f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in keys)} WHERE id = ?"
        for start in range(0, len(ids), BATCH):
            connection.exec_driver_sql(sql, _sqlite_tuples(table, {
                **{k: columns[k][start:start + BATCH] for k in keys},
                "id": ids[start:start + BATCH]}))
        return
    from sqlalchemy import bindparam

    statement = update(table).where(table.c.id == bindparam("row_id")).values(
        {c: bindparam(c) for c in keys})
    for start in range(0, len(ids), BATCH):
        connection.execute(statement, [
            {**dict(zip(keys, values[1:], strict=True)), "row_id": values[0]}
            for values in zip(ids[start:start + BATCH],
                              *(columns[k][start:start + BATCH] for k in keys), strict=True)])


def fetch_rows(session: Session, query: str | Select[Any]) -> list[tuple[Any, ...]]:
    """Plain tuples for a large SELECT, straight from the driver's cursor.

    SQLAlchemy still binds the parameters, but its result rows cost a few tenths of a
    microsecond each: seconds for the million document numbers an import checks against,
    20 of 57 ms for the 100,000 ids the customer list asks for on every filter and sort.
    Only for values the driver already returns as Python wants them (ids, text).
    """
    connection = session.connection()
    result = (connection.exec_driver_sql(query) if isinstance(query, str)
              else connection.execute(query))
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()
