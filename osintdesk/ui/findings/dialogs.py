"""Dialogs that ask for a finding: an entity, a link, an event, a claim (with the evidence
it cites and an optional check against the tracks), a citation, a merge, a change of
status, and the question asked before a deletion. They only ask; the window's findings
part runs the change on the task runner, and the domain says what is wrong with it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget)

from ...findings import ftm
from ...findings.claims import CHECKS, CONFIDENCES, STATUSES
from ..dialogs import ok_cancel
from .models import property_choices, property_label
from ...words import counted

# Link types as the investigator reads them, and what add_link is given.
LINK_CHOICES = [("operates (an aircraft's operator)", "operator"), ("owns (Ownership)", "Ownership"),
                ("directs (Directorship)", "Directorship"), ("is a member of (Membership)", "Membership"),
                ("is employed by (Employment)", "Employment"),
                ("represents (Representation)", "Representation"),
                ("is an associate of (Associate)", "Associate"), ("is family of (Family)", "Family"),
                ("is linked to, with a role (UnknownLink)", "UnknownLink")]
ZONES = ("UTC", "Europe/Moscow", "Asia/Pyongyang", "Asia/Vladivostok", "Asia/Shanghai",
         "Europe/London", "America/New_York", "+03:00", "+09:00", "+10:00")
CHECK_WORDS = {"flew": "flew from one airport to another", "on-ground": "was on the ground at an airport",
               "airborne": "was in the air at a time"}


def _text(widget) -> str | None:
    """What was typed, without surrounding space; None when nothing was."""
    value = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return value.strip() or None


class EntityPicker(QComboBox):
    """Choose an entity of the case, or type what names one (an id, a registration, an
    airport code: the domain resolves it)."""

    def __init__(self, entities: list[dict], *, optional: bool = False, parent=None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        if optional:
            self.addItem("", None)
        for entity in entities:
            self.addItem(f"{entity['caption']} ({entity['schema']})", entity["id"])

    def value(self) -> str | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        return self.itemData(index) if index >= 0 and self.itemData(index) else text

    def choose(self, entity_id: str | None) -> None:
        index = self.findData(entity_id)
        if index >= 0:
            self.setCurrentIndex(index)


class FormDialog(QDialog):
    """A form with OK and Cancel; OK is enabled once ``ready()`` holds."""

    def __init__(self, title: str, name: str, parent=None, ok_text: str = "OK"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons = ok_cancel(self, ok_text)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(560, 0)

    def add_rows(self, *rows) -> None:
        """(label, field) rows; a label's "&" gives its field a shortcut."""
        for label, field in rows:
            self.form.addRow(label, field)

    def ready(self) -> bool:
        return True

    def fit_height(self) -> None:
        """As tall as what is shown now (after rows were shown or hidden), wrapped text
        included."""
        layout = self.layout()
        layout.activate()
        height = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else self.sizeHint().height())
        self.resize(self.width(), max(height, self.minimumSizeHint().height()))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.fit_height()   # the width is known now: wrapped labels get their lines

    def _update(self, *_args) -> None:
        self.ok_button.setEnabled(self.ready())


def evidence_label(label: str, quote: str | None) -> QLabel:
    text = f"<b>{_escape(label)}</b>" + (f"<br><i>“{_escape(quote)}”</i>" if quote else "")
    widget = QLabel(text, objectName="evidence_label")
    widget.setTextFormat(Qt.TextFormat.RichText)
    widget.setWordWrap(True)
    return widget


def _escape(text: str) -> str:
    import html
    return html.escape(text)


# ----------------------------------------------------------------------------- entities


