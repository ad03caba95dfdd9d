"""Exchange bundles in the window, offscreen (issue 12): File › Export Bundle writes a bundle
that verifies; Merge Bundle previews before anything is written, asks consent for an
unsigned bundle, offers nothing for a tampered one; Open Bundle looks without merging;
the Conflicts page lists a conflict and keeping a version settles it (audited)."""

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from osintdesk.app import build_window
from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange.check import verify_bundle
from osintdesk.exchange.conflicts import list_conflicts
from osintdesk.exchange.export import export_bundle
from osintdesk.exchange.merge import merge_bundle
from osintdesk.findings.entities import add_entity, set_properties
from osintdesk.findings.queries import get_entity, list_entities
from osintdesk.sources.annotations import add_tag
from osintdesk.sources.local_files import add_file
from osintdesk.store import Case, verify_case
from osintdesk.ui.exchange.dialogs import (BundleViewDialog, ExportBundleDialog,
                                           KeepVersionDialog, MergePreviewDialog)
from tests.support import bundles

SHOT = Path("/tmp/osintdesk-exchange-shots")


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


class Team:
    """Alice's case with a file and an entity; Bob started from her bundle and both then
    changed the entity differently (a conflict once Bob's bundle comes back)."""

    def __init__(self, folder: Path, key):
        self.folder, self.key = folder, key
        self.alice = folder / "alice.osintcase"
        (folder / "note.txt").write_text("RA-86496 seen at Sunan")
        with Case.create(self.alice, title="Il-62 flights", examiner="Alice") as case:
            case.add_evidence_file(folder / "note.txt")
            self.entity = add_entity(case, "Organization", "Air Force", [("country", "ru")]).id
        first = self.bundle(self.alice, "Alice", "first")
        with Case.create(folder / "bob.osintcase", title="Bob's copy", examiner="Bob") as case:
            self.bob = case.path
            merge_bundle(case, first)
            set_properties(case, self.entity, [("alias", "VKS")])
            add_entity(case, "Person", "A. Pilot")
        with Case.open(self.alice, examiner="Alice") as case:
            set_properties(case, self.entity, [("alias", "Russian Aerospace Forces")])

    def bundle(self, path, examiner: str, name: str, *, signed: bool = True) -> Path:
        out = self.folder / f"{name}.osintbundle"
        with Case.open(path, examiner=examiner) as case:
            export_bundle(case, out, signer=self.key if signed else None)
        return out


@pytest.fixture
def team(tmp_path, key):
    return Team(tmp_path, key)


@pytest.fixture
def window(qtbot, team):
    win = build_window("Alice")
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.case_opened, timeout=10000):
        win.open_case(str(team.alice))
    yield win
    win.runner.wait()


def case_bytes(path: Path) -> str:
    """The case file and its write-ahead log, as bytes on disk."""
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"")
    return digest.hexdigest()


def shot(widget, name: str) -> None:
    SHOT.mkdir(exist_ok=True)
    widget.grab().save(str(SHOT / f"{name}.png"))


def preview(qtbot, window, bundle) -> MergePreviewDialog:
    ui = window.exchange_ui
    with qtbot.waitSignal(ui.preview_shown, timeout=20000) as blocker:
        ui.preview(str(bundle))
    dialog = blocker.args[0]
    assert isinstance(dialog, MergePreviewDialog) and dialog.isVisible()
    return dialog


def audit_actions(path) -> list[str]:
    with Case.open(path, examiner="x", readonly=True) as case:
        return [e.action for e in case.audit_entries()]


# --------------------------------------------------------------------------- export


