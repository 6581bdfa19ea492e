"""Show notes rendered as rich text with no remote loading unless the listener allows images.

The HTML is already sanitized by the feed parser (nh3); this view adds the second guard: a
``QTextBrowser`` asks :meth:`loadResource` for every image, and remote ones are refused here
unless remote images are allowed (then they come from a cache filled in the background, never
fetched on the GUI thread). Links open in the system browser.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget


class ShowNotesView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.setAccessibleName(self.tr("Show notes"))
        self._allow_remote_images = False
        self._remote_images: dict[str, object] = {}
        self._html = ""
        self.refused_urls: list[str] = []
        """Remote resources the notes asked for and did not get (the privacy guard at work)."""

    def set_allow_remote_images(self, allowed: bool) -> None:
        self._allow_remote_images = allowed

    def add_cached_image(self, url: str, image: object) -> None:
        """Provide a remote image fetched in the background (used only when allowed)."""
        self._remote_images[url] = image

    def set_notes(self, html: str) -> None:
        self.refused_urls.clear()
        self._html = html or ""
        self.setHtml(self._html)

    def remote_images_wanted(self) -> list[str]:
        """Remote images the notes show, when the listener allows them and they are not here yet."""
        if not self._allow_remote_images:
            return []
        return [url for url in dict.fromkeys(self.refused_urls) if url not in self._remote_images]

    def refresh(self) -> None:
        """Lay the notes out again (after images arrived)."""
        scroll = self.verticalScrollBar().value()
        self.refused_urls.clear()
        self.document().clear()
        self.setHtml(self._html)
        self.verticalScrollBar().setValue(scroll)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        qurl = url if isinstance(url, QUrl) else QUrl(url)
        if qurl.scheme() in ("http", "https", "ftp"):
            text = qurl.toString()
            if self._allow_remote_images and kind == QTextDocument.ResourceType.ImageResource:
                image = self._remote_images.get(text)
                if image is not None:
                    return image
            self.refused_urls.append(text)
            return None
        return super().loadResource(kind, qurl)
