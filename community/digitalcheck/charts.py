"""Geometry of the result page's charts, computed on the server so the page needs no JavaScript: a radar
chart (one axis per dimension, 0–100 from the centre; Ist, Soll and the peers' median) and per-dimension bars
with the peers' quartiles. The PDF draws the same radar (pdf.py).
The templates draw the SVG from these numbers; colours come from the stylesheet (no style attributes)."""
from dataclasses import dataclass
from math import cos, pi, sin

RADAR_SIZE = 440
RADAR_RADIUS = 150
RINGS = (20, 40, 60, 80, 100)
# Labels are wrapped at word boundaries, never cut: a line holds up to LABEL_CHARS characters (a longer word
# keeps its own line). Their width is estimated at CHAR_WIDTH × the font size per character, generous for
# KERN's Fira Sans and the PDF's DejaVu Sans, and the drawing's box grows to hold every label whole.
LABEL_FONT = 12
LABEL_CHARS = 18
LABEL_LINE = 14
CHAR_WIDTH = 0.62
LABEL_GAP = 14
MARGIN = 6


@dataclass(frozen=True)
class Axis:
    slug: str
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    lines: tuple[tuple[float, str], ...] = ()  # (y, text) of each line of the wrapped label

    def box(self) -> tuple[float, float, float, float]:
        """The label's estimated extent: left, top, right, bottom."""
        width = max((len(text) for _y, text in self.lines), default=0) * LABEL_FONT * CHAR_WIDTH
        left = {"start": self.label_x, "end": self.label_x - width}.get(self.anchor, self.label_x - width / 2)
        top = self.lines[0][0] - LABEL_FONT if self.lines else self.label_y
        bottom = self.lines[-1][0] + LABEL_FONT * 0.3 if self.lines else self.label_y
        return left, top, left + width, bottom


def wrap(label: str, width: int = LABEL_CHARS) -> list[str]:
    """Words in lines of at most `width` characters; a longer word is a line of its own, never split."""
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _point(index: int, count: int, value: float, radius: float = RADAR_RADIUS) -> tuple[float, float]:
    angle = -pi / 2 + 2 * pi * index / count
    centre = RADAR_SIZE / 2
    distance = radius * max(0.0, min(100.0, value)) / 100
    return round(centre + distance * cos(angle), 1), round(centre + distance * sin(angle), 1)


def _polygon(values: list[float | None]) -> str:
    count = len(values)
    return " ".join(f"{x},{y}" for x, y in (_point(i, count, v or 0) for i, v in enumerate(values)))


def _axis(index: int, count: int, slug: str, label: str) -> Axis:
    x, y = _point(index, count, 100)
    label_x, label_y = _point(index, count, 100, RADAR_RADIUS + LABEL_GAP)
    centre = RADAR_SIZE / 2
    anchor = "middle" if abs(label_x - centre) < 5 else ("start" if label_x > centre else "end")
    lines = wrap(label)
    height = (len(lines) - 1) * LABEL_LINE
    # Above the chart the label grows upwards, below it downwards, at the sides around its axis' end.
    if abs(label_y - centre) < 5 or anchor != "middle" and abs(label_y - centre) < RADAR_RADIUS * 0.5:
        first = label_y + LABEL_FONT * 0.35 - height / 2
    elif label_y < centre:
        first = label_y - height
    else:
        first = label_y + LABEL_FONT * 0.8
    placed = tuple((round(first + number * LABEL_LINE, 1), text) for number, text in enumerate(lines))
    return Axis(slug, label, x, y, label_x, round(first, 1), anchor, placed)


def targets_of(fields: list[dict]) -> dict:
    """The Soll per dimension on the 0..100 scale from the result's fields: "target" is the level 0..4 the
    organisation aims for (the body's targets), so 25 points a level; a value above 4 is a score already."""
    found = {}
    for field in fields:
        target = field.get("target")
        if target is not None:
            found[field["dimension"]] = float(target) * 25 if target <= 4 else float(target)
    return found


def radar(dimensions: list[tuple[str, str]], scores: dict, peer_medians: dict | None = None,
          targets: dict | None = None) -> dict:
    """dimensions: [(slug, label)]; scores, peer_medians and targets (the Soll): {slug: 0..100 | None}."""
    count = len(dimensions)
    axes = [_axis(index, count, slug, label) for index, (slug, label) in enumerate(dimensions)]
    values = [scores.get(slug) for slug, _label in dimensions]
    points = [(*_point(i, count, v), v) for i, v in enumerate(values) if v is not None]

    def series(given):
        if given and any(given.get(slug) is not None for slug, _l in dimensions):
            return _polygon([given.get(slug) for slug, _label in dimensions])
        return None

    low, high = RADAR_SIZE / 2 - RADAR_RADIUS, RADAR_SIZE / 2 + RADAR_RADIUS
    boxes = [axis.box() for axis in axes] + [(low, low, high, high)]
    left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    right, bottom = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
    return {
        "size": RADAR_SIZE, "centre": RADAR_SIZE / 2, "axes": axes,
        "rings": [(ring, _polygon([ring] * count)) for ring in RINGS],
        "own": _polygon(values), "points": points, "peers": series(peer_medians), "target": series(targets),
        "view_box": tuple(round(v, 1) for v in (left, top, right - left, bottom - top)),
    }


BAR_WIDTH = 300
BAR_LABEL_CHARS = 28  # two lines of this many characters fit the 220 px before the bars


def bars(rows: list[dict]) -> list[dict]:
    """rows: {"slug", "label", "score", "stats"}; adds x positions on a 0..BAR_WIDTH scale and the label's
    lines (wrapped at spaces, never cut)."""
    scale = BAR_WIDTH / 100
    out = []
    for row in rows:
        stats = row.get("stats")
        out.append({**row, "width": round((row["score"] or 0) * scale, 1), "lines": wrap(row["label"], BAR_LABEL_CHARS),
                    "p25_x": round(stats["p25"] * scale, 1) if stats else None,
                    "p75_x": round(stats["p75"] * scale, 1) if stats else None,
                    "median_x": round(stats["median"] * scale, 1) if stats else None})
    return out
