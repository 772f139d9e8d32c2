"""Showing and printing PDFs with QtPdf: a page preview, the printer, the system viewer.

QPrinter cannot print a PDF file itself; `QPdfDocument` renders each page into the printer
(rasterised at the printer's resolution). "Im PDF-Betrachter öffnen" hands the vector PDF to
the system viewer instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefe", text)


class PdfPreview(QWidget):
    """The first page(s) of a PDF given as bytes, rendered to an image."""

    def __init__(self, parent: QWidget | None = None, *, width: int = 520) -> None:
        super().__init__(parent)
        self._width = width
        self._document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self._image = QLabel(tr("Keine Vorschau"))
        self._image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self._image)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

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
        self._image.setPixmap(QPixmap.fromImage(self.render(page)))

    def render(self, page: int) -> QImage:
        size = self._document.pagePointSize(page)
        height = int(self._width * size.height() / max(size.width(), 1))
        return self._document.render(page, QSize(self._width, height))

    def clear(self, text: str) -> None:
        self._image.setPixmap(QPixmap())
        self._image.setText(text)


def open_in_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_pdf(path: Path, parent: QWidget | None) -> bool:
    """Ask for a printer and print every page; False when the user cancelled."""
    document = QPdfDocument(parent)
    document.load(str(path))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.name)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    painter = QPainter(printer)
    try:
        rect = painter.viewport()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            image = document.render(page, rect.size())
            painter.drawImage(rect, image)
    finally:
        painter.end()
        document.close()
    return True
