"""How table cells read: audit details as text, sizes and counts with separators."""

from osintdesk.ui.models import PagedQueryModel, details_text


def test_audit_details_read_as_text_not_json():
    assert details_text({"file": "a.csv", "format": "fr24-csv", "points": 2834}) == \
        "file: a.csv; format: fr24-csv; points: 2,834"
    assert details_text({}) == ""
    assert details_text({"changes": {"label": {"old": None, "new": "RA-86496"}}, "reason": None}) == \
        "changes: {label: {new: RA-86496}}"


def test_sizes_and_counts_have_separators(qtbot):
    model = PagedQueryModel([("Size (bytes)", "size"), ("#", "seq")])
    assert model.display(0, 212279) == "212,279"
    assert model.display(1, 1234) == "1234"