def test_export_from_the_window_writes_a_bundle_that_verifies(qtbot, window, team):
    ui = window.exchange_ui
    window.file_menu.grab()  # the actions are in the File menu, enabled with a case open
    assert ui.action_export in window.file_menu.actions() and ui.action_export.isEnabled()
    ui.action_export.trigger()
    dialog = ui.dialog
    assert isinstance(dialog, ExportBundleDialog) and dialog.isVisible()
    assert dialog.path_edit.text() == str(team.alice.with_suffix(".osintbundle"))
    assert dialog.tag_box.count() == 1  # no source carries a tag: only the whole case
    assert dialog.passphrase_edit.isHidden()  # a key without a passphrase asks none
    out = team.folder / "to-bob"
    dialog.path_edit.setText(str(out))  # the extension is added
    shot(dialog, "export_dialog")
    with qtbot.waitSignal(ui.exported, timeout=20000) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    result = blocker.args[0]
    written = team.folder / "to-bob.osintbundle"
    assert result.path == written and written.exists()
    report = verify_bundle(written)
    assert report.ok, [str(f) for f in report.failures]
    assert report.signer.state == "trusted" and report.signer.key_id == result.signed_by
    assert report.case["title"] == "Il-62 flights"
    # The result says the file, its size, its SHA-256 and who signed.
    text = ui.dialog.text()
    assert str(written) in text and f"{written.stat().st_size:,} bytes" in text
    assert hashlib.sha256(written.read_bytes()).hexdigest() in text
    assert f"Signed with your examiner key {result.signed_by}" in text
    shot(ui.dialog, "export_result")
    # As the command line: a checkpoint signed first, then the export logged.
    assert audit_actions(team.alice)[-2:] == ["create", "export"]
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        entries = list(case.audit_entries())
        assert entries[-2].object_type == "checkpoint"
        assert entries[-1].details["sha256"] == result.sha256
        assert verify_case(case).ok


def test_a_cancelled_export_leaves_no_bundle_and_no_checkpoint(qtbot, window, team):
    release = threading.Event()
    # Hold the writer so the export is queued, and cancelled, before it starts.
    window.runner.run("Holding the writer", lambda _p, _c: release.wait(10), writes=True)
    before = case_bytes(team.alice)
    out = team.folder / "cancelled.osintbundle"
    task = window.exchange_ui.export(str(out))
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert task.result is None and task.error is None  # cancelled, not failed
    assert "cancelled, nothing was changed" in window.statusBar().currentMessage()
    assert not out.exists() and not list(team.folder.glob(".cancelled*"))
    assert case_bytes(team.alice) == before
    assert "export" not in audit_actions(team.alice)


def test_export_of_one_tag_unsigned(qtbot, window, team):
    report = team.folder / "report.txt"
    report.write_text("Il-62M RA-86496 landed at Sunan at 10:40")
    with Case.open(team.alice, examiner="Alice") as case:
        [source] = add_file(case, report).sources
        add_tag(case, source["uuid"], "sunan")
    window.refresh()
    ui = window.exchange_ui
    dialog = ui.export_dialog()
    assert [dialog.tag_box.itemData(i) for i in range(dialog.tag_box.count())] == [None, "sunan"]
    dialog.tag_box.setCurrentIndex(1)
    dialog.sign_box.setChecked(False)
    dialog.path_edit.setText(str(team.folder / "sunan.osintbundle"))
    with qtbot.waitSignal(ui.exported, timeout=20000) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    result = blocker.args[0]
    assert result.signed_by is None and "Unsigned" in ui.dialog.text()
    checked = verify_bundle(result.path)
    assert checked.ok and checked.signer.state == "unsigned"
    assert checked.manifest["selection"]["tag"] == "sunan"
    assert checked.case["title"] == "Il-62 flights"


