""""Report a problem": the redacted log with version and platform, to copy or save and send."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ReportDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report = report
        self._setup_ui()

    def _setup_ui(self) -> None:
        self.setWindowTitle(self.tr("Report a problem"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "This report holds Castwise's version, your platform and the recent log. Passwords, "
                "tokens and private feed addresses have been removed. Copy or save it and send it with "
                "a few words about what happened."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text_view = QPlainTextEdit(self._report)
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName(self.tr("Report"))
        layout.addWidget(self.text_view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.save_button = QPushButton(self.tr("Save…"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def report(self) -> str:
        return self._report

    def save_to(self, path: Path) -> None:
        path.write_text(self._report, encoding="utf-8")

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._report)

    def _on_save_button_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, self.tr("Save report"), "castwise-report.txt")
        if name:
            self.save_to(Path(name))
