"""New figures at a pixel size, and saving any chart as PNG, SVG or PDF (chosen by extension)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import OsintdeskError

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DEFAULT_DPI = 100.0


def new_figure(width_px: int = 1200, height_px: int = 800, dpi: float = DEFAULT_DPI) -> Figure:
    """A matplotlib Figure (no pyplot, no GUI) of ``width_px`` x ``height_px`` pixels at ``dpi``.

    It comes with an Agg canvas, so it can be drawn and measured off screen; the window
    puts it in its own canvas instead (FigureCanvasQTAgg(fig) takes the figure over).
    """
    if width_px <= 0 or height_px <= 0 or dpi <= 0:
        raise ValueError(f"figure size must be positive, got {width_px}x{height_px} at {dpi} dpi")
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def chart_format(path) -> str:
    """'png', 'svg' or 'pdf' from the file name; an OsintdeskError naming the file otherwise."""
    return format_by_suffix(path, FORMATS, "save a chart")


def format_by_suffix(path, formats: dict[str, str], doing: str) -> str:
    """The format ``formats`` gives the file name's extension; an OsintdeskError naming the
    file and the extensions allowed otherwise ("cannot {doing} as '.docx': ...")."""
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        allowed = sorted(formats, key=list(formats).index)
        names = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise OsintdeskError(f"cannot {doing} as '{suffix or 'no extension'}': "
                             f"use a file name ending in {names}", path=path)
    return formats[suffix]


_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def save_figure(fig: Figure, path, width_px: int | None = None, height_px: int | None = None) -> Path:
    """Save ``fig`` to ``path`` as PNG, SVG or PDF, chosen by the extension.

    With ``width_px``/``height_px`` the figure is resized first (keeping its dpi; one given
    keeps the aspect ratio). A PNG is exactly that many pixels; SVG and PDF get the same
    physical size at the figure's dpi. Draw charts at their final size when you can: the
    map fits its extent and places labels for the size it was drawn at.
    """
    path = Path(path)
    fmt = chart_format(path)
    dpi = fig.dpi
    if width_px or height_px:
        w_in, h_in = fig.get_size_inches()
        if width_px and not height_px:
            height_px = round(width_px * h_in / w_in)
        elif height_px and not width_px:
            width_px = round(height_px * w_in / h_in)
        fig.set_size_inches(width_px / dpi, height_px / dpi)
    try:
        # No date and no random ids, so the same chart gives the same bytes (an exhibit's
        # hash stays stable); the salt only seeds SVG clip-path ids.
        with matplotlib.rc_context({"svg.hashsalt": "osintdesk"}):
            fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata=_METADATA[fmt])
    except OSError as exc:
        raise OsintdeskError(f"cannot write the chart: {exc.strerror or exc}", path=path) from exc
    return path