def test_an_encrypted_key_needs_its_passphrase(qtbot, window, team, monkeypatch, tmp_path):
    from osintdesk.custody import keys
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    for path in (keys._private_path(), keys._public_path()):
        path.unlink()
    create_examiner_key("correct horse")
    ui = window.exchange_ui
    dialog = ui.export_dialog()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.passphrase_edit.isHidden() and not ok.isEnabled()
    dialog.sign_box.setChecked(False)
    assert ok.isEnabled()  # unsigned: no key needed
    dialog.sign_box.setChecked(True)
    dialog.passphrase_edit.setText("wrong")
    dialog.path_edit.setText(str(tmp_path / "x.osintbundle"))
    before = case_bytes(team.alice)
    ok.click()
    qtbot.waitUntil(lambda: window.last_message is not None, timeout=20000)
    # A wrong passphrase: one message, no bundle, nothing written to the case.
    assert "cannot unlock the examiner key" in window.last_message.text()
    assert not (tmp_path / "x.osintbundle").exists()
    assert case_bytes(team.alice) == before
    window.last_message.close()
    dialog = ui.export_dialog()
    dialog.passphrase_edit.setText("correct horse")
    dialog.path_edit.setText(str(tmp_path / "x.osintbundle"))
    with qtbot.waitSignal(ui.exported, timeout=20000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert verify_bundle(tmp_path / "x.osintbundle").signer.state == "trusted"
    # Closing a case whose history moved asks for the passphrase (a modal dialog nobody
    # would answer here): give it as a script would, and close while the test runs.
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse")
    window.close_case()
    assert window.case is None and window.close_checkpoint is not None


# --------------------------------------------------------------------------- merge


def test_the_preview_lists_the_conflict_and_cancel_writes_nothing(qtbot, window, team):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    before = case_bytes(team.alice)
    dialog = preview(qtbot, window, bob_bundle)
    text = dialog.text.toPlainText()
    assert "Bob's copy" in text and "Bob" in text
    assert "Signed by" in text and "a key you trust" in text
    assert "1 record will be in conflict" in text and team.entity in text
    assert "Entities" in text  # A. Pilot added
    assert f"Entity {team.entity}: 2 versions" in text   # one record: in the singular
    assert "0 new, in 0 captures" in text   # the identifiers the merge would add
    assert dialog.consent.isHidden()  # a trusted signer needs no tick
    assert dialog.merge_button.isEnabled()
    shot(dialog, "merge_preview")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    window.runner.wait()
    qtbot.wait(50)  # any queued callback would have run
    assert case_bytes(team.alice) == before
    assert "merge" not in audit_actions(team.alice)


def test_accepting_the_preview_merges(qtbot, window, team):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    dialog = preview(qtbot, window, bob_bundle)
    with qtbot.waitSignal(window.exchange_ui.merged, timeout=20000) as blocker:
        dialog.merge_button.click()
    result = blocker.args[0]
    assert result.merged and len(result.plan.conflicts) == 1
    message = window.statusBar().currentMessage()
    assert message.startswith("Merged from-bob.osintbundle from “Bob's copy”")
    assert "1 conflict" in message
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        merges = [e for e in case.audit_entries() if e.action == "merge" and not e.object_type]
        assert len(merges) == 1 and merges[0].details["signer"]["state"] == "trusted"
        assert ["A. Pilot"] in [e.properties["name"] for e in list_entities(case)]
        assert verify_case(case).ok
    # The pages were read again: the navigator shows the conflict.
    row = window.pages.index(window.exchange_ui.conflicts_page)
    assert window.navigator.item(row).text() == "Conflicts (1)"


def test_an_unsigned_bundle_needs_the_tick(qtbot, window, team):
    unsigned = team.bundle(team.bob, "Bob", "unsigned", signed=False)
    before = case_bytes(team.alice)
    dialog = preview(qtbot, window, unsigned)
    assert "Not signed" in dialog.text.toPlainText()
    assert not dialog.consent.isHidden() and not dialog.consent.isChecked()
    assert not dialog.merge_button.isEnabled()
    shot(dialog, "merge_unsigned")
    assert case_bytes(team.alice) == before
    dialog.consent.setChecked(True)
    assert dialog.merge_button.isEnabled()
    assert dialog.accepted_signers() == {"accept_unsigned": True, "accept_unknown_signer": False}
    with qtbot.waitSignal(window.exchange_ui.merged, timeout=20000):
        dialog.merge_button.click()
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        merge = [e for e in case.audit_entries() if e.action == "merge" and not e.object_type]
        assert merge[0].details["signer"]["state"] == "unsigned"


def test_an_unknown_signer_is_named_with_its_fingerprint_and_needs_the_tick(
        qtbot, window, team, monkeypatch, tmp_path):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(tmp_path / "elsewhere"))  # key not trusted
    dialog = preview(qtbot, window, bob_bundle)
    text = dialog.text.toPlainText()
    fingerprint = dialog.preview.report.signer.fingerprint
    assert "a key you have not trusted" in text and fingerprint and fingerprint in text
    assert team.key.public.key_id_hex in text
    assert not dialog.consent.isHidden() and not dialog.merge_button.isEnabled()
    dialog.consent.setChecked(True)
    assert dialog.accepted_signers() == {"accept_unsigned": False, "accept_unknown_signer": True}
    with qtbot.waitSignal(window.exchange_ui.merged, timeout=20000) as blocker:
        dialog.merge_button.click()
    assert blocker.args[0].plan.report.signer.state == "unknown"
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        merge = [e for e in case.audit_entries() if e.action == "merge" and not e.object_type]
        assert merge[0].details["signer"]["state"] == "unknown"


