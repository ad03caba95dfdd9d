"""Map the columns of a CSV in no known format, save the mapping as a named preset."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from ..errors import OsintdeskError
from ..flights.mapping import (ALTITUDE_UNITS, NAMED_TIME_FORMATS, SPEED_UNITS, VRATE_UNITS,
                               ColumnMapping, save_preset)
from ..flights.importers.generic_csv import read_header

NONE = "(none)"
FIELDS = [("time", "Time *"), ("lat", "Latitude *"), ("lon", "Longitude *"), ("alt", "Altitude"),
          ("speed", "Ground speed"), ("track", "Track / heading"), ("vrate", "Vertical rate"),
          ("callsign", "Callsign"), ("squawk", "Squawk"), ("hex", "ICAO hex"),
          ("on_ground", "On ground")]
GUESSES = {"time": ("time", "timestamp", "utc", "date"), "lat": ("lat", "latitude"),
           "lon": ("lon", "lng", "long", "longitude"), "alt": ("alt", "altitude", "ele"),
           "speed": ("speed", "gs", "velocity"), "track": ("track", "heading", "course"),
           "vrate": ("vrate", "vertical_rate", "vs"), "callsign": ("callsign", "flight"),
           "squawk": ("squawk",), "hex": ("hex", "icao24", "icao"),
           "on_ground": ("on_ground", "onground", "ground")}


class ColumnMappingDialog(QDialog):
    """Pick which column is which; OK saves the mapping under the given preset name."""

    def __init__(self, path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("column_mapping_dialog")
        self.setWindowTitle("Map the columns of a CSV file")
        self.path = path
        self.columns, self.delimiter = read_header(path)
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(QLabel(f"<b>{path}</b> is in no format osintdesk knows. Say which column "
                           "holds what; the mapping is saved for the next file like it."))
        for key, label in FIELDS:
            combo = QComboBox(objectName=f"column_{key}")
            combo.addItems([NONE] + self.columns)
            guess = next((c for c in self.columns
                          if c.lower() in GUESSES[key]
                          or c.lower().replace("-", "_").split("_")[0] in GUESSES[key]), None)
            if guess:
                combo.setCurrentText(guess)
            self.combos[key] = combo
            form.addRow(label + ":", combo)
        self.time_format = QComboBox(objectName="time_format", editable=True)
        self.time_format.addItems(list(NAMED_TIME_FORMATS) + ["%Y-%m-%d %H:%M:%S"])
        self.utc_offset_h = QDoubleSpinBox(minimum=-14, maximum=14, decimals=2, suffix=" h")
        self.alt_unit = QComboBox(objectName="alt_unit")
        self.alt_unit.addItems(list(ALTITUDE_UNITS))
        self.speed_unit = QComboBox()
        self.speed_unit.addItems(list(SPEED_UNITS))
        self.vrate_unit = QComboBox()
        self.vrate_unit.addItems(list(VRATE_UNITS))
        self.preset_name = QLineEdit(objectName="preset_name", placeholderText="e.g. ministry-export")
        form.addRow("Time format:", self.time_format)
        form.addRow("Times without zone are at UTC+", self.utc_offset_h)
        form.addRow("Altitude unit:", self.alt_unit)
        form.addRow("Speed unit:", self.speed_unit)
        form.addRow("Vertical-rate unit:", self.vrate_unit)
        form.addRow("Save mapping as *:", self.preset_name)
        self.error = QLabel(objectName="mapping_error", styleSheet="color: #b00020")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def mapping(self) -> ColumnMapping:
        values = {key: (None if c.currentText() == NONE else c.currentText())
                  for key, c in self.combos.items()}
        for required in ("time", "lat", "lon"):
            values[required] = values[required] or ""
        return ColumnMapping(time_format=self.time_format.currentText(),
                             utc_offset_s=self.utc_offset_h.value() * 3600.0,
                             alt_unit=self.alt_unit.currentText(),
                             speed_unit=self.speed_unit.currentText(),
                             vrate_unit=self.vrate_unit.currentText(),
                             delimiter=self.delimiter, **values).validate()

    def _accept(self) -> None:
        name = self.preset_name.text().strip()
        try:
            if not name:
                raise OsintdeskError("give the mapping a name to save it under")
            save_preset(name, self.mapping())
        except OsintdeskError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
