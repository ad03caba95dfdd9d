"""Drawing a map: the layers, then the decorations placed around what the layers cover."""

from __future__ import annotations

from typing import Iterable

import numpy as np
from matplotlib.figure import Figure

from .. import style
from ..data import ChartFlight, ChartPlace
from ..projection import Projection
from . import decorations, layers
from .model import MapInfo, MapPlan
from .plan import axes_rect, plan_map


def draw_map(fig: Figure, flights: Iterable[ChartFlight] = (), places: Iterable[ChartPlace] = (), *,
             extent=None, title: str | None = None, projection: Projection | None = None,
             view: tuple[float, float, float, float] | None = None,
             plan: MapPlan | None = None) -> MapInfo:
    """Draw flights and places on an offline map, filling ``fig`` (which is cleared first).

    ``extent`` is an optional (west, east, south, north) box in degrees (east < west crosses
    the antimeridian); by default the map fits every position, airport and place with a
    margin. With nothing to show, the map is a world map with a message saying so.

    ``projection`` and ``view`` (x0, x1, y0, y1 in that projection's metres, e.g. a
    previous ``MapInfo``'s after a zoom) redraw exactly that part of the same map, with
    the basemap detail for the new scale.

    ``plan`` is a ``plan_map`` result made (e.g. on a worker) for this figure's size; the
    flights, places and other arguments are then the plan's. A plan made for another size
    is made again here. A plan is drawn once: the MapInfo takes its tracks over.
    """
    if plan is not None:
        flights, places, title = plan.flights, plan.places, plan.title
        if not plan.fits(fig):
            plan = plan_map(flights, places, size_px=(fig.bbox.width, fig.bbox.height), dpi=fig.dpi,
                            title=title, extent=plan.extent, projection=plan.given_projection,
                            view=plan.given_view)
    else:
        flights, places = list(flights), list(places)
        plan = plan_map(flights, places, size_px=(fig.bbox.width, fig.bbox.height), dpi=fig.dpi,
                        title=title, extent=extent, projection=projection, view=view)
    fig.clear()
    ax = fig.add_axes(axes_rect(fig, title))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#9aa5ad")
        spine.set_linewidth(0.8)
    ax_w_px, ax_h_px = ax.bbox.width, ax.bbox.height
    dpi = fig.dpi
    proj, view, geo, scale = plan.projection, plan.view, plan.geo_extent, plan.basemap_scale
    airports = list(plan.airports.values())
    x0, x1, y0, y1 = view
    metres_per_px = (x1 - x0) / ax_w_px

    info = MapInfo(ax=ax, projection=proj, view=view, geo_extent=geo, basemap_scale=scale, tracks=plan.tracks)
    info._basemap_artists = layers.draw_basemap(ax, proj, view, geo, scale, metres_per_px)

    placer = style.LabelPlacer(ax_w_px, ax_h_px)

    def to_px(x, y):
        return (np.asarray(x) - x0) / metres_per_px, (np.asarray(y) - y0) / metres_per_px

    # Tracks and gaps; labels keep off their lines.
    layers.set_shapes(info, plan.shapes)
    layers.draw_tracks(ax, info)
    layers.draw_gaps(ax, info)
    info.without_positions = [fid for fid, t in info.tracks.items() if not t.has_positions]
    line_x, line_y = layers.joined([t.path_x for t in info.tracks.values()],
                                   [t.path_y for t in info.tracks.values()])
    track_px = np.column_stack(to_px(line_x, line_y))
    placer.block_line(*to_px(line_x, line_y))
    gap_x, gap_y = layers.joined([g[0] for t in info.tracks.values() for g in t.gap_paths],
                                 [g[1] for t in info.tracks.values() for g in t.gap_paths])
    placer.block_line(*to_px(gap_x, gap_y))
    layers.add_arrowheads(ax, info)

    # Legend and scale bar go in the emptiest corners; labels must keep out of them.
    point_px = [track_px]
    for p in airports + places:
        px_, py_ = proj.forward(p.lon, p.lat)
        point_px.append(np.column_stack(to_px(px_, py_)))
    corners = decorations.corner_order(np.concatenate(point_px), ax_w_px, ax_h_px)
    legend_corner = decorations.draw_legend(ax, info, flights, places, corners[0], placer)
    if plan.has_content or plan.has_box:
        info._scale_corner = next((c for c in corners if c != legend_corner and c.startswith("lower")),
                                  "lower left")
        info.scale_bar = decorations.draw_scale_bar(ax, proj, view, info._scale_corner, placer,
                                                    info._scale_artists, info.tracks.values())

    # Airports, places, then the less important gap, country and graticule labels.
    layers.draw_airports(ax, info, airports)
    markers = layers.draw_place_markers(ax, info, places)
    decorations.label_airports_and_places(ax, info, airports, places, markers, placer, to_px)
    decorations.label_gaps(ax, info, placer, to_px, dpi)
    decorations.draw_country_labels(ax, proj, view, metres_per_px, placer, to_px, dpi)
    decorations.draw_graticule(ax, proj, view, geo, placer, to_px, dpi)
    decorations.draw_message(ax, info, flights, plan.has_content, legend_corner)

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_autoscale_on(False)

    decorations.draw_title(fig, title)
    info._footer_artists = decorations.footer(fig, scale, proj)
    return info