def test_a_tampered_bundle_shows_its_failure_and_offers_no_merge(qtbot, window, team):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    members = bundles.read_members(bob_bundle)
    member = "records/entity.jsonl"
    members[member] = members[member].replace(b"VKS", b"XYZ")
    tampered = bundles.write_members(team.folder / "tampered.osintbundle", members)
    before = case_bytes(team.alice)
    dialog = preview(qtbot, window, tampered)
    text = dialog.text.toPlainText()
    assert "FAILED" in text and member in text
    assert "Nothing can be merged" in text and "does not verify" in text
    assert dialog.merge_button.isHidden() and dialog.consent.isHidden()
    shot(dialog, "merge_tampered")
    dialog.reject()
    assert case_bytes(team.alice) == before

    # Open Bundle shows the same failure, and the records of that member are not shown.
    ui = window.exchange_ui
    with qtbot.waitSignal(ui.bundle_shown, timeout=20000) as blocker:
        ui.open_bundle(str(tampered))
    view = blocker.args[0]
    assert "FAILED" in view.summary.toPlainText() and member in view.summary.toPlainText()
    assert view.merge_button.isHidden()
    labels = [view.kinds.item(i).text() for i in range(view.kinds.count())]
    entities = next(i for i, t in enumerate(labels) if t.startswith("Entities"))
    assert labels[entities].endswith("unreadable")
    view.kinds.setCurrentRow(entities)
    assert view.model.rowCount() == 0 and "Not shown" in view.note.text()


def test_an_unreadable_file_is_refused_in_the_preview(qtbot, window, team):
    junk = team.folder / "junk.osintbundle"
    junk.write_bytes(b"not a zip at all")
    dialog = preview(qtbot, window, junk)
    assert "not a bundle" in dialog.text.toPlainText()
    assert dialog.merge_button.isHidden()


def test_a_bundle_that_changed_after_its_preview_is_refused(qtbot, window, team):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    dialog = preview(qtbot, window, bob_bundle)
    shutil.copyfile(team.bundle(team.alice, "Alice", "other"), bob_bundle)  # signed, trusted
    before = case_bytes(team.alice)
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: window.last_message is not None, timeout=20000)
    assert "has changed since it was previewed" in window.last_message.text()
    assert case_bytes(team.alice) == before


# --------------------------------------------------------------------------- open read-only


def test_open_bundle_shows_its_records_without_merging(qtbot, window, team):
    bob_bundle = team.bundle(team.bob, "Bob", "from-bob")
    before = case_bytes(team.alice)
    ui = window.exchange_ui
    with qtbot.waitSignal(ui.bundle_shown, timeout=20000) as blocker:
        ui.open_bundle(str(bob_bundle))
    view = blocker.args[0]
    assert isinstance(view, BundleViewDialog)
    summary = view.summary.toPlainText()
    assert "OK" in summary and "Bob's copy" in summary and "a key you trust" in summary
    labels = [view.kinds.item(i).text() for i in range(view.kinds.count())]
    assert "Entities (2)" in labels and "Evidence files (1)" in labels
    view.kinds.setCurrentRow(labels.index("Entities (2)"))
    names = {view.model.row(r)["properties"] for r in range(view.model.rowCount())}
    assert {json.loads(p)["name"][0] for p in names} == {"Air Force", "A. Pilot"}
    column = [h for h, _k in view.model.columns].index("properties")
    assert "A. Pilot" in " ".join(view.model.index(r, column).data()
                                  for r in range(view.model.rowCount()))
    assert not view.merge_button.isHidden()
    view.resize(1200, 780)
    shot(view, "open_bundle")
    assert case_bytes(team.alice) == before
    # From the look, "Merge into the Open Case…" leads to the same preview.
    with qtbot.waitSignal(ui.preview_shown, timeout=20000) as blocker:
        view.merge_button.click()
    assert not view.isVisible()
    assert blocker.args[0].preview.path == str(bob_bundle)
    blocker.args[0].reject()
    assert case_bytes(team.alice) == before


