"""The customer list model: ordered ids from SQL, rows fetched lazily in pages.

The model holds only the ids of one filtered, sorted query (cheap even for 100,000
customers); the visible rows are fetched a page at a time and kept in a small LRU cache,
so the scrollbar is right from the start and memory stays flat (PITFALLS, "Big tables").
`data()` only indexes into prepared tuples.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.services.container import Services
from app.services.customers.dto import SORT_KEYS, CustomerFilter, CustomerRow
from app.ui.palette import CLASS_BADGES

PAGE_SIZE = 200
MAX_PAGES = 50
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (sort key, header); the sort key is also the column's identity in saved settings.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Nr."),
    ("name", "Name"),
    ("company", "Firma"),
    ("street", "Straße"),
    ("postcode", "PLZ"),
    ("city", "Ort"),
    ("phone", "Telefon"),
    ("email", "E-Mail"),
    ("owner", "Betreuer"),
    ("abc_class", "Klasse"),
)
assert all(key in SORT_KEYS for key, _title in COLUMNS)
CLASS_COLUMN = len(COLUMNS) - 1
CLASS_COLOURS = {key: QColor(badge.background) for key, badge in CLASS_BADGES.items()}
CLASS_TEXT = {key: QColor(badge.foreground) for key, badge in CLASS_BADGES.items()}
_BACKGROUND = {key: QBrush(colour) for key, colour in CLASS_COLOURS.items()}
_FOREGROUND = {key: QBrush(colour) for key, colour in CLASS_TEXT.items()}
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

Index = QModelIndex | QPersistentModelIndex


def _cells(row: CustomerRow) -> tuple[str, ...]:
    return (row.number, row.name, row.company, row.street, row.postcode, row.city, row.phone,
            row.email, row.owner, row.abc_class or "")


class CustomerTableModel(QAbstractTableModel):
    """Customers of one filter in one order. Sorting and filtering happen in SQL."""

    def __init__(self, services: Services, parent: QObject | None = None, *,
                 load: bool = True) -> None:
        """`load=False` starts empty: a view that sorts right away (restoring its saved
        sort column) then runs the one id query instead of two."""
        super().__init__(parent)
        self._customers = services.customers
        self._filter = CustomerFilter()
        self._sort_column = 1
        self._descending = False
        self._ids: list[int] = self._query() if load else []
        self._pages: OrderedDict[int, list[tuple[str, ...]]] = OrderedDict()

    # --- Qt interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(index.row())[index.column()]
        if index.column() == CLASS_COLUMN:
            if role == Qt.ItemDataRole.BackgroundRole:
                return _BACKGROUND.get(self._cells(index.row())[CLASS_COLUMN])
            if role == Qt.ItemDataRole.ForegroundRole:
                return _FOREGROUND.get(self._cells(index.row())[CLASS_COLUMN])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER
        if role == CUSTOMER_ID_ROLE:
            return self._ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return QCoreApplication.translate("CustomerTable", COLUMNS[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._requery()

    # --- the list's own interface ----------------------------------------------------

    @property
    def filter(self) -> CustomerFilter:
        return self._filter

    def set_filter(self, flt: CustomerFilter) -> None:
        self._filter = flt
        self.beginResetModel()
        self._ids = self._query()
        self._pages.clear()
        self.endResetModel()

    def customer_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, customer_id: int) -> int:
        """The row of a customer, or -1 when it is not in the list."""
        try:
            return self._ids.index(customer_id)
        except ValueError:
            return -1

    def row(self, row: int) -> tuple[str, ...]:
        """The displayed texts of one row (for tests and copy)."""
        return self._cells(row)

    def refresh_customer(self, customer_id: int) -> None:
        """One customer changed: repaint its row, or re-query when the list itself changed."""
        if self._query() != self._ids:
            self._requery()
            return
        row = self.row_of(customer_id)
        if row < 0:
            return
        page = self._pages.get(row // PAGE_SIZE)
        if page is not None:
            fresh = self._customers.rows([customer_id])
            if not fresh:
                self._requery()
                return
            page[row % PAGE_SIZE] = _cells(fresh[0])
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def reload(self) -> None:
        """Anything may have changed: re-query and drop the cached pages."""
        self._requery(force=True)

    # --- internals -------------------------------------------------------------------

    def _query(self) -> list[int]:
        return self._customers.ids(self._filter, sort=COLUMNS[self._sort_column][0],
                                   descending=self._descending)

    def _requery(self, *, force: bool = False) -> None:
        """New order of the same ids → a layout change that keeps the selection;
        a different set of ids → a reset."""
        ids = self._query()
        if len(ids) != len(self._ids) or set(ids) != set(self._ids):
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
            return
        if ids == self._ids and not force:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [self._ids[index.row()] for index in persistent]
        self._ids = ids
        self._pages.clear()
        if persistent:
            position = {cid: row for row, cid in enumerate(ids)}
            self.changePersistentIndexList(
                persistent,
                [self.index(position[cid], index.column()) for cid, index in zip(
                    moved, persistent, strict=True)])
        self.layoutChanged.emit()

    def _cells(self, row: int) -> tuple[str, ...]:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
        else:
            self._pages.move_to_end(number)
        return page[row % PAGE_SIZE]

    def _fetch(self, number: int) -> list[tuple[str, ...]]:
        ids = self._ids[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
        by_id = {row.id: _cells(row) for row in self._customers.rows(ids)}
        blank = ("",) * len(COLUMNS)  # a customer deleted meanwhile shows empty until re-query
        page = [by_id.get(cid, blank) for cid in ids]
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page
