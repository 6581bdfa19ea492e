"""Settings: one editor per declared setting, saved as soon as it changes.

Optional numbers show their "none" value as the spin box's lowest entry ("Never", "No limit");
optional text is empty for "none".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.preferences import PAGE_SETTINGS, Preferences, SettingError
from library.settings import Setting


class SettingsPage(QWidget):
    preference_changed = Signal(str)
    """The key of a setting that was just saved."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preferences = preferences
        self.editors: dict[str, QWidget] = {}
        self._labels = {
            "downloads.folder": self.tr("Download folder"),
            "downloads.auto_download_new": self.tr("Download new episodes automatically"),
            "downloads.delete_played_after_days": self.tr("Delete played downloads after (days)"),
            "downloads.keep_per_podcast": self.tr("Keep at most this many downloads per podcast"),
            "feeds.refresh_interval_min": self.tr("Refresh every (minutes, 0 = never)"),
            "playback.skip_back_s": self.tr("Skip back (seconds)"),
            "playback.skip_forward_s": self.tr("Skip forward (seconds)"),
            "playback.speed": self.tr("Default playback speed"),
            "ui.theme": self.tr("Theme"),
            "ui.language": self.tr("Language (after a restart)"),
            "privacy.load_remote_images": self.tr("Load images in show notes from the internet"),
            "service.url": self.tr("Castwise service address"),
        }
        self._none_text = {
            "downloads.delete_played_after_days": self.tr("Never"),
            "downloads.keep_per_podcast": self.tr("No limit"),
        }
        self._choice_text = {
            "system": self.tr("Same as the system"),
            "light": self.tr("Light"),
            "dark": self.tr("Dark"),
            "en": "English",
            "zh_CN": "简体中文",
        }
        self._setup_ui()

    def _setup_ui(self) -> None:
        outer = QVBoxLayout(self)
        form = QFormLayout()
        for setting in PAGE_SETTINGS:
            editor = self._editor_for(setting)
            label = self._labels.get(setting.key, setting.key)
            editor.setAccessibleName(label)
            editor.setToolTip(setting.description)
            self.editors[setting.key] = editor
            form.addRow(label, editor)
        outer.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        outer.addWidget(self.error_label)
        problems = self._preferences.problems
        if problems:
            self.error_label.setText("\n".join(problems))
        outer.addStretch(1)

    def _editor_for(self, setting: Setting[Any]) -> QWidget:
        value = self._preferences.get(setting)
        if setting.kind is bool:
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(lambda checked, s=setting: self._save(s, bool(checked)))
            return check
        if setting.choices:
            combo = QComboBox()
            for choice in setting.choices:
                combo.addItem(self._choice_text.get(choice, choice), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.activated.connect(lambda index, s=setting, box=combo: self._save(s, box.itemData(index)))
            return combo
        if setting.kind is int:
            spin = QSpinBox()
            low = int(setting.minimum if setting.minimum is not None else 0)
            if setting.optional:
                low -= 1  # the lowest entry stands for "none"
                spin.setSpecialValueText(self._none_text.get(setting.key, "—"))
            spin.setRange(low, int(setting.maximum if setting.maximum is not None else 100_000))
            spin.setValue(low if value is None else int(value))
            spin.valueChanged.connect(
                lambda number, s=setting, box=spin: self._save(
                    s, None if s.optional and number == box.minimum() else int(number)
                )
            )
            return spin
        if setting.kind is float:
            double = QDoubleSpinBox()
            double.setRange(setting.minimum or 0.0, setting.maximum or 100.0)
            double.setSingleStep(0.05)
            double.setValue(float(value))
            double.valueChanged.connect(lambda number, s=setting: self._save(s, float(number)))
            return double
        line = QLineEdit("" if value is None else str(value))
        line.editingFinished.connect(
            lambda s=setting, edit=line: self._save(s, edit.text().strip() or (None if s.optional else ""))
        )
        return line

    def _save(self, setting: Setting[Any], value: Any) -> None:
        try:
            self._preferences.set(setting, value)
        except SettingError as error:
            self.error_label.setText(error.message)
            return
        self.error_label.clear()
        self.preference_changed.emit(setting.key)
