"""Saving charts as PNG, SVG and PDF, chosen by the file name."""

import pytest
from PIL import Image

from tests.support import chart_samples as samples
from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.map import draw_map
from osintdesk.errors import OsintdeskError

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf", ".PNG"])
def test_export_by_extension(tmp_path, suffix, outbound):
    fig = new_figure(640, 400)
    draw_map(fig, [outbound])
    path = save_figure(fig, tmp_path / f"map{suffix}")
    head = path.read_bytes()[:200]
    if suffix.lower() == ".svg":
        assert b"<svg" in head or b"<?xml" in head
        assert b"<svg" in path.read_bytes()[:2000]
    else:
        assert head.startswith(MAGIC[suffix.lower()])


def test_png_has_the_asked_pixel_size(tmp_path):
    fig = new_figure(1600, 1000)
    draw_map(fig, [])
    save_figure(fig, tmp_path / "a.png")
    assert Image.open(tmp_path / "a.png").size == (1600, 1000)
    save_figure(fig, tmp_path / "b.png", width_px=800, height_px=500)
    assert Image.open(tmp_path / "b.png").size == (800, 500)
    save_figure(fig, tmp_path / "c.png", width_px=400)
    assert Image.open(tmp_path / "c.png").size == (400, 250)


def test_unknown_format_names_the_file(tmp_path):
    fig = new_figure(300, 200)
    with pytest.raises(OsintdeskError, match=r"map\.jpg.*use a file name ending in \.png, \.svg or \.pdf"):
        save_figure(fig, tmp_path / "map.jpg")
    assert not (tmp_path / "map.jpg").exists()


def test_unwritable_path_is_a_user_error(tmp_path):
    fig = new_figure(300, 200)
    with pytest.raises(OsintdeskError, match="cannot write the chart"):
        save_figure(fig, tmp_path / "missing" / "map.png")


def test_activity_and_profile_export_to_pdf(tmp_path):
    from osintdesk.charts.activity import draw_activity
    from osintdesk.charts.profile import draw_profile
    fig = new_figure(800, 300)
    draw_activity(fig, samples.activity_rows())
    assert save_figure(fig, tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
    draw_profile(fig, samples.alaska_kamchatka())
    assert save_figure(fig, tmp_path / "p.svg").read_bytes().lstrip().startswith(b"<?xml")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_the_same_chart_gives_the_same_bytes(tmp_path, suffix, outbound):
    """No creation date and no random ids: an exhibit's hash is stable across saves."""
    outputs = []
    for n in range(2):
        fig = new_figure(800, 500)
        draw_map(fig, [outbound])
        outputs.append(save_figure(fig, tmp_path / f"map{n}{suffix}").read_bytes())
    assert outputs[0] == outputs[1]
    if suffix == ".pdf":
        assert b"/CreationDate" not in outputs[0]
    if suffix == ".svg":
        assert b"<dc:date>" not in outputs[0]