class PropertyRow(QWidget):
    def __init__(self, schema: str, parent=None):
        super().__init__(parent)
        self.prop_combo = QComboBox()
        self.prop_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.prop_combo.setMinimumContentsLength(18)
        self.value_edit = QLineEdit(placeholderText="value")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.prop_combo, 2)
        layout.addWidget(self.value_edit, 3)
        self.set_schema(schema)

    def set_schema(self, schema: str) -> None:
        chosen = self.prop_combo.currentData()
        self.prop_combo.clear()
        for label, prop in property_choices(schema):
            self.prop_combo.addItem(label, prop)
        index = self.prop_combo.findData(chosen)
        self.prop_combo.setCurrentIndex(max(index, 0))

    def pair(self) -> tuple[str, str] | None:
        value = self.value_edit.text().strip()
        return (self.prop_combo.currentData(), value) if value else None


class EntityDialog(FormDialog):
    """A new entity: its schema, its name and any FollowTheMoney properties."""

    def __init__(self, parent=None, *, name: str = "", schema: str = "Person",
                 evidence: str | None = None, quote: str | None = None):
        super().__init__("Add entity", "entity_dialog", parent, "Add entity")
        self.schema_combo = QComboBox(objectName="schema")
        for schema_name in ftm.ENTITY_SCHEMATA:
            self.schema_combo.addItem(schema_name, schema_name)
        self.schema_combo.setCurrentIndex(max(0, self.schema_combo.findData(schema)))
        self.name_edit = QLineEdit(name, objectName="name")
        self.name_edit.setPlaceholderText("e.g. Russian Air Force, RA-86496, Sergei Shoigu")
        self.rows: list[PropertyRow] = []
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        more = QPushButton("Another property", objectName="add_property")
        more.clicked.connect(lambda: self.add_row())
        props = QVBoxLayout()
        props.addLayout(self.rows_box)
        props.addWidget(more, 0, Qt.AlignmentFlag.AlignLeft)
        self.form.addRow("&Schema:", self.schema_combo)
        self.form.addRow("&Name:", self.name_edit)
        props_label = QLabel("Properties:")
        self.form.addRow(props_label, props)
        if evidence:
            self.form.addRow("Cited:", evidence_label(evidence, quote))
        self.add_row()
        self.schema_combo.currentIndexChanged.connect(self._schema_changed)
        self.name_edit.textChanged.connect(self._update)
        self._update()

    def add_row(self) -> PropertyRow:
        row = PropertyRow(self.schema_combo.currentData())
        self.rows.append(row)
        self.rows_box.addWidget(row)
        return row

    def _schema_changed(self, _index: int) -> None:
        for row in self.rows:
            row.set_schema(self.schema_combo.currentData())

    def ready(self) -> bool:
        return bool(self.name_edit.text().strip())

    def values(self) -> tuple[str, str, list[tuple[str, str]]]:
        pairs = [pair for pair in (row.pair() for row in self.rows) if pair]
        return self.schema_combo.currentData(), self.name_edit.text().strip(), pairs


class MergeDialog(FormDialog):
    """Two entities that turn out to be one: the kept one receives the other's names and
    properties; the other's id stays valid."""

    def __init__(self, entities: list[dict], parent=None, keep: str | None = None):
        super().__init__("Merge entities", "merge_dialog", parent, "Merge")
        self.keep_picker = EntityPicker(entities, optional=True)
        self.other_picker = EntityPicker(entities, optional=True)
        self.keep_picker.choose(keep)
        self.reason_edit = QLineEdit(objectName="reason", placeholderText="why they are one (optional)")
        note = QLabel("The merged entity's names become aliases of the kept one; its id stays "
                      "valid, so nothing that cites it breaks. The merge is audited.")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.form.addRow("&Keep:", self.keep_picker)
        self.form.addRow("&Merge into it:", self.other_picker)
        self.form.addRow("&Reason:", self.reason_edit)
        for picker in (self.keep_picker, self.other_picker):
            picker.currentTextChanged.connect(self._update)
        self._update()

    def ready(self) -> bool:
        return bool(self.keep_picker.value() and self.other_picker.value())

    def values(self) -> tuple[str, str, str | None]:
        return self.keep_picker.value(), self.other_picker.value(), _text(self.reason_edit)


