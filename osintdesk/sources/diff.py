"""What changed between two captures: their extracted text line by line (words within a changed
line), and the facts about them (title, status, final URL, publication date, body hash).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..store import Case
from ..timefmt import display_time
from ..words import counted
from .queries import capture_text, get_capture

COMPARED_FIELDS = ("title", "status", "final_url", "published_date", "published_utc", "author",
                   "media_type", "server_ip", "body_sha256")
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class DiffLine:
    """One line of the comparison. ``op``: equal, delete (only in A) or insert (only in B).

    For a line that was changed rather than added or removed, ``words`` splits it into
    (op, text) pieces so the changed words can be marked.
    """

    op: str
    text: str
    a_line: int | None = None      # 1-based line numbers
    b_line: int | None = None
    words: list[tuple[str, str]] | None = None


@dataclass
class CaptureDiff:
    a: dict
    b: dict
    same_body: bool
    same_text: bool
    fields: dict[str, tuple] = field(default_factory=dict)   # name -> (in A, in B)
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.op == "insert")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.op == "delete")

    def summary(self) -> str:
        if self.same_body:
            return "the two captures received identical bytes"
        if self.same_text:
            return "the bytes differ but the extracted text is the same"
        return f"{counted(self.removed, 'line')} removed, {counted(self.added, 'line')} added"

    def unified(self, context: int = 3) -> str:
        """The text difference as a unified diff (for the CLI and for export)."""
        a_lines = [l.text for l in self.lines if l.op in ("equal", "delete")]
        b_lines = [l.text for l in self.lines if l.op in ("equal", "insert")]
        return "\n".join(difflib.unified_diff(
            a_lines, b_lines, f"capture {self.a['uuid']} ({display_time(self.a['captured_utc'])})",
            f"capture {self.b['uuid']} ({display_time(self.b['captured_utc'])})", n=context,
            lineterm=""))

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "same_body": self.same_body,
                "same_text": self.same_text, "summary": self.summary(),
                "fields": {k: list(v) for k, v in self.fields.items()},
                "added": self.added, "removed": self.removed, "unified": self.unified()}


def _summary(capture: dict) -> dict:
    return {k: capture.get(k) for k in ("uuid", "source_uuid", "method", "captured_utc", "title",
                                        "status", "final_url", "body_sha256")}


def diff_captures(case: Case, capture_a: str, capture_b: str) -> CaptureDiff:
    """Compare capture A (usually the older) with capture B."""
    if capture_a == capture_b:
        raise InputError("choose two different captures to compare", path=f"capture {capture_a}")
    a, b = get_capture(case, capture_a), get_capture(case, capture_b)
    text_a, text_b = capture_text(case, capture_a), capture_text(case, capture_b)
    result = CaptureDiff(a=_summary(a), b=_summary(b),
                         same_body=a.get("body_sha256") == b.get("body_sha256"),
                         same_text=text_a == text_b)
    result.fields = {name: (a.get(name), b.get(name)) for name in COMPARED_FIELDS
                     if a.get(name) != b.get(name)}
    result.lines = diff_lines(text_a, text_b)
    return result


def diff_lines(text_a: str, text_b: str) -> list[DiffLine]:
    """Line-by-line comparison; changed lines paired up carry word-level pieces."""
    a_lines, b_lines = text_a.splitlines(), text_b.splitlines()
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    out: list[DiffLine] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.extend(DiffLine("equal", a_lines[a0 + i], a0 + i + 1, b0 + i + 1)
                       for i in range(a1 - a0))
            continue
        deleted = [DiffLine("delete", a_lines[i], a_line=i + 1) for i in range(a0, a1)]
        inserted = [DiffLine("insert", b_lines[i], b_line=i + 1) for i in range(b0, b1)]
        if op == "replace":
            for old, new in zip(deleted, inserted):
                old.words, new.words = _word_pieces(old.text, new.text)
        out.extend(deleted)
        out.extend(inserted)
    return out


def _word_pieces(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            left.append(("equal", "".join(a[a0:a1])))
            right.append(("equal", "".join(b[b0:b1])))
        else:
            if a1 > a0:
                left.append(("delete", "".join(a[a0:a1])))
            if b1 > b0:
                right.append(("insert", "".join(b[b0:b1])))
    return left, right
