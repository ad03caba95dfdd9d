"""The chart of a selection, as the window shows it: what to read from the case for the
selected flights (or aircraft, or entity), and drawing the map, profile, activity or link
chart from it.

No Qt: the chart pane draws with ``draw_chart`` on screen, and its export draws the
same chart on a new Figure on a worker thread (``export_chart``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from matplotlib.figure import Figure

from ..demo import demo_footer
from ..flights import queries
from . import case_data, style
from .activity import draw_activity
from .data import ActivityRow
from .export import (DEFAULT_DPI, DEFAULT_SIZE, FOOTER_GID, add_footer, chart_format,
                     footer_room, footer_text, new_figure, save_figure)
from .links import LinkChart, LinkRequest, draw_links, load_link_chart
from .map import draw_map
from .profile import draw_profile
from .timeline import KINDS, Timeline, TimelineFilter, draw_timeline, read_timeline

MODES = ("map", "profile", "activity", "timeline", "links")


@dataclass(frozen=True)
class ChartRequest:
    """What to show: flights by id, the flights of some aircraft, or every flight
    (``all_flights``), narrowed by a UTC window (``t_from``/``t_to``, epoch seconds).

    Flight ids are uuids or unique prefixes; aircraft are what the user typed or ids (see
    ``flights.queries.find_aircraft``); both are resolved once per load, and an unknown one
    raises an OsintdeskError. Ids and aircraft combine. With neither, the map and profile
    show every flight when ``all_flights`` (the CLI) and none otherwise (nothing selected in
    the window); the activity chart then shows every aircraft.
    """

    flight_ids: tuple[str, ...] | None = None
    aircraft: str | tuple[str, ...] | None = None
    t_from: float | None = None
    t_to: float | None = None
    all_flights: bool = False
    links: LinkRequest = LinkRequest()   # the link chart's: around whom, how far, with what
    # The timeline's own filters (see ``charts.timeline.TimelineFilter``) and its zone.
    entities: tuple[str, ...] = ()
    kinds: tuple[str, ...] | None = None
    tag: str | None = None
    zone: str = "UTC"
    # A source selected in the window: the map shows the airports and places it names.
    source: str | None = None

    def timeline_filter(self) -> TimelineFilter:
        """The timeline of this request: its window, aircraft and entities, kinds and tag
        (flight ids do not narrow it: the window highlights selected flights instead)."""
        aircraft = (() if self.aircraft is None else (self.aircraft,) if isinstance(self.aircraft, str)
                    else tuple(self.aircraft))
        return TimelineFilter(t_from=self.t_from, t_to=self.t_to, aircraft=aircraft,
                              entities=tuple(self.entities), kinds=self.kinds, tag=self.tag)

    def load_timeline(self, case, progress=None, cancelled=None) -> "ChartData":
        """Every event, flight, ground stay, gap and source the timeline filter selects."""
        timeline = read_timeline(case, self.timeline_filter(), progress=progress, cancelled=cancelled)
        return ChartData(timeline=timeline, t_from=self.t_from, t_to=self.t_to, zone=self.zone)

    def flight_rows(self, case) -> list[dict]:
        """The flights the map and profile show, without their points (instant): pass them
        to ``load`` so they are not read twice (``case_data.estimated_points`` counts
        their points first)."""
        if not self.flight_ids and self.aircraft is None and not self.all_flights:
            return []
        return case_data.select(case, self.flight_ids or None, self.aircraft, self.t_from,
                                self.t_to)

    def load_flights(self, case, progress=None, cancelled=None, rows=None) -> "ChartData":
        """Flights with their points (map and profile), and the places in the window; runs
        on any thread with its own case. ``rows``: ``flight_rows`` read already."""
        if rows is None:
            rows = self.flight_rows(case)
        flights = case_data.read_flights(case, rows, progress=progress, cancelled=cancelled)
        places = (case_data.source_places(case, self.source) if self.source
                  else case_data.places(case, self.t_from, self.t_to))
        return ChartData(flights=flights, places=places, t_from=self.t_from, t_to=self.t_to)

    def load_activity(self, case, progress=None, cancelled=None) -> "ChartData":
        """One row per aircraft concerned (every aircraft with something in the window
        when no flight or aircraft is chosen)."""
        planes = None if self.aircraft is None else queries.resolve_aircraft(case, self.aircraft)
        if self.flight_ids:
            flown = queries.aircraft_of_flights(case, queries.resolve_flights(case, self.flight_ids))
            planes = flown if planes is None else [p for p in flown if p in planes]
        rows = case_data.activity_rows(case, planes, self.t_from, self.t_to) if planes != [] else []
        return ChartData(rows=rows, t_from=self.t_from, t_to=self.t_to)

    def load(self, mode: str, case, progress=None, cancelled=None, rows=None) -> "ChartData":
        """What the chart of ``mode`` needs (see ``load_flights`` and ``load_activity``)."""
        data = self._load(mode, case, progress, cancelled, rows)
        data.mark = demo_footer(case.meta())   # a demo case's charts say so
        return data

    def _load(self, mode: str, case, progress, cancelled, rows) -> "ChartData":
        if mode == "activity":
            return self.load_activity(case, progress=progress, cancelled=cancelled)
        if mode == "links":
            return ChartData(links=load_link_chart(case, self.links, progress=progress,
                                                   cancelled=cancelled))
        if mode == "timeline":
            return self.load_timeline(case, progress=progress, cancelled=cancelled)
        return self.load_flights(case, progress=progress, cancelled=cancelled, rows=rows)


@dataclass
class ChartData:
    """What was read for a request: flights and places (map, profile), activity rows or
    the timeline (and its zone), and the UTC window asked for (the time axis)."""

    flights: list = field(default_factory=list)
    places: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    links: LinkChart = field(default_factory=LinkChart)
    t_from: float | None = None
    t_to: float | None = None
    timeline: Timeline | None = None
    zone: str = "UTC"
    mark: str | None = None   # "DEMO, synthetic data" in the footer of a demo case's chart

    @property
    def points(self) -> int:
        """Positions of all the flights."""
        return sum(len(f) for f in self.flights)

    def counts(self, mode: str) -> dict[str, int]:
        """What the ``mode`` chart of this data shows, counted (``chart --json``): flights,
        positions and places (map, profile); aircraft, flights and ground stays (activity);
        items and each kind of item (timeline); nodes and edges (links)."""
        if mode == "activity":
            return {"aircraft": len(self.rows), "flights": sum(len(r.flights) for r in self.rows),
                    "ground_stays": sum(len(r.ground_stays) for r in self.rows)}
        if mode == "timeline":
            items = self.timeline.items if self.timeline is not None else []
            kinds = {kind: 0 for kind in KINDS}
            for item in items:
                kinds[item.kind] += 1
            return {"items": len(items), **kinds}
        if mode == "links":
            return {"nodes": self.links.graph.number_of_nodes(), "edges": self.links.graph.number_of_edges()}
        return {"flights": len(self.flights), "positions": self.points, "places": len(self.places)}


def activity_title(rows: Sequence[ActivityRow]) -> str:
    """``Activity: RA-86496 (Il-62M) (UTC)``, or ``Activity: 3 aircraft (UTC)``."""
    who = rows[0].aircraft_label if len(rows) == 1 else f"{len(rows)} aircraft"
    return f"Activity: {who} (UTC)"


def profile_note(flights: Sequence) -> str:
    """What to say when a profile shows only the first of several selected flights."""
    if len(flights) > 1:
        return f"Profile of the first of {len(flights)} selected flights; select one flight for its own."
    return ""


def draw_chart(fig: Figure, mode: str, data: ChartData, problem: str | None = None, *,
               projection=None, view=None, selected=()):
    """Draw the ``mode`` chart ("map", "profile", "activity", "timeline" or "links") of
    ``data`` on ``fig``.

    ``problem`` is an error to write under the chart; ``projection`` and ``view`` keep a
    map's zoom (see ``draw_map``); ``selected`` names the nodes whose neighbourhood a link
    chart highlights. Returns what the chart function returns (MapInfo, ProfileInfo,
    ActivityInfo, TimelineInfo, LinksInfo).
    """
    if mode == "map":
        info = draw_map(fig, data.flights, data.places, title=case_data.selection_title(data.flights),
                        projection=projection, view=view)
    elif mode == "profile":
        info = draw_profile(fig, data.flights[0] if data.flights else None)
    elif mode == "activity":
        info = draw_activity(fig, data.rows, t_from=data.t_from, t_to=data.t_to,
                             title=activity_title(data.rows) if data.rows else None)
    elif mode == "links":
        info = draw_links(fig, data.links.graph, data.links.positions, selected=selected,
                          **({"empty": None} if problem else {}))
    elif mode == "timeline":
        timeline = data.timeline or Timeline()
        info = draw_timeline(fig, timeline.items, timeline.lanes, zone=data.zone, t_from=data.t_from,
                             t_to=data.t_to)
    else:
        raise ValueError(f"unknown chart mode {mode!r}")
    show_problem(fig, problem)
    show_mark(fig, data.mark)
    return info


def show_mark(fig: Figure, mark: str | None) -> None:
    """Say in the footer line, at the right, that the chart shows a demo's synthetic data
    (the line has its own room: the mark covers no axis label, credit or data)."""
    if mark:
        footer_room(fig)
        px = fig.dpi / 100
        fig.text(1 - 10 * px / fig.bbox.width, 3 * px / fig.bbox.height, mark, ha="right",
                 va="bottom", fontsize=style.FONT_SMALL, color="#b00020", fontweight="bold",
                 gid=FOOTER_GID, bbox={"facecolor": "white", "edgecolor": "#b00020",
                                       "boxstyle": "round,pad=0.15", "linewidth": 0.6})


def show_problem(fig: Figure, problem: str | None) -> None:
    """Write an error (a load that failed, an unknown flight) under the chart, in red."""
    if problem:
        fig.text(0.5, 0.04, problem, ha="center", va="bottom", fontsize=style.FONT,
                 color="#b00020", wrap=True)


def export_chart(path, mode: str, data: ChartData, problem: str | None = None, *, width_px: float,
                 height_px: float, dpi: float, projection=None, view=None, selected=(),
                 footer: str | None = None) -> Path:
    """Draw the chart as ``draw_chart`` does on a new Figure of ``width_px`` x ``height_px``
    at ``dpi`` and save it to ``path`` (.png, .svg or .pdf), with ``footer`` (the data
    credit and case number: ``export.footer_text``) on a line at the bottom. For any
    thread: the window exports on a worker, never from the figure on screen.
    """
    chart_format(path)  # refuse a bad file name before any work
    fig = new_figure(width_px, height_px, dpi)
    draw_chart(fig, mode, data, problem, projection=projection, view=view, selected=selected)
    add_footer(fig, footer)
    return save_figure(fig, path)


def default_height(mode: str, data: ChartData, width_px: int) -> int:
    """An exported chart's height by default at ``width_px``: the activity chart as tall as
    its aircraft need, the timeline as its lanes' rows need (a few lanes make a short
    figure, not one half white: ``fitting_height_px``), the others DEFAULT_SIZE's."""
    if mode == "activity":
        return max(420, min(2400, 170 + 90 * len(data.rows)))
    if mode == "timeline":
        from .timeline import fitting_height_px
        timeline = data.timeline or Timeline()
        return fitting_height_px(timeline.items, timeline.lanes, width_px=width_px,
                                 dpi=DEFAULT_DPI, zone=data.zone, t_from=data.t_from,
                                 t_to=data.t_to)
    return DEFAULT_SIZE[mode][1] or round(width_px * 10 / 16)


def chart_footer(case, mode: str, data: ChartData) -> str | None:
    """The footer of an exported ``mode`` chart of ``data``: the credit of the files
    behind the flights it draws (every flight file for the other charts), the case number."""
    if mode in ("map", "profile"):
        flights = data.flights[:1] if mode == "profile" else data.flights
        return footer_text(case, [str(f.id) for f in flights])
    return footer_text(case)


def log_chart_export(case, path, mode: str, width_px: int, height_px: int, dpi: float,
                     counts: dict) -> None:
    """The chart written in the case's audit log, as every export is: kind, file, size in
    pixels, what it shows counted, and the file's SHA-256."""
    from ..filebytes import sha256_of_file
    sha256, size = sha256_of_file(path)
    case.record_event("export", details={
        "format": f"chart-{mode}", "file": Path(path).name, "sha256": sha256, "size": size,
        "width_px": int(width_px), "height_px": int(height_px), "dpi": float(dpi),
        "counts": counts})
