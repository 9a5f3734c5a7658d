"""Geometry of the result page's charts, computed on the server so the page needs no JavaScript: a radar
chart (one axis per dimension, 0–100 from the centre) and per-dimension bars with the peers' quartiles.
The templates draw the SVG from these numbers; colours come from the stylesheet (no style attributes)."""
from dataclasses import dataclass
from math import cos, pi, sin

RADAR_SIZE = 440
RADAR_RADIUS = 150
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Axis:
    slug: str
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


def _point(index: int, count: int, value: float, radius: float = RADAR_RADIUS) -> tuple[float, float]:
    angle = -pi / 2 + 2 * pi * index / count
    centre = RADAR_SIZE / 2
    distance = radius * max(0.0, min(100.0, value)) / 100
    return round(centre + distance * cos(angle), 1), round(centre + distance * sin(angle), 1)


def _polygon(values: list[float | None]) -> str:
    count = len(values)
    return " ".join(f"{x},{y}" for x, y in (_point(i, count, v or 0) for i, v in enumerate(values)))


def radar(dimensions: list[tuple[str, str]], scores: dict, peer_medians: dict | None = None) -> dict:
    """dimensions: [(slug, label)]; scores and peer_medians: {slug: 0..100 | None}."""
    count = len(dimensions)
    axes = []
    for index, (slug, label) in enumerate(dimensions):
        x, y = _point(index, count, 100)
        label_x, label_y = _point(index, count, 100, RADAR_RADIUS + 18)
        anchor = "middle" if abs(label_x - RADAR_SIZE / 2) < 5 else ("start" if label_x > RADAR_SIZE / 2 else "end")
        axes.append(Axis(slug, label, x, y, label_x, label_y + 4, anchor))
    values = [scores.get(slug) for slug, _label in dimensions]
    points = [(*_point(i, count, v), v) for i, v in enumerate(values) if v is not None]
    peers = None
    if peer_medians and any(peer_medians.get(slug) is not None for slug, _l in dimensions):
        peers = _polygon([peer_medians.get(slug) for slug, _label in dimensions])
    return {
        "size": RADAR_SIZE, "centre": RADAR_SIZE / 2, "axes": axes,
        "rings": [(ring, _polygon([ring] * count)) for ring in RINGS],
        "own": _polygon(values), "points": points, "peers": peers,
    }


BAR_WIDTH = 300


def bars(rows: list[dict]) -> list[dict]:
    """rows: {"slug", "label", "score", "stats"}; adds x positions on a 0..BAR_WIDTH scale."""
    scale = BAR_WIDTH / 100
    out = []
    for row in rows:
        stats = row.get("stats")
        out.append({**row, "width": round((row["score"] or 0) * scale, 1),
                    "p25_x": round(stats["p25"] * scale, 1) if stats else None,
                    "p75_x": round(stats["p75"] * scale, 1) if stats else None,
                    "median_x": round(stats["median"] * scale, 1) if stats else None})
    return out
