"""A text browser that shows a stored page without any network.

``OfflineBrowser`` is a QTextBrowser whose ``loadResource`` serves only what the case holds
(other captures and the images and stylesheets recorded in added WARC/WACZ files, keyed by
URL, relative URLs resolved against the page's URL, and ``data:`` URLs inside the page) and
refuses everything else. QTextBrowser has no network stack of its own; refusing in
``loadResource`` also keeps it from reading local files a page points to.
"""

from __future__ import annotations

import base64
import urllib.parse
from typing import Callable

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from ...sources.acquire.decoding import decode_text


class OfflineBrowser(QTextBrowser):
    """Renders stored HTML. Resources come from ``resolver(url)`` (the case) or not at all."""

    resource_refused = Signal(str)
    resource_served = Signal(str)

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.resolver: Callable[[str], tuple[bytes, str | None] | None] | None = None
        self.refused: dict[str, None] = {}   # distinct URLs refused, in order
        self.served: dict[str, None] = {}

    def show_page(self, text: str, base_url: str | None, resolver) -> None:
        self.refused, self.served = {}, {}
        self.resolver = resolver
        self.document().setBaseUrl(QUrl(base_url) if base_url else QUrl())
        self.setHtml(text)

    def clear_page(self, message: str = "") -> None:
        self.resolver = None
        self.refused, self.served = {}, {}
        self.document().setBaseUrl(QUrl())
        self.setHtml(message)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt's name
        base = self.document().baseUrl()
        absolute = base.resolved(url) if url.isRelative() and base.isValid() else url
        text = absolute.toString()
        found = None
        if absolute.scheme() == "data":
            found = _data_url(text)
        elif absolute.scheme() in ("http", "https") and self.resolver is not None:
            found = self.resolver(text)
        if found is None:
            if text not in self.refused:
                self.refused[text] = None
                self.resource_refused.emit(text)
            return None
        data, media_type = found
        if text not in self.served:
            self.served[text] = None
            self.resource_served.emit(text)
        if kind == QTextDocument.ResourceType.StyleSheetResource:
            return decode_text(data)[0]
        if kind == QTextDocument.ResourceType.ImageResource:
            image = QImage()
            return image if image.loadFromData(data) else None
        return QByteArray(data)


def _data_url(url: str) -> tuple[bytes, str | None] | None:
    """The bytes of a ``data:`` URL (part of the page itself, so no request is made)."""
    try:
        header, _, payload = url[5:].partition(",")
        media_type = header.split(";")[0] or None
        if header.endswith(";base64"):
            return base64.b64decode(payload), media_type
        return urllib.parse.unquote_to_bytes(payload), media_type
    except (ValueError, TypeError):
        return None
