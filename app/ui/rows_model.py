"""A small read-only table model over precomputed rows (lists of a few hundred items).

`data()` only indexes into prepared tuples: display text, tooltip and colour are computed
once when the rows are set, never per paint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    payload: Any
    tooltip: str = ""
    warn: bool = False  # shown in red (overdue)


_WARN = QBrush(QColor(176, 0, 32))
Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def payload(self, row: int) -> Any:
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
        if role == Qt.ItemDataRole.ToolTipRole and row.tooltip:
            return row.tooltip
        if role == Qt.ItemDataRole.ForegroundRole and row.warn:
            return _WARN
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


def selected_payload(view: QTableView, model: RowsModel) -> Any | None:
    """The payload of the selected row of `view`, or None when nothing is selected."""
    rows = view.selectionModel().selectedRows()
    return model.payload(rows[0].row()) if rows else None
