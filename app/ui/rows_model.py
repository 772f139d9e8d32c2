"""The one read-only table model for short lists (a customer's sales, a ledger, the call list).

A row is prepared once when the rows are set: its display texts, the object it stands for
(the payload), an optional tooltip and a warning colour. `data()` only indexes into those
tuples, never formats or computes per paint. Lists of many thousand rows use a paged model
(app/ui/customers/table_model.py) instead.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from app.ui.palette import TONE_COLOURS, Tone

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

_WARN = QBrush(QColor(TONE_COLOURS[Tone.ERROR]))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Row(Generic[T]):
    """One table row: its texts, the object it shows, and how it is marked."""

    cells: tuple[str, ...]
    payload: T
    tooltip: str = ""
    warn: bool = False  # shown in red (overdue)


class RowsModel(QAbstractTableModel, Generic[T]):
    """Read-only rows under fixed headers.

    `right_aligned` columns hold amounts; with `cell_tooltips` every cell's tooltip is its
    own text (for long texts the column cuts off) unless the row has a tooltip of its own.
    """

    def __init__(self, headers: Sequence[str], parent: QObject | None = None, *,
                 right_aligned: Collection[int] = (), cell_tooltips: bool = False) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._right = frozenset(right_aligned)
        self._cell_tooltips = cell_tooltips
        self._rows: list[Row[T]] = []

    def set_rows(self, rows: Iterable[Row[T]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def payload(self, row: int) -> T:
        return self._rows[row].payload

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.tooltip:
                return row.tooltip
            return row.cells[index.column()] if self._cell_tooltips else None
        if role == Qt.ItemDataRole.ForegroundRole and row.warn:
            return _WARN
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None


def table_view(model: RowsModel[Any], parent: QWidget | None = None, *,
               widths: Sequence[int] = (), default_width: int | None = None,
               stretch: Collection[int] = ()) -> QTableView:
    """A compact read-only table: one whole row selected at a time, no editing, no row
    numbers, one line a row at a fixed height that follows the font.

    `widths` are the first columns' start widths, `default_width` that of every other column;
    the `stretch` columns share the spare width, without them the last column takes it.
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table for the next field
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    if default_width is not None:
        header.setDefaultSectionSize(default_width)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(not stretch)
    return view


def selected_payload(view: QTableView, model: RowsModel[T], *,
                     status: QLabel | None = None) -> T | None:
    """The payload of the selected row of `view`, or None when nothing is selected (and then
    `status`, if given, asks the user to choose a row first)."""
    rows = view.selectionModel().selectedRows()
    if rows:
        return model.payload(rows[0].row())
    if status is not None:
        status.setText(QCoreApplication.translate("Tabelle", "Bitte zuerst eine Zeile wählen."))
    return None
