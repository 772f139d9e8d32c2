"""The Kunden page: search-as-you-type, filters, and the lazy customer table."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.customers.dto import CustomerFilter
from app.services.formatting import format_count
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.customers.table_model import CustomerTableModel
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.keys import escape_clears
from app.ui.row_menu import add_row_menu

SEARCH_DELAY_MS = 150
_HEADER_KEY = "customer_list/header"
_MINE = "\x00mine"  # item data of "Meine Kunden" in the Betreuer filter


class CustomerTable(QTableView):
    """A table where Enter opens the current row like a double click."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Signals: down_pressed() — the arrow key moves on into the list."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class CustomerListPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._views: dict[int, QWidget] = {}
        self._new_views: list[QWidget] = []

        self.search = SearchBox()
        self.search.setPlaceholderText(
            self.tr("Suchen: Name, Firma, Ort, PLZ, Telefon, E-Mail, Nr. … (Strg+F)"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._open_first_match)
        self.search.down_pressed.connect(self._open_first_match)

        self.tag_filter = QComboBox()
        self.owner_filter = QComboBox()
        self.status_filter = QComboBox()
        for label, value in ((self.tr("Aktive"), "active"), (self.tr("Archivierte"), "archived"),
                             (self.tr("Alle"), "all")):
            self.status_filter.addItem(label, value)
        self.class_filter = QComboBox()
        self.class_filter.addItem(self.tr("Alle Klassen"), None)
        for klass in ("A", "B", "C"):
            self.class_filter.addItem(self.tr("Klasse {0}").format(klass), klass)
        self._fill_choices()
        for combo in (self.tag_filter, self.owner_filter, self.status_filter, self.class_filter):
            combo.currentIndexChanged.connect(self.apply_filter)

        self.count_label = QLabel()
        self.new_button = QPushButton(icon("user-plus"), self.tr("Neuer Kunde"))
        self.new_button.setToolTip(self.tr("Neuen Kunden anlegen (Strg+N)"))
        self.new_button.clicked.connect(self.new_customer)

        self.model = CustomerTableModel(context.services, self, load=False)
        self.table = CustomerTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vertical.hide()
        self.table.activated.connect(self._open_index)
        self._restore_header()
        self.open_action = QAction(self.tr("Öffnen"), self)
        self.open_action.triggered.connect(self._open_current)
        add_row_menu(self.table, self.open_action, None, self.new_button)
        escape_clears(self.search)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        for label, combo in ((self.tr("Schlagwort"), self.tag_filter),
                             (self.tr("Betreuer"), self.owner_filter),
                             (self.tr("Status"), self.status_filter),
                             (self.tr("Klasse"), self.class_filter)):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("Kunden")))
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self._update_count()
        context.bus.changed.connect(self._on_changed)

    # --- public ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_filter(self) -> CustomerFilter:
        owner = self.owner_filter.currentData()
        if owner == _MINE:
            owner = preferences.staff_name() or None
        return CustomerFilter(
            text=self.search.text().strip(), tag=self.tag_filter.currentData(), owner=owner,
            status=self.status_filter.currentData(), abc_class=self.class_filter.currentData())

    def apply_filter(self) -> None:
        self._debounce.stop()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)
        self._update_count()

    def open_customer(self, customer_id: int) -> QWidget:
        """Show the customer's view (one window per customer; raised if already open)."""
        from app.ui.customers.customer_view import CustomerView

        view = self._views.get(customer_id)
        if view is None:
            view = CustomerView(self.context, customer_id)
            self.destroyed.connect(view.deleteLater)
            self._track(view, customer_id)
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def new_customer(self) -> QWidget:
        from app.ui.customers.customer_view import CustomerView

        view = CustomerView(self.context, None)
        self.destroyed.connect(view.deleteLater)
        self._new_views.append(view)
        view.saved_as.connect(lambda cid, v=view: self._track(v, cid))
        view.finished.connect(lambda _r, v=view: self._forget(v))
        view.show()
        return view

    # --- internals ---------------------------------------------------------------------

    def _track(self, view: QWidget, customer_id: int) -> None:
        if view in self._new_views:
            self._new_views.remove(view)
        if customer_id in self._views:
            return
        self._views[customer_id] = view
        view.finished.connect(lambda _r, v=view: self._forget(v))  # type: ignore[attr-defined]

    def _forget(self, view: QWidget) -> None:
        if view in self._new_views:
            self._new_views.remove(view)
        for cid, known in list(self._views.items()):
            if known is view:
                del self._views[cid]
        view.deleteLater()

    def _fill_choices(self) -> None:
        """(Re)fill the tag and Betreuer filters, keeping the current choice."""
        tag, owner = self.tag_filter.currentData(), self.owner_filter.currentData()
        for combo in (self.tag_filter, self.owner_filter):
            combo.blockSignals(True)
            combo.clear()
        self.tag_filter.addItem(self.tr("Alle Schlagwörter"), None)
        for name in self.context.services.customers.tags():
            self.tag_filter.addItem(name, name)
        self.owner_filter.addItem(self.tr("Alle Betreuer"), None)
        self.owner_filter.addItem(self.tr("Meine Kunden"), _MINE)
        items = self.owner_filter.model()
        if not preferences.staff_name() and isinstance(items, QStandardItemModel):
            mine = items.item(1)
            mine.setEnabled(False)
            mine.setToolTip(self.tr("Erst unter Datei → Einstellungen „Ich bin“ wählen"))
        for name in self.context.services.settings.staff():
            self.owner_filter.addItem(name, name)
        for combo, value in ((self.tag_filter, tag), (self.owner_filter, owner)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(format_count(count, self.tr("Kunde"), self.tr("Kunden")))

    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.customer_id(index.row()))

    def _open_first_match(self) -> None:
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _on_changed(self, changes: Changes) -> None:
        if Domain.SETTINGS in changes.domains:
            self._fill_choices()
            self.apply_filter()
        if not changes.touches(Domain.CUSTOMERS):
            return
        changed = changes.customers(Domain.CUSTOMERS)
        if changed is not None and len(changed) == 1:
            self.model.refresh_customer(next(iter(changed)))
        else:
            self.model.reload()
        self._fill_choices()
        self._update_count()

    def _restore_header(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        state = QSettings().value(_HEADER_KEY)
        if not (isinstance(state, QByteArray) and header.restoreState(state)):
            # all ten columns, the class badge last, fit the default 1280-pixel window
            for column, width in enumerate((72, 165, 130, 140, 50, 115, 105, 140, 85, 52)):
                header.resizeSection(column, width)
            header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts the model by the restored indicator
        header.sectionResized.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)

    def _save_header(self) -> None:
        QSettings().setValue(_HEADER_KEY, self.table.horizontalHeader().saveState())
