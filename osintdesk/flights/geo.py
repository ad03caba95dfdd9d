"""The Earth as the flights package and the charts measure it: one sphere of the mean
radius, and the great-circle distance on it (for one pair of points or for arrays).

A sphere is well within what track data and a chart can show (at most 0.5 % from the
ellipsoid). The charts import this module; it imports nothing of theirs.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_NM = 1.852            # exact, by definition


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees (haversine on the
    mean radius). Numbers give a float; arrays (numpy broadcasting) give an array."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.subtract(lon2, lon1, dtype=float))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(km) if np.ndim(km) == 0 else km
