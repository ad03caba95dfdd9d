"""What the exchange dialogs say, as HTML: who made a bundle, whether it verifies, what a
merge would add and what stops it. Plain words; the domain's reports are the facts."""

from __future__ import annotations

import html

from ...store.records import RECORD_KINDS
from ...timefmt import display_time
from ...words import counted

e = html.escape
RED = "#b00020"
GREEN = "#1b7f3b"
LISTED = 20   # items of a list shown before "and N more"


def kind_label(kind: str) -> str:
    found = RECORD_KINDS.get(kind)
    return found.label if found else kind


# One record of a kind, where its label (a set of them) does not read as one: "Claim".
KIND_ONE = {"evidence": "Evidence file", "derived": "Derived data", "flight-import": "Flight file",
            "entity": "Entity", "entity-alias": "Merged entity id",
            "source-tie": "Source tied by hand", "checkpoint": "Signed checkpoint",
            "timestamp": "Timestamp of a checkpoint", "retirement": "Retired source",
            "object-note": "Note on a flight, aircraft or evidence file",
            "object-tag": "Tag on a flight, aircraft or evidence file",
            "sighting": "Sighting without a position"}


def kind_label_one(kind: str) -> str:
    """What one record of ``kind`` is called (kind_label names a set of them)."""
    return KIND_ONE.get(kind) or kind.replace("-", " ").capitalize()


def signer_words(signer) -> str:
    """The signature in plain words (HTML): trusted, unknown, invalid or unsigned."""
    if signer.state == "trusted":
        return (f"<span style='color:{GREEN}'>Signed by <b>{e(signer.name or '')}</b>, a key "
                f"you trust</span> (key <code>{e(signer.key_id or '')}</code>)")
    if signer.state == "unknown":
        return (f"<span style='color:{RED}'>Signed with a key you have <b>not trusted</b></span>: "
                f"key <code>{e(signer.key_id or '')}</code>, fingerprint "
                f"<code>{e(signer.fingerprint or '')}</code>. Compare the fingerprint with the "
                "sender's before you rely on it.")
    if signer.state == "invalid":
        return (f"<span style='color:{RED}'><b>The signature does not hold</b></span>: "
                f"{e(signer.problem or '')}")
    return (f"<span style='color:{RED}'><b>Not signed</b></span>: nothing shows who made "
            "this bundle.")


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td style='padding-right:14px;color:#555'>{k}</td><td>{v}</td></tr>"
                   for k, v in rows)
    return f"<table>{body}</table>"


def report_rows(report) -> list[tuple[str, str]]:
    """Who sent the bundle, when, and whether it verifies, as (label, HTML) rows."""
    case = report.case or {}
    manifest = report.manifest or {}
    title = e(str(case.get("title") or "?"))
    if case.get("number"):
        title += f" ({e(str(case['number']))})"
    checked = report.checked
    rows = [("From case", f"<b>{title}</b> <span style='color:#555'>{e(str(case.get('uuid')))}"
                          "</span>"),
            ("Exported by", e(str(report.signer.examiner or "?"))
             + (f", {e(display_time(manifest['created_utc']))}"
                if manifest.get("created_utc") else "")),
            ("Signature", signer_words(report.signer))]
    selection = (manifest.get("selection") or {}).get("tag")
    if selection:
        rows.append(("Holds", f"only the sources tagged “{e(selection)}” and what they need"))
    if report.ok:
        entries = counted(checked.get("audit_entries", 0), "audit entry", "audit entries",
                          thousands=True)
        verdict = (f"<span style='color:{GREEN}'><b>OK</b></span>: intact, its records match "
                   f"their history ({counted(checked.get('records', 0), 'record', thousands=True)}, "
                   f"{counted(checked.get('bulk_rows', 0), 'track row', thousands=True)}, "
                   f"{counted(checked.get('evidence', 0), 'evidence file', thousands=True)}, "
                   f"{entries} checked)")
    else:
        verdict = (f"<span style='color:{RED}'><b>FAILED</b></span>: "
                   f"{counted(len(report.failures), 'problem')}")
    rows.append(("Verification", verdict))
    return rows


def failures_html(report) -> str:
    items = "".join(f"<li>{e(str(f))}</li>" for f in report.failures[:LISTED])
    more = len(report.failures) - LISTED
    return (f"<ul style='color:{RED}'>{items}</ul>"
            + (f"<p>and {more} more</p>" if more > 0 else ""))


def refusal_html(reasons: list[str]) -> str:
    items = "".join(f"<li>{e(r)}</li>" for r in reasons)
    return (f"<h3 style='color:{RED}'>Nothing can be merged</h3><ul>{items}</ul>")


