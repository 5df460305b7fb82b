"""Municipality boundaries (GeoJSON polygons, WGS 84) as SVG paths, for a map drawn
without any tile server.

The projection is equirectangular around the shown area's mid-latitude (x scaled
by its cosine), which keeps Swedish shapes recognisable at county and national
scale; points closer than half a pixel to the previous one are dropped. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ("MapShape", "SvgMap", "svg_map")

MIN_STEP = 0.5  # pixels


@dataclass(frozen=True, slots=True)
class MapShape:
    code: str
    path: str  # the ``d`` attribute
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class SvgMap:
    width: int
    height: int
    shapes: tuple[MapShape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def svg_map(boundaries: Mapping[str, Mapping[str, Any]], width: int = 560) -> SvgMap:
    """Paths for every municipality in ``boundaries`` (code → GeoJSON geometry),
    fitted to ``width`` pixels; the height follows the shape."""
    points = [p for g in boundaries.values() for ring in _rings(g) for p in ring]
    if not points:
        return SvgMap(width, 1, ())
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * scale_x or 1.0
    span_y = (max(lats) - min(lats)) or 1.0
    pad = 4.0
    factor = (width - 2 * pad) / span_x
    height = math.ceil(span_y * factor + 2 * pad)
    west, north = min(lons), max(lats)

    def project(point: list[float]) -> tuple[float, float]:
        return (
            pad + (point[0] - west) * scale_x * factor,
            pad + (north - point[1]) * factor,
        )

    shapes = []
    for code in sorted(boundaries):
        parts = []
        xs: list[float] = []
        ys: list[float] = []
        for ring in _rings(boundaries[code]):
            kept: list[tuple[float, float]] = []
            for x, y in map(project, ring):
                if kept and abs(x - kept[-1][0]) < MIN_STEP and abs(y - kept[-1][1]) < MIN_STEP:
                    continue
                kept.append((x, y))
            if len(kept) < 3:
                continue
            xs.extend(x for x, _ in kept)
            ys.extend(y for _, y in kept)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
        if parts:
            shapes.append(
                MapShape(
                    code,
                    "".join(parts),
                    round(sum(xs) / len(xs), 1),
                    round(sum(ys) / len(ys), 1),
                )
            )
    return SvgMap(width, height, tuple(shapes))
