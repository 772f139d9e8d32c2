"""Showing and printing PDFs with QtPdf: a page preview, the printer, the system viewer.

QPrinter cannot print a PDF file itself; `QPdfDocument` renders each page into the printer
(rasterised at the printer's resolution). "Im PDF-Betrachter öffnen" hands the vector PDF to
the system viewer instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefe", text)


class PdfPreview(QWidget):
    """One page of a PDF given as bytes, rendered to the width of the view: a narrow window
    shrinks the page instead of cutting it off. `width` is the width the view asks for."""

    MIN_WIDTH = 220

    def __init__(self, parent: QWidget | None = None, *, width: int = 520) -> None:
        super().__init__(parent)
        self._width = width
        self._page = 0
        self._document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self._image = QLabel(tr("Keine Vorschau"))
        self._image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._image.setWordWrap(True)
        self._scroll = QScrollArea()
        self._scroll.setWidget(self._image)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(self.MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._width, super().sizeHint().height())

    @property
    def page_count(self) -> int:
        return self._document.pageCount()

    def show_pdf(self, data: bytes, *, page: int = 0) -> None:
        self._document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self._page = page
        self._render()

    def page_width(self) -> int:
        """The width a page is drawn at: the view's, less room for the vertical scroll bar,
        so the page fits whether or not the bar shows."""
        if not self.isVisible():
            return self._width
        scroll = self._scroll
        room = (scroll.width() - 2 * scroll.frameWidth()
                - scroll.verticalScrollBar().sizeHint().width())
        return max(room, 100)

    def page_image(self, page: int) -> QImage:
        width = self.page_width()
        size = self._document.pagePointSize(page)
        height = int(width * size.height() / max(size.width(), 1))
        ratio = self.devicePixelRatioF()
        image = self._document.render(page, QSize(round(width * ratio), round(height * ratio)))
        image.setDevicePixelRatio(ratio)
        return image

    def clear(self, text: str) -> None:
        self._document.close()
        self._image.setPixmap(QPixmap())
        self._image.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit()  # rendered while hidden (another tab): the width was only a guess

    def _fit(self) -> None:
        shown = self._image.pixmap()
        if (self.page_count and not shown.isNull()
                and round(shown.width() / shown.devicePixelRatio()) != self.page_width()):
            self._render()

    def _render(self) -> None:
        if self.page_count:
            self._image.setPixmap(QPixmap.fromImage(self.page_image(self._page)))


def open_in_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_pdf(path: Path, parent: QWidget | None) -> bool:
    """Ask for a printer and print every page; False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.name)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_to(printer, path)
    return True


def print_to(printer: QPrinter, path: Path) -> int:
    """Render each page of the PDF into the printer; returns the number of pages."""
    document = QPdfDocument()
    document.load(str(path))
    painter = QPainter(printer)
    try:
        rect = painter.viewport()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            painter.drawImage(rect, document.render(page, rect.size()))
        return document.pageCount()
    finally:
        painter.end()
        document.close()
