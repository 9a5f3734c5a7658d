"""Inline SVG charts rendered on the server: a heat map and a bar chart. Every chart is drawn from the
same rows as the table beside it; labels are escaped, colours meet WCAG AA contrast for their text."""
from markupsafe import Markup, escape

# Light to dark blue; the text on the three darkest steps is white.
SCALE = ("#eef3fb", "#cbdcf3", "#9dbce8", "#5a8fd6", "#2a64b8", "#143f7e")
DARK_FROM = 3


def _step(value, highest) -> int:
    if not value or not highest:
        return 0
    return min(len(SCALE) - 1, 1 + int((value / highest) * (len(SCALE) - 2)))


def heatmap(chart_id: str, title: str, rows: list[str], columns: list[str], values: dict) -> Markup:
    """values[(row, column)] -> number or None (suppressed: drawn empty with a dash)."""
    cell, label_width, header = 44, 220, 60
    width, height = label_width + cell * len(columns), header + cell * len(rows)
    highest = max((v for v in values.values() if v is not None), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="{chart_id}-title"><title id="{chart_id}-title">{escape(title)}</title>']
    for x, column in enumerate(columns):
        cx = label_width + x * cell + cell / 2
        parts.append(f'<text x="{cx}" y="{header - 8}" font-size="11" text-anchor="end" '
                     f'transform="rotate(-45 {cx} {header - 8})" fill="#1b1b1b">{escape(column)}</text>')
    for y, row in enumerate(rows):
        top = header + y * cell
        parts.append(f'<text x="{label_width - 6}" y="{top + cell / 2 + 4}" font-size="12" text-anchor="end" '
                     f'fill="#1b1b1b">{escape(row)}</text>')
        for x, column in enumerate(columns):
            value = values.get((row, column))
            step = _step(value, highest)
            left = label_width + x * cell
            text = "–" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
            parts.append(f'<rect x="{left}" y="{top}" width="{cell - 2}" height="{cell - 2}" fill="{SCALE[step]}"/>'
                         f'<text x="{left + cell / 2 - 1}" y="{top + cell / 2 + 4}" font-size="11" '
                         f'text-anchor="middle" fill="{"#ffffff" if step >= DARK_FROM else "#1b1b1b"}">'
                         f'{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(chart_id: str, title: str, items: list[tuple[str, float | None]]) -> Markup:
    """Horizontal bars, one per (label, value); a suppressed value (None) is drawn as a dash."""
    bar, label_width, plot = 26, 220, 420
    height = bar * max(1, len(items)) + 10
    highest = max((v for _, v in items if v), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" viewBox="0 0 {label_width + plot + 60} '
             f'{height}" role="img" aria-labelledby="{chart_id}-title"><title id="{chart_id}-title">'
             f'{escape(title)}</title>']
    for index, (label, value) in enumerate(items):
        top = 5 + index * bar
        length = 0 if not value or not highest else max(1, plot * value / highest)
        text = "–" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        parts.append(f'<text x="{label_width - 6}" y="{top + bar / 2 + 4}" font-size="12" text-anchor="end" '
                     f'fill="#1b1b1b">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{top + 3}" width="{length:.1f}" height="{bar - 6}" fill="#2a64b8"/>'
                     f'<text x="{label_width + length + 6:.1f}" y="{top + bar / 2 + 4}" font-size="12" '
                     f'fill="#1b1b1b">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
