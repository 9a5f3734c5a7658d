"""Inline SVG charts rendered on the server: a heat map and a bar chart. Every chart is drawn from the
same rows as the table beside it; labels are escaped, colours meet WCAG AA contrast for their text."""
import math

from markupsafe import Markup, escape

# Light to dark blue; the text on the three darkest steps is white.
SCALE = ("#eef3fb", "#cbdcf3", "#9dbce8", "#5a8fd6", "#2a64b8", "#143f7e")
DARK_FROM = 3


def _step(value, highest) -> int:
    if not value or not highest:
        return 0
    return min(len(SCALE) - 1, 1 + int((value / highest) * (len(SCALE) - 2)))


# Widths of text in the charts' fonts, generous, so a label is never cut off: about 0.62 em per character.
def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * 0.62


def _plain(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def heatmap(chart_id: str, title: str, rows: list[str], columns: list[str], values: dict, show=_plain) -> Markup:
    """values[(row, column)] -> number or None (suppressed: drawn empty with a dash); `show` writes a number.
    The row labels' column and the header are as wide and as tall as their longest label needs."""
    cell = 44
    label_width = 12 + max((text_width(row, 12) for row in rows), default=0)
    # Column heads are turned by 45°: a label of width w rises w·sin 45° above its cell.
    header = 16 + max((text_width(column, 11) * math.sin(math.pi / 4) for column in columns), default=0)
    # ... and reaches w·cos 45° to the left of its cell, which the row labels' column must hold.
    label_width = max(label_width, max((text_width(column, 11) * math.cos(math.pi / 4) for column in columns),
                                       default=0) - cell / 2)
    width, height = label_width + cell * len(columns), header + cell * len(rows)
    highest = max((v for v in values.values() if v is not None), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" viewBox="0 0 {width:.0f} {height:.0f}" '
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
            text = "–" if value is None else show(value)
            parts.append(f'<rect x="{left}" y="{top}" width="{cell - 2}" height="{cell - 2}" fill="{SCALE[step]}"/>'
                         f'<text x="{left + cell / 2 - 1}" y="{top + cell / 2 + 4}" font-size="11" '
                         f'text-anchor="middle" fill="{"#ffffff" if step >= DARK_FROM else "#1b1b1b"}">'
                         f'{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(chart_id: str, title: str, items: list[tuple[str, float | None]], show=_plain) -> Markup:
    """Horizontal bars, one per (label, value); a suppressed value (None) is drawn as a dash."""
    bar, plot = 26, 420
    label_width = 12 + max((text_width(label, 12) for label, _ in items), default=0)
    height = bar * max(1, len(items)) + 10
    highest = max((abs(v) for _, v in items if v), default=0)  # a fall is drawn by its size, its sign written
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" viewBox="0 0 {label_width + plot + 80:.0f} '
             f'{height}" role="img" aria-labelledby="{chart_id}-title"><title id="{chart_id}-title">'
             f'{escape(title)}</title>']
    for index, (label, value) in enumerate(items):
        top = 5 + index * bar
        length = 0 if not value or not highest else max(1, plot * abs(value) / highest)
        text = "–" if value is None else show(value)
        parts.append(f'<text x="{label_width - 6}" y="{top + bar / 2 + 4}" font-size="12" text-anchor="end" '
                     f'fill="#1b1b1b">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{top + 3}" width="{length:.1f}" height="{bar - 6}" fill="#2a64b8"/>'
                     f'<text x="{label_width + length + 6:.1f}" y="{top + bar / 2 + 4}" font-size="12" '
                     f'fill="#1b1b1b">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