class LinkDialog(FormDialog):
    """A link from one entity to another, with its role and dates."""

    def __init__(self, entities: list[dict], parent=None, source: str | None = None):
        super().__init__("Add link", "link_dialog", parent, "Add link")
        self.source_picker = EntityPicker(entities, optional=True)
        self.source_picker.choose(source)
        self.type_combo = QComboBox(objectName="link_type")
        for label, value in LINK_CHOICES:
            self.type_combo.addItem(label, value)
        self.target_picker = EntityPicker(entities, optional=True)
        self.hint = QLabel(objectName="link_hint")
        self.hint.setStyleSheet("color: #555")
        self.role_edit = QLineEdit(objectName="role", placeholderText="optional, e.g. commander")
        self.start_edit = QLineEdit(objectName="start", placeholderText="optional: 2010, 2023-09, 13 Sep 2023")
        self.end_edit = QLineEdit(objectName="end", placeholderText="optional")
        self.add_rows(("&From:", self.source_picker), ("&Link:", self.type_combo),
                      ("&To:", self.target_picker), ("", self.hint), ("&Role:", self.role_edit),
                      ("&Start:", self.start_edit), ("&End:", self.end_edit))
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        for picker in (self.source_picker, self.target_picker):
            picker.currentTextChanged.connect(self._update)
        self._type_changed()
        self._update()

    def _type_changed(self, *_args) -> None:
        value = self.type_combo.currentData()
        schema = ftm.link_schema("UnknownLink" if value == "operator" else value)
        source, target = schema.edge["source"], schema.edge["target"]
        if value == "operator":
            self.hint.setText("From is the operator, To is the aircraft it operates.")
        else:
            self.hint.setText(f"From is the {property_label(source)}, "
                              f"To is the {property_label(target)}.")

    def ready(self) -> bool:
        return bool(self.source_picker.value() and self.target_picker.value())

    def values(self) -> dict:
        return {"from_id": self.source_picker.value(), "to_id": self.target_picker.value(),
                "link_type": self.type_combo.currentData(), "role": _text(self.role_edit),
                "start": _text(self.start_edit), "end": _text(self.end_edit)}


# ----------------------------------------------------------------------------- events


