"""Settings: one editor per declared preference, saved as soon as it changes."""

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

from app.preferences import OPTIONS, Option, Preferences


class SettingsPage(QWidget):
    preference_changed = Signal(str)
    """The key of a preference that was just saved."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preferences = preferences
        self.editors: dict[str, QWidget] = {}
        self._labels = {
            "download_folder": self.tr("Download folder"),
            "auto_download": self.tr("Download new episodes automatically"),
            "cleanup_after_days": self.tr("Delete played downloads after (days, 0 = never)"),
            "keep_per_podcast": self.tr("Keep at most per podcast (0 = no limit)"),
            "refresh_interval_min": self.tr("Refresh every (minutes, 0 = never)"),
            "skip_back_s": self.tr("Skip back (seconds)"),
            "skip_forward_s": self.tr("Skip forward (seconds)"),
            "default_speed": self.tr("Default playback speed"),
            "theme": self.tr("Theme"),
            "language": self.tr("Language (after a restart)"),
            "remote_images": self.tr("Load images in show notes from the internet"),
            "service_url": self.tr("Castwise service address"),
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
        for option in OPTIONS:
            editor = self._editor_for(option)
            editor.setAccessibleName(self._labels[option.key])
            editor.setToolTip(option.description)
            self.editors[option.key] = editor
            form.addRow(self._labels[option.key], editor)
        outer.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        outer.addWidget(self.error_label)
        outer.addStretch(1)

    def _editor_for(self, option: Option) -> QWidget:
        value = self._preferences.get(option.key)
        if option.type is bool:
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(lambda checked, key=option.key: self._save(key, bool(checked)))
            return check
        if option.choices:
            combo = QComboBox()
            for choice in option.choices:
                combo.addItem(self._choice_text.get(str(choice), str(choice)), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.activated.connect(lambda index, key=option.key, box=combo: self._save(key, box.itemData(index)))
            return combo
        if option.type is int:
            spin = QSpinBox()
            spin.setRange(int(option.minimum or 0), int(option.maximum or 1_000_000))
            spin.setValue(int(value))
            spin.valueChanged.connect(lambda number, key=option.key: self._save(key, int(number)))
            return spin
        if option.type is float:
            double = QDoubleSpinBox()
            double.setRange(option.minimum or 0.0, option.maximum or 100.0)
            double.setSingleStep(0.05)
            double.setValue(float(value))
            double.valueChanged.connect(lambda number, key=option.key: self._save(key, float(number)))
            return double
        line = QLineEdit(str(value))
        line.editingFinished.connect(lambda key=option.key, edit=line: self._save(key, edit.text().strip()))
        return line

    def _save(self, key: str, value: Any) -> None:
        try:
            self._preferences.set(key, value)
        except (ValueError, KeyError) as error:
            self.error_label.setText(str(error))
            return
        self.error_label.clear()
        self.preference_changed.emit(key)