# --------------------------------------------------------------------------- conflicts


def test_conflicts_page_lists_a_conflict_and_keep_settles_it(qtbot, window, team):
    page = window.exchange_ui.conflicts_page
    window.show_page("Conflicts")
    assert not page.empty.isHidden() and "No conflicts" in page.empty.text()
    with Case.open(team.alice, examiner="Alice") as case:
        merge_bundle(case, team.bundle(team.bob, "Bob", "from-bob"))
    window.refresh()
    assert page.model.rowCount() == 1 and page.empty.isHidden()
    row = page.model.row(0)
    assert (row["kind"], row["key"], row["count"]) == ("entity", team.entity, 2)
    # Every version side by side, the differing field first and marked.
    versions = page.versions
    assert versions.columnCount() == 2
    examiners = {versions.index(1, c).data() for c in range(2)}
    assert examiners == {"Alice", "Bob"}
    # One record: its kind in the singular; where each version was made, in words.
    assert page.model.index(0, 0).data() == "Entity"
    bob = next(c for c in range(2) if versions.index(1, c).data() == "Bob")
    assert versions.index(3, bob).data() == "“Bob's copy” (Bob)"
    with Case.open(team.bob, examiner="x", readonly=True) as case:
        assert versions.index(3, bob).data(Qt.ItemDataRole.ToolTipRole) == f"case {case.uuid}"
    assert versions.index(3, 1 - bob).data() == "this case"
    # Only the alias differs (the entity's properties opened one by one), and comes first.
    assert versions.headerData(5, Qt.Orientation.Vertical) == "properties.alias (differs)"
    assert sorted(versions.index(5, c).data() for c in range(2)) == [
        "Russian Aerospace Forces", "VKS"]
    assert "differs" not in versions.headerData(6, Qt.Orientation.Vertical)
    window.resize(1200, 780)
    shot(window, "conflicts_window")
    page.resize(1000, 700)
    shot(page, "conflicts_page")

    bob_column = next(c for c in range(2) if versions.index(1, c).data() == "Bob")
    button = page.keep_buttons[bob_column]
    assert "Bob" in button.text() and button.isVisible()
    button.click()
    dialog = window.exchange_ui.dialog
    assert isinstance(dialog, KeepVersionDialog) and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is asked
    dialog.reason_edit.setText("The registry says VKS")
    shot(dialog, "keep_version")
    with qtbot.waitSignal(window.exchange_ui.resolved, timeout=20000) as blocker:
        ok.click()
    assert blocker.args[0]["key"] == team.entity
    assert page.model.rowCount() == 0 and "No conflicts" in page.empty.text()
    assert window.navigator.item(window.pages.index(page)).text() == "Conflicts"
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        assert list_conflicts(case) == []
        assert get_entity(case, team.entity).properties["alias"] == ["VKS"]
        resolve_entry = [e for e in case.audit_entries() if e.action == "resolve"][-1]
        assert resolve_entry.details["reason"] == "The registry says VKS"
        assert resolve_entry.examiner == "Alice"
        assert verify_case(case).ok


def test_models_pass_the_modeltester(qtmodeltester, window, team):
    with Case.open(team.alice, examiner="Alice") as case:
        merge_bundle(case, team.bundle(team.bob, "Bob", "from-bob"))
    window.refresh()
    page = window.exchange_ui.conflicts_page
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.versions)
