from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.ui.rows_model import Row, RowsModel, selected_payload, table_view

Role = Qt.ItemDataRole


def _model() -> RowsModel[str]:
    model = RowsModel[str](["Datum", "Betrag", "Text"], right_aligned=(1,))
    model.set_rows([
        Row(("10.03.2026", "12,50 €", "Angebot nachfassen"), "first", tooltip="Notiz",
            warn=True),
        Row(("15.03.2026", "99,90 €", "Rückruf"), "second"),
    ])
    return model


def test_the_rows_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(_model())


def test_rows_show_their_cells_under_the_headers_and_hand_back_their_payload() -> None:
    model = _model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Datum", "Betrag", "Text"]
    assert [model.index(1, c).data() for c in range(3)] == ["15.03.2026", "99,90 €", "Rückruf"]
    assert [model.payload(r) for r in range(model.rowCount())] == ["first", "second"]


def test_a_warned_row_is_red_and_its_tooltip_shows_on_every_cell() -> None:
    model = _model()
    colour = model.index(0, 2).data(Role.ForegroundRole)
    assert isinstance(colour, QBrush) and colour.color().red() > colour.color().green()
    assert model.index(0, 0).data(Role.ToolTipRole) == "Notiz"
    assert model.index(1, 0).data(Role.ForegroundRole) is None
    assert model.index(1, 2).data(Role.ToolTipRole) is None


def test_amount_columns_are_right_aligned_and_the_others_are_left_to_the_view() -> None:
    model = _model()
    alignment = model.index(0, 1).data(Role.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(Role.TextAlignmentRole) is None


def test_with_cell_tooltips_a_cell_shows_its_own_text_unless_the_row_has_a_tooltip() -> None:
    model = RowsModel[int](["Betreff", "Text"], cell_tooltips=True)
    model.set_rows([Row(("Anruf", "ein langer Text"), 1), Row(("Brief", "kurz"), 2, "Notiz")])
    assert model.index(0, 1).data(Role.ToolTipRole) == "ein langer Text"
    assert model.index(1, 1).data(Role.ToolTipRole) == "Notiz"


def test_the_selected_payload_is_none_until_a_row_is_selected_and_the_status_says_so(
    qtbot: QtBot,
) -> None:
    model = _model()
    view = table_view(model, stretch=(2,))
    qtbot.addWidget(view)
    status = QLabel()
    assert selected_payload(view, model, status=status) is None
    assert status.text() == "Bitte zuerst eine Zeile wählen."
    view.selectRow(1)
    assert selected_payload(view, model) == "second"


def test_the_table_view_selects_one_whole_row_and_cannot_edit(qtbot: QtBot) -> None:
    view = table_view(_model(), widths=(150,), default_width=120)
    qtbot.addWidget(view)
    assert view.selectionBehavior() == QTableView.SelectionBehavior.SelectRows
    assert view.selectionMode() == QTableView.SelectionMode.SingleSelection
    assert view.editTriggers() == QTableView.EditTrigger.NoEditTriggers
    assert not view.verticalHeader().isVisible()
    header = view.horizontalHeader()
    assert (header.sectionSize(0), header.sectionSize(1)) == (150, 120)
    assert header.stretchLastSection()