def preview_html(preview, case_title: str) -> str:
    """The merge preview: who sent it, whether it verifies, what merging adds and changes,
    what stays in conflict, and what stops the merge."""
    name = e(preview.path.replace("\\", "/").rsplit("/", 1)[-1])
    out = [f"<h2>Merge {name} into “{e(case_title)}”?</h2>"]
    if preview.report is None:
        return "".join(out) + refusal_html(preview.refusals())
    out.append(_rows(report_rows(preview.report)))
    if not preview.report.ok:
        out.append(failures_html(preview.report))
    refused = preview.refusals()
    if refused:
        out.append(refusal_html(refused))
    plan = preview.plan
    if plan is None:
        return "".join(out)
    out.append(f"<p style='color:#555'>SHA-256 <code>{e(plan.sha256)}</code></p>")
    out.append("<h3>What merging adds</h3>")
    counts = plan.counts()
    if counts:
        head = ("<tr><th align=left style='padding-right:14px'>Records</th>"
                "<th style='padding-right:14px'>added</th><th style='padding-right:14px'>"
                "changed</th><th>deleted</th></tr>")
        body = "".join(
            f"<tr><td style='padding-right:14px'>{e(kind_label(kind))}</td>"
            + "".join(f"<td align=center>{actions.get(a, 0) or '—'}</td>"
                      for a in ("add", "change", "delete")) + "</tr>"
            for kind, actions in sorted(counts.items(),
                                        key=lambda item: _kind_order(item[0])))
        out.append(f"<table>{head}{body}</table>")
    else:
        out.append("<p>No record is added or changed: this case already holds what the "
                   "bundle brings.</p>")
    out.append(_rows([
        ("Record versions", f"{len(plan.new_versions):,} new"),
        ("Evidence files", f"{len(plan.new_evidence):,} new (each re-hashed on the way in)"),
        ("Flight files", f"{len(plan.new_imports):,} new, with their track points"),
        ("Identifiers", f"{plan.identifiers.get('added', 0):,} new, in "
                        f"{counted(plan.identifiers.get('captures', 0), 'capture')}"),
    ]))
    if plan.conflicts:
        items = "".join(f"<li>{e(kind_label_one(c['kind']))} <code>{e(c['key'])}</code>: "
                        f"{len(c['versions'])} versions</li>" for c in plan.conflicts[:LISTED])
        more = len(plan.conflicts) - LISTED
        out.append(f"<h3 style='color:#8a5a00'>{counted(len(plan.conflicts), 'record')} will be in "
                   f"conflict</h3><p>They were changed differently in the two cases. Both "
                   "versions are kept and shown on the Conflicts page until you keep one.</p>"
                   f"<ul>{items}</ul>" + (f"<p>and {more} more</p>" if more > 0 else ""))
    if plan.same_as:
        items = "".join(f"<li>{e(kind_label(a['kind']))} {e(a['identity'])}</li>"
                        for a in plan.same_as[:LISTED])
        more = len(plan.same_as) - LISTED
        verb = "is" if len(plan.same_as) == 1 else "are"
        out.append(f"<h3>{counted(len(plan.same_as), 'record')} {verb} already here under another id</h3>"
                   "<p>Made in both cases independently (the same aircraft, page or file): "
                   "this case keeps its own record, and what the bundle holds about them "
                   "refers to it.</p>"
                   f"<ul>{items}</ul>" + (f"<p>and {more} more</p>" if more > 0 else ""))
    if not refused and preview.needs_consent:
        out.append("<p><b>Merge it only if you know where it comes from.</b> The merge entry "
                   "in the audit log records that you accepted it.</p>")
    return "".join(out)


def _kind_order(kind: str) -> int:
    kinds = list(RECORD_KINDS)
    return kinds.index(kind) if kind in kinds else len(kinds)


def contents_html(contents) -> str:
    """A bundle looked at without merging: the verification, the signer, the case, counts."""
    name = e(contents.path.replace("\\", "/").rsplit("/", 1)[-1])
    out = [f"<h2>{name}</h2>"]
    if contents.report is None:
        out.append(f"<p style='color:{RED}'><b>This bundle cannot be read</b>: "
                   f"{e(contents.error or '')}</p>")
        return "".join(out)
    rows = report_rows(contents.report)
    records = sum(k.count for k in contents.kinds)
    kinds = sum(1 for k in contents.kinds if k.count)
    rows.append(("Holds", f"{counted(records, 'record', thousands=True)} of "
                          f"{counted(kinds, 'kind')}, "
                          f"{counted(contents.evidence, 'evidence file', thousands=True)}, "
                          f"{counted(contents.bulk_groups, 'bulk group', thousands=True)} "
                          "(track points per flight file)"))
    out.append(_rows(rows))
    if not contents.report.ok:
        out.append(failures_html(contents.report))
    if contents.error:
        out.append(f"<p style='color:{RED}'>{e(contents.error)}</p>")
    out.extend(f"<p><i>{e(note)}</i></p>" for note in contents.report.notes)
    return "".join(out)


def export_result_text(result, *, logged: bool) -> str:
    """What an export wrote, in plain text (selectable in its dialog)."""
    who = (f"Signed with your examiner key {result.signed_by}" if result.signed_by
           else "Unsigned: the receiver cannot tell who made it")
    lines = [f"Wrote {result.path}", f"Size: {result.size:,} bytes", f"SHA-256: {result.sha256}",
             who + "."]
    lines.append("The export is logged in the case's audit log." if logged else
                 "The case is write-protected: the export is not logged in it.")
    return "\n".join(lines)