class EventDialog(FormDialog):
    """An event: its title, its dates as precise as they are known, in the zone they were
    given in, its place (an entity or an airport code) and who took part."""

    def __init__(self, entities: list[dict], parent=None):
        super().__init__("Add event", "event_dialog", parent, "Add event")
        self.title_edit = QLineEdit(objectName="title", placeholderText="e.g. Kim–Putin summit at Vostochny")
        self.start_edit = QLineEdit(objectName="start",
                                    placeholderText="2023, September 2023, 2023-09-13 or 2023-09-13T10:00")
        self.end_edit = QLineEdit(objectName="end", placeholderText="optional, as precise as known")
        self.zone_combo = QComboBox(objectName="zone")
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(ZONES)
        self.place_picker = EntityPicker(entities, optional=True)
        self.place_picker.setToolTip("An entity of the case, or an airport's ICAO or IATA code")
        self.involved_list = QListWidget(objectName="involved")
        for entity in entities:
            item = QListWidgetItem(f"{entity['caption']} ({entity['schema']})")
            item.setData(Qt.ItemDataRole.UserRole, entity["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.involved_list.addItem(item)
        self.involved_list.setMaximumHeight(110)
        self.description_edit = QPlainTextEdit(objectName="description")
        self.description_edit.setMaximumHeight(60)
        self.add_rows(("&Title:", self.title_edit), ("&Start:", self.start_edit),
                      ("&End:", self.end_edit), ("&Zone:", self.zone_combo),
                      ("&Place:", self.place_picker), ("&Involved:", self.involved_list),
                      ("&Description:", self.description_edit))
        self.title_edit.textChanged.connect(self._update)
        self.start_edit.textChanged.connect(self._update)
        self._update()

    def ready(self) -> bool:
        return bool(self.title_edit.text().strip() and self.start_edit.text().strip())

    def values(self) -> dict:
        involved = [self.involved_list.item(r).data(Qt.ItemDataRole.UserRole)
                    for r in range(self.involved_list.count())
                    if self.involved_list.item(r).checkState() == Qt.CheckState.Checked]
        return {"title": self.title_edit.text().strip(), "start": self.start_edit.text().strip(),
                "end": _text(self.end_edit), "zone": self.zone_combo.currentText().strip() or None,
                "place": self.place_picker.value(), "involved": involved,
                "description": _text(self.description_edit)}


# ----------------------------------------------------------------------------- claims


class CheckBox(QGroupBox):
    """The flight assertion a claim may carry: flew, on the ground, in the air."""

    def __init__(self, aircraft: list[dict], parent=None):
        super().__init__("Check it against the tracks", parent)
        self.setObjectName("check_box")
        self.setCheckable(True)
        self.setChecked(False)
        self.check_combo = QComboBox(objectName="check")
        for check in CHECKS:
            self.check_combo.addItem(f"{check}: the aircraft {CHECK_WORDS[check]}", check)
        self.aircraft_combo = QComboBox(objectName="aircraft")
        self.aircraft_combo.setEditable(True)
        for plane in aircraft:
            self.aircraft_combo.addItem(plane.get("registration") or plane.get("hex") or plane["uuid"],
                                        plane["uuid"])
        self.from_edit = QLineEdit(objectName="from", placeholderText="ICAO or IATA, e.g. UUWW")
        self.to_edit = QLineEdit(objectName="to", placeholderText="e.g. ZKPY")
        self.date_edit = QLineEdit(objectName="date", placeholderText="e.g. 2023-09-19 (or give two times)")
        self.first_edit = QLineEdit(objectName="between_first", placeholderText="from, e.g. 2023-09-19T06:00Z")
        self.last_edit = QLineEdit(objectName="between_last", placeholderText="to")
        between = QHBoxLayout()
        between.addWidget(self.first_edit)
        between.addWidget(self.last_edit)
        self.at_edit = QLineEdit(objectName="at", placeholderText="ICAO or IATA")
        self.time_edit = QLineEdit(objectName="time", placeholderText="e.g. 2023-09-19T08:00Z")
        self.zone_combo = QComboBox(objectName="check_zone")
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(ZONES)
        self.zone_combo.setToolTip("The zone the date is given in (a day in Pyongyang is not a UTC day)")
        # Only a checked box shows its fields: a claim without a check keeps a short dialog.
        self.fields = QWidget(objectName="check_fields")
        self.form = QFormLayout(self.fields)
        self.form.setContentsMargins(0, 0, 0, 0)
        between_label = QLabel("&Between:")
        between_label.setBuddy(self.first_edit)  # a row that is a layout gets no buddy
        for label, field in (("Chec&k:", self.check_combo), ("&Aircraft:", self.aircraft_combo),
                             ("F&rom:", self.from_edit), ("T&o:", self.to_edit),
                             ("On &date:", self.date_edit), ("Date's &zone:", self.zone_combo),
                             (between_label, between), ("A&t:", self.at_edit),
                             ("At ti&me:", self.time_edit)):
            self.form.addRow(label, field)
        outer = QVBoxLayout(self)
        outer.addWidget(self.fields)
        self.fields.setVisible(False)
        self.toggled.connect(self.fields.setVisible)
        self.check_combo.currentIndexChanged.connect(self._check_changed)
        self._check_changed()

    # The form's rows (0 check, 1 aircraft) each check asks for.
    ROWS = {"flew": (2, 3, 4, 5, 6), "on-ground": (6, 7), "airborne": (8,)}

    def _check_changed(self, *_args) -> None:
        check = self.check_combo.currentData()
        shown = self.ROWS[check]
        for row in range(2, self.form.rowCount()):
            self.form.setRowVisible(row, row in shown)
        between = self.form.itemAt(6, QFormLayout.ItemRole.LabelRole).widget()
        between.setText("Or &between:" if check == "flew" else "&Between:")

    def prefill(self, check: str, **fields) -> None:
        self.setChecked(True)
        self.check_combo.setCurrentIndex(max(0, self.check_combo.findData(check)))
        if fields.get("aircraft"):
            index = self.aircraft_combo.findData(fields["aircraft"])
            if index >= 0:
                self.aircraft_combo.setCurrentIndex(index)
        for key, edit in (("origin", self.from_edit), ("destination", self.to_edit),
                          ("date", self.date_edit), ("at", self.at_edit), ("time", self.time_edit)):
            if fields.get(key):
                edit.setText(fields[key])

    def aircraft(self) -> str | None:
        text = self.aircraft_combo.currentText().strip()
        index = self.aircraft_combo.findText(text, Qt.MatchFlag.MatchExactly)
        return self.aircraft_combo.itemData(index) if index >= 0 else (text or None)

    def values(self) -> dict | None:
        """make_assertion's arguments, or None when the claim carries no check."""
        if not self.isChecked():
            return None
        check = self.check_combo.currentData()
        first, last = _text(self.first_edit), _text(self.last_edit)
        found = {"check": check, "aircraft": self.aircraft()}
        if first or last:
            found["between"] = (first or "", last or "")
        if check == "flew":
            found.update(origin=_text(self.from_edit), destination=_text(self.to_edit),
                         date=_text(self.date_edit))
            if found["date"]:
                found["zone"] = self.zone_combo.currentText().strip() or None
        elif check == "on-ground":
            found["at"] = _text(self.at_edit)
        else:
            found.pop("between", None)
            found["time"] = _text(self.time_edit)
        return found


class ClaimDialog(FormDialog):
    """A claim: a sentence, its status and confidence, and an optional check against the
    tracks. With ``evidence`` (a passage of a capture, a flight), the evidence is cited in a
    new claim or in one already in the case, as supporting or contradicting it."""

    def __init__(self, aircraft: list[dict], parent=None, *, claims: list[dict] = (),
                 evidence: str | None = None, quote: str | None = None, text: str = ""):
        super().__init__("Cite in a claim" if evidence else "Add claim", "claim_dialog", parent,
                         "Cite" if evidence else "Add claim")
        self.evidence = evidence
        self.new_radio = QRadioButton("a new claim", objectName="new_claim", checked=True)
        self.existing_radio = QRadioButton("a claim already in the case", objectName="existing_claim")
        self.existing_combo = QComboBox(objectName="existing")
        self.existing_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.existing_combo.setMinimumContentsLength(30)
        for claim in claims:
            self.existing_combo.addItem(claim["text"], claim["uuid"])
        self.stance_combo = QComboBox(objectName="stance")
        self.stance_combo.addItem("supports the claim", "supports")
        self.stance_combo.addItem("contradicts the claim", "contradicts")
        self.text_edit = QPlainTextEdit(text, objectName="claim_text")
        self.text_edit.setPlaceholderText("e.g. RA-86496 flew from Moscow to Pyongyang on 19 September 2023.")
        self.text_edit.setMaximumHeight(70)
        self.status_combo = QComboBox(objectName="status")
        self.status_combo.addItems(STATUSES)
        self.confidence_combo = QComboBox(objectName="confidence")
        self.confidence_combo.addItem("— not given", None)
        for word in CONFIDENCES:
            self.confidence_combo.addItem(word, word)
        self.check_box = CheckBox(aircraft)
        self.check_box.toggled.connect(lambda _on: self.fit_height())
        if evidence:
            self.form.addRow("Evidence:", evidence_label(evidence, quote))
            self.form.addRow("&It:", self.stance_combo)
            self.mode_group = QButtonGroup(self)
            mode = QHBoxLayout()
            for radio in (self.new_radio, self.existing_radio):
                self.mode_group.addButton(radio)
                mode.addWidget(radio)
            mode.addStretch(1)
            self.existing_radio.setEnabled(bool(claims))
            self.form.addRow("Cite it in:", mode)
            self.form.addRow("&Claim:", self.existing_combo)
            self.new_radio.toggled.connect(self._mode_changed)
        self.form.addRow("&Text:", self.text_edit)
        self.form.addRow("&Status:", self.status_combo)
        self.form.addRow("&Confidence:", self.confidence_combo)
        self.layout().insertWidget(1, self.check_box)
        self.text_edit.textChanged.connect(self._update)
        self.existing_combo.currentIndexChanged.connect(self._update)
        self._mode_changed()
        self.resize(620, 0)

    def is_new(self) -> bool:
        return self.new_radio.isChecked()

    def _mode_changed(self, *_args) -> None:
        new = self.is_new()
        if self.evidence:
            self.form.setRowVisible(self.existing_combo, not new)
        for widget in (self.text_edit, self.status_combo, self.confidence_combo):
            self.form.setRowVisible(widget, new)
        self.check_box.setVisible(new)
        self._update()
        self.fit_height()

    def ready(self) -> bool:
        if self.is_new():
            return bool(self.text_edit.toPlainText().strip())
        return self.existing_combo.currentData() is not None

    def values(self) -> dict:
        return {"new": self.is_new(), "claim": self.existing_combo.currentData(),
                "stance": self.stance_combo.currentData(),
                "text": self.text_edit.toPlainText().strip(),
                "status": self.status_combo.currentText(),
                "confidence": self.confidence_combo.currentData(),
                "check": self.check_box.values() if self.is_new() else None}


class StatusDialog(FormDialog):
    def __init__(self, claim: dict, parent=None):
        super().__init__("Change the claim's status", "status_dialog", parent, "Change status")
        label = QLabel(claim["text"])
        label.setWordWrap(True)
        self.status_combo = QComboBox(objectName="status")
        self.status_combo.addItems(STATUSES)
        self.status_combo.setCurrentText(claim["status"])
        self.reason_edit = QLineEdit(objectName="reason", placeholderText="why (kept in the audit log)")
        self.form.addRow(label)
        self.form.addRow("&Status:", self.status_combo)
        self.form.addRow("&Reason:", self.reason_edit)

    def values(self) -> tuple[str, str | None]:
        return self.status_combo.currentText(), _text(self.reason_edit)


class CitationDialog(FormDialog):
    """Cite a record of the case (a source, a flight, a ground stay, an event, an entity,
    another claim) for the selected finding."""

    def __init__(self, owner_label: str, citable: list[dict], parent=None):
        super().__init__("Add citation", "citation_dialog", parent, "Cite")
        owner = QLabel(f"For: <b>{_escape(owner_label)}</b>")
        owner.setWordWrap(True)
        self.target_combo = QComboBox(objectName="target")
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target_combo.setMinimumContentsLength(40)
        for row in citable:
            self.target_combo.addItem(row["label"], row["uuid"])
        self.stance_combo = QComboBox(objectName="stance")
        self.stance_combo.addItems(["supports", "contradicts"])
        self.quote_edit = QLineEdit(objectName="quote",
                                    placeholderText="optional: a passage of the source's text")
        self.note_edit = QLineEdit(objectName="note", placeholderText="optional")
        self.form.addRow(owner)
        self.form.addRow("&Cite:", self.target_combo)
        self.form.addRow("&Stance:", self.stance_combo)
        self.form.addRow("&Quote:", self.quote_edit)
        self.form.addRow("&Note:", self.note_edit)
        self.target_combo.currentIndexChanged.connect(self._update)
        self._update()

    def ready(self) -> bool:
        return self.target_combo.currentData() is not None

    def values(self) -> dict:
        return {"target": self.target_combo.currentData(), "stance": self.stance_combo.currentText(),
                "quote": _text(self.quote_edit), "note": _text(self.note_edit)}


class TieDialog(FormDialog):
    """Tie a source by hand to what it is about when its text never names it: an aircraft,
    a flight, an event or an entity, chosen in a list the filter narrows, and the reason
    (required: a tie without one is refused)."""

    KIND_WORDS = {"aircraft": "aircraft", "flight": "flight", "event": "event", "entity": "entity"}

    def __init__(self, source_label: str, targets: list[dict], parent=None):
        super().__init__("Tie to…", "tie_dialog", parent, "Tie")
        source = QLabel(f"Source: <b>{_escape(source_label)}</b>")
        source.setWordWrap(True)
        self.filter_edit = QLineEdit(objectName="tie_filter",
                                     placeholderText="Filter: a registration, a name, a date, an airport…")
        self.filter_edit.setClearButtonEnabled(True)
        self.target_list = QListWidget(objectName="tie_targets")
        for target in targets:
            item = QListWidgetItem(f"{self.KIND_WORDS.get(target['kind'], target['kind'])}: "
                                   f"{target['label']}")
            item.setData(Qt.ItemDataRole.UserRole, target["uuid"])
            self.target_list.addItem(item)
        self.target_list.setMinimumHeight(160)
        self.reason_edit = QLineEdit(objectName="reason",
                                     placeholderText="why the source is about it, e.g. its photo shows this tail")
        self.form.addRow(source)
        self.form.addRow("&Find:", self.filter_edit)
        self.form.addRow("&Tie to:", self.target_list)
        self.form.addRow("&Reason:", self.reason_edit)
        self.filter_edit.textChanged.connect(self._filter)
        self.target_list.currentItemChanged.connect(self._update)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for row in range(self.target_list.count()):
            item = self.target_list.item(row)
            item.setHidden(not all(w in item.text().lower() for w in words))
        current = self.target_list.currentItem()
        if current is not None and current.isHidden():
            self.target_list.setCurrentItem(None)
        self._update()

    def shown(self) -> list[str]:
        """The targets the filter leaves, as listed."""
        return [self.target_list.item(r).text() for r in range(self.target_list.count())
                if not self.target_list.item(r).isHidden()]

    def choose(self, uuid: str) -> None:
        for row in range(self.target_list.count()):
            item = self.target_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == uuid:
                self.target_list.setCurrentItem(item)

    def target(self) -> str | None:
        item = self.target_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    def ready(self) -> bool:
        return self.target() is not None and bool(self.reason_edit.text().strip())

    def values(self) -> tuple[str, str]:
        return self.target(), self.reason_edit.text().strip()


class DeleteDialog(FormDialog):
    """Asks before a deletion, saying what cites or names the record (those references will
    point at nothing) and that the deleted content stays in the audit log."""

    def __init__(self, label: str, cited_by: list[str], parent=None):
        super().__init__("Delete", "delete_dialog", parent, "Delete")
        text = f"Delete <b>{_escape(label)}</b>?"
        if cited_by:
            items = "".join(f"<li>{_escape(line)}</li>" for line in cited_by)
            verb = "cites or names" if len(cited_by) == 1 else "cite or name"
            text += (f"<p><b style='color:#b00020'>{counted(len(cited_by), 'record')} {verb} it</b>; "
                     f"they will point at a deleted record:</p><ul>{items}</ul>")
        else:
            text += "<p>Nothing cites or names it.</p>"
        text += "<p style='color:#555'>Its content is kept in the audit log.</p>"
        self.message = QLabel(text, objectName="delete_message")
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setWordWrap(True)
        self.reason_edit = QLineEdit(objectName="reason", placeholderText="why (kept in the audit log)")
        self.form.addRow(self.message)
        self.form.addRow("&Reason:", self.reason_edit)
        self.ok_button.setDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)

    def reason(self) -> str | None:
        return _text(self.reason_edit)

