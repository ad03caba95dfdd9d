"""New figures at a pixel size, and saving any chart as PNG, SVG or PDF (chosen by extension)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import OsintdeskError

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DEFAULT_DPI = 100.0
# Default image sizes in pixels (at 100 dpi): wide enough for a report page. No height: as
# tall as the chart needs (``chart`` works it out; the window starts from 1000).
DEFAULT_SIZE = {"map": (1600, 1000), "profile": (1600, 900), "activity": (1600, None),
                "timeline": (1600, None), "links": (1600, 1100)}


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


# ------------------------------------------------------------------ footer: credit, case

# Who supplied the tracks each importer reads (the credit their terms ask for).
DATA_CREDITS = {
    "fr24-csv": "Flightradar24", "fr24-adsb-csv": "Flightradar24", "fr24-json": "Flightradar24",
    "fr24-kml": "Flightradar24", "opensky-csv": "OpenSky Network",
    "opensky-json": "OpenSky Network", "readsb-aircraft": "ADS-B (readsb)",
    "readsb-trace": "ADS-B (readsb)", "gpx": "GPX files", "kml-track": "KML tracks",
    "csv-mapping": "CSV files",
}
FOOTER_PX = 16         # the band the footer takes at the bottom of an exported chart


def data_credit(importers) -> str | None:
    """``Data: Flightradar24, OpenSky Network`` from the importers that read the tracks
    (in their order, each provider once); None without any."""
    names = list(dict.fromkeys(DATA_CREDITS.get(i, i) for i in importers if i))
    return f"Data: {', '.join(names)}" if names else None


def footer_text(case, flight_ids=None) -> str | None:
    """The footer of a chart exported from ``case``: the credit of the files behind these
    flights (uuids; None: every flight file of the case) and the case number."""
    from ..flights import queries
    if flight_ids is None:
        importers = [row["importer"] for row in queries.flight_imports(case)]
    else:
        importers = []
        rows = queries.select_flights(case, flight_uuids=list(flight_ids)) if flight_ids else []
        for row in rows:
            importers += [f["importer"] for f in queries.files_behind(
                case, row["aircraft_uuid"], row["first_t"], row["last_t"])]
    number = case.info().get("number")
    parts = [data_credit(importers), f"Case {number}" if number else None]
    return "  ·  ".join(p for p in parts if p) or None


#: The gid of the texts on the footer line (the data credit, a demo's mark): a figure that
#: has one has made room for the line already.
FOOTER_GID = "osintdesk-footer"


def footer_room(fig: Figure) -> None:
    """Make room for the footer line under everything drawn on ``fig``: its axes and figure
    texts move up by FOOTER_PX (once: a figure with a footer text has its line already). A
    map's view takes its axes' new shape."""
    if any(artist.get_gid() == FOOTER_GID for artist in fig.texts):
        return
    band = FOOTER_PX * fig.dpi / 100 / fig.bbox.height
    for ax in fig.axes:
        box = ax.get_position(original=True)
        ax.set_position([box.x0, band + box.y0 * (1 - band), box.width, box.height * (1 - band)])
        if ax.get_aspect() != "auto":   # a map: its view takes the axes' new shape
            from .map.interaction import fit_limits_to_axes
            fit_limits_to_axes(ax, shrink=True)
    for artist in fig.texts:
        if artist.get_transform() == fig.transFigure:
            x, y = artist.get_position()
            artist.set_position((x, band + y * (1 - band)))


def add_footer(fig: Figure, text: str | None) -> None:
    """Make room for a line of ``text`` under everything drawn on ``fig`` (``footer_room``)
    and write it there, at the left."""
    if not text:
        return
    footer_room(fig)
    fig.text(8 * fig.dpi / 100 / fig.bbox.width, 3 * fig.dpi / 100 / fig.bbox.height, text,
             fontsize=7, color="#555555", ha="left", va="bottom", gid=FOOTER_GID)
