"""Pages built on their first visit.

Only the Library is on screen at start-up; Up Next, Downloads, For You, Search and Settings are
built (their modules imported, their widgets made and wired) the first time anything needs them:
the listener opens them, or code asks for them. Until then an empty placeholder holds the page's
place in the stack, so the sidebar's order and the stack's indexes never change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStackedWidget, QWidget

PageFactory = Callable[[], QWidget]
"""Builds a page and connects it to the window; called once."""


class LazyPages:
    """The pages of ``stack``, each built by its factory on first :meth:`get`."""

    def __init__(self, stack: QStackedWidget) -> None:
        self._stack = stack
        self._factories: dict[str, PageFactory] = {}
        self._pages: dict[str, QWidget] = {}
        self._placeholders: dict[str, QWidget] = {}

    def add(self, key: str, page: QWidget) -> None:
        """A page built already (the one shown at start)."""
        self._stack.addWidget(page)
        self._pages[key] = page

    def add_lazy(self, key: str, factory: PageFactory) -> None:
        placeholder = QWidget()
        self._stack.addWidget(placeholder)
        self._placeholders[key] = placeholder
        self._factories[key] = factory

    def built(self, key: str) -> QWidget | None:
        """The page if it exists, without building it."""
        return self._pages.get(key)

    def get(self, key: str) -> QWidget:
        page = self._pages.get(key)
        if page is not None:
            return page
        page = self._factories.pop(key)()
        placeholder = self._placeholders.pop(key)
        index = self._stack.indexOf(placeholder)
        current = self._stack.currentWidget() is placeholder
        self._stack.insertWidget(index, page)
        self._stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current:
            self._stack.setCurrentWidget(page)
        self._pages[key] = page
        return page

    def show(self, key: str) -> QWidget:
        page = self.get(key)
        self._stack.setCurrentWidget(page)
        return page
