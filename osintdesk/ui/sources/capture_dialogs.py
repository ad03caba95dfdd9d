"""The Capture URLs dialog and the Capture settings dialog (user agent, proxy, limits, TLS)."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSpinBox, QVBoxLayout)

from ...errors import OsintdeskError
from ...sources.acquire.web import DEFAULT_USER_AGENT, CaptureSettings
from ...sources.settings import load_capture_settings, save_capture_settings, settings_from

MIB = 1024 * 1024


def settings_to_edit() -> CaptureSettings:
    """The saved capture settings, or the defaults when the saved ones are not usable."""
    try:
        return load_capture_settings()
    except OsintdeskError:
        return CaptureSettings()


def settings_summary(settings: CaptureSettings) -> str:
    """What a capture will be made with, in three lines."""
    proxy = settings.proxy or "none (direct connection)"
    return (f"User agent: {settings.user_agent}\nProxy: {proxy}\n"
            f"Timeout: {settings.timeout_s:g} s; largest body: {settings.max_bytes / MIB:g} MiB; "
            f"TLS verification: {'on' if settings.verify_tls else 'OFF'}")


class CaptureSettingsDialog(QDialog):
    """User agent, proxy (http/https/socks5h), timeout, size limit and TLS verification."""

    def __init__(self, settings: CaptureSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Capture settings")
        self.setObjectName("capture_settings_dialog")
        self.user_agent_edit = QLineEdit(settings.user_agent, objectName="user_agent")
        self.proxy_edit = QLineEdit(settings.proxy or "", objectName="proxy")
        self.proxy_edit.setPlaceholderText("none; e.g. socks5h://127.0.0.1:9050 for Tor")
        self.timeout_spin = QDoubleSpinBox(objectName="timeout", minimum=1, maximum=3600,
                                           decimals=0, suffix=" s")
        self.timeout_spin.setValue(settings.timeout_s)
        self.max_size_spin = QSpinBox(objectName="max_size", minimum=1, maximum=100_000,
                                      suffix=" MiB")
        self.max_size_spin.setValue(max(1, round(settings.max_bytes / MIB)))
        self.verify_check = QCheckBox("Verify TLS certificates (recommended)",
                                      objectName="verify_tls")
        self.verify_check.setChecked(settings.verify_tls)
        self.error_label = QLabel(objectName="settings_error")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        reset = QPushButton("Default user agent")
        reset.clicked.connect(lambda: self.user_agent_edit.setText(DEFAULT_USER_AGENT))
        ua_row = QHBoxLayout()
        ua_row.addWidget(self.user_agent_edit, 1)
        ua_row.addWidget(reset)
        form = QFormLayout()
        ua_label = QLabel("&User agent:")
        ua_label.setBuddy(self.user_agent_edit)  # a row that is a layout gets no buddy
        form.addRow(ua_label, ua_row)
        form.addRow("&Proxy:", self.proxy_edit)
        form.addRow("&Timeout:", self.timeout_spin)
        form.addRow("&Largest body:", self.max_size_spin)
        form.addRow("", self.verify_check)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(620, 0)
        self.settings = settings

    def values(self) -> CaptureSettings:
        return settings_from({
            "user_agent": self.user_agent_edit.text(), "proxy": self.proxy_edit.text().strip(),
            "timeout_s": self.timeout_spin.value(),
            "max_bytes": self.max_size_spin.value() * MIB,
            "verify_tls": self.verify_check.isChecked()})

    def accept(self) -> None:
        try:
            self.settings = self.values()
        except OsintdeskError as error:
            self.error_label.setText(str(error))
            return
        save_capture_settings(self.settings)
        super().accept()


class CaptureDialog(QDialog):
    """Which URLs to capture (one per line), with the settings that will be used."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Capture URLs")
        self.setObjectName("capture_dialog")
        self.urls_edit = QPlainTextEdit(objectName="capture_urls")
        self.urls_edit.setPlaceholderText("https://… (one URL per line)")
        self.settings_label = QLabel(objectName="capture_settings_summary")
        self.settings_label.setWordWrap(True)
        self.settings_label.setStyleSheet("color: #444")
        settings_button = QPushButton("Settings…")
        settings_button.clicked.connect(self.edit_settings)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Capture")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.urls_edit.textChanged.connect(self._update)
        row = QHBoxLayout()
        row.addWidget(self.settings_label, 1)
        row.addWidget(settings_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Each page is fetched once, stored byte for byte with a WARC "
                                "record, hashed, and read for its text and identifiers."))
        layout.addWidget(self.urls_edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(640, 360)
        self._show_settings()
        self._update()

    def _show_settings(self) -> None:
        try:
            self.settings_label.setText(settings_summary(load_capture_settings()))
        except OsintdeskError as error:
            self.settings_label.setText(f"The capture settings are not usable: {error}")

    def edit_settings(self) -> None:
        self.settings_dialog = CaptureSettingsDialog(settings_to_edit(), self)
        self.settings_dialog.accepted.connect(self._show_settings)
        self.settings_dialog.open()

    def urls(self) -> list[str]:
        return [line.strip() for line in self.urls_edit.toPlainText().splitlines() if line.strip()]

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.urls()))

