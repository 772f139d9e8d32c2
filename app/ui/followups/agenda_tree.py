"""The due follow-ups of "Heute" as a tree: a typed follow-up is a row, the follow-ups of one
automatic rule are one row ("Schlafender Kunde (324)") that opens with its arrow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.followups.agenda import Agenda, AgendaEntry, is_overdue
from app.services.followups.service import FollowUpDTO
from app.services.formatting import format_date
from app.ui.palette import TONE_COLOURS, Tone

OVERDUE = QBrush(QColor(TONE_COLOURS[Tone.ERROR]))  # the red of overdue rows in every list
PAYLOAD = Qt.ItemDataRole.UserRole
SUBJECT = 2  # the column that takes the spare width


def tr(text: str) -> str:
    return QCoreApplication.translate("Heute", text)


class AgendaTree(QTreeWidget):
    """Signals: followup_activated(FollowUpDTO) — a follow-up row was double-clicked or
    Enter was pressed on it (a rule row opens or closes instead)."""

    followup_activated = Signal(object)

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(headers))
        self.setColumnCount(len(headers))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setExpandsOnDoubleClick(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.itemActivated.connect(self._activated)

    def set_agenda(self, agenda: Agenda, now: datetime) -> None:
        """Fill the tree; rule rows that were open stay open."""
        opened = {top.data(0, PAYLOAD).rule_id for top in self.top_items()
                  if top.isExpanded() and isinstance(top.data(0, PAYLOAD), AgendaEntry)}
        self.clear()
        for entry in agenda.entries:
            if entry.is_group:
                group = self._group_item(entry)
                self.addTopLevelItem(group)
                group.addChildren([self._item(item, now) for item in entry.items])
                group.setExpanded(entry.rule_id in opened)
            else:
                self.addTopLevelItem(self._item(entry.items[0], now))
        for column in range(self.columnCount()):
            if column != SUBJECT:
                self.resizeColumnToContents(column)

    def selected_followup(self) -> FollowUpDTO | None:
        """The chosen follow-up; None for nothing chosen or a rule row."""
        item = self.currentItem()
        payload = item.data(0, PAYLOAD) if item is not None else None
        return payload if isinstance(payload, FollowUpDTO) else None

    def top_items(self) -> list[QTreeWidgetItem]:
        return [item for i in range(self.topLevelItemCount())
                if (item := self.topLevelItem(i)) is not None]

    def rows(self) -> list[tuple[str, ...]]:
        """The texts of the top-level rows, for a quick look (and tests)."""
        return [tuple(item.text(c) for c in range(self.columnCount()))
                for item in self.top_items()]

    @staticmethod
    def _item(item: FollowUpDTO, now: datetime) -> QTreeWidgetItem:
        row = QTreeWidgetItem([item.due_text, item.customer_name, item.subject, item.assignee,
                               tr(item.priority_label)])
        row.setData(0, PAYLOAD, item)
        if item.notes:
            for column in range(row.columnCount()):
                row.setToolTip(column, item.notes)
        if is_overdue(item, now):
            for column in range(row.columnCount()):
                row.setForeground(column, OVERDUE)
        return row

    @staticmethod
    def _group_item(entry: AgendaEntry) -> QTreeWidgetItem:
        first = entry.items[0]
        since = format_date(min(item.due_date for item in entry.items))
        customers = (tr("1 Kunde") if len(entry.items) == 1
                     else tr("{count} Kunden").format(count=len(entry.items)))
        row = QTreeWidgetItem([tr("ab {date}").format(date=since), customers, entry.title,
                               "", tr(first.priority_label)])
        row.setData(0, PAYLOAD, entry)
        font = QFont(row.font(0))
        font.setBold(True)
        tip = tr("Automatische Wiedervorlagen der Regel „{rule}“: {count}, davon {overdue} "
                 "überfällig. Aufklappen zeigt jede einzelne.").format(
            rule=entry.rule_name, count=len(entry.items), overdue=entry.overdue)
        for column in range(row.columnCount()):
            row.setFont(column, font)
            row.setToolTip(column, tip)
            if entry.overdue:
                row.setForeground(column, OVERDUE)
        return row

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        payload = item.data(0, PAYLOAD)
        if isinstance(payload, FollowUpDTO):
            self.followup_activated.emit(payload)
