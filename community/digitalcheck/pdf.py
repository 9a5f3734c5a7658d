"""The result as a PDF a mayor can take to the council (community/pdf.py): the overall score, the radar with
Ist, Soll and the peers' median, the table (dark text on light ground, columns wide enough that no word is
broken), the top fields, the proposed and adopted needs and the recommendations. The result page is the
accessible version of the same report; this is its printout."""
from flask import has_request_context, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf.fonts import FontFace

from community.digitalcheck import charts
from community.pdf import FONT, new_document

TEXT = (25, 25, 25)
MUTED = (80, 80, 80)
HEAD_FILL = (226, 232, 244)  # light blue-grey under the headings: contrast with TEXT about 14:1
ROW_FILL = (246, 247, 250)
RULE = (190, 196, 210)
OWN = (38, 53, 140)
TARGET = (0, 110, 60)
PEERS = (179, 94, 0)
PAGE_WIDTH = 190  # A4 less the 10 mm margins
CELL_PADDING = 1.5
TABLE_FONT = (8, 7, 6.5)  # the first size at which every column holds its longest word


def _stats(stats) -> str:
    if not stats:
        return _("too few comparison values")
    return _("median %(median)s (%(p25)s–%(p75)s), %(peers)s peers", median=round(stats["median"]),
             p25=round(stats["p25"]), p75=round(stats["p75"]), peers=stats["peers"])


def _heading(document, text: str, size: int = 12) -> None:
    document.set_font(FONT, "B", size)
    document.multi_cell(0, size * 0.6, text, align="L", new_x="LMARGIN", new_y="NEXT")
    document.ln(1)


def _paragraph(document, text: str, size: float = 10, colour=TEXT) -> None:
    document.set_font(FONT, "", size)
    document.set_text_color(*colour)
    document.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(*TEXT)


def _radar(document, radar: dict) -> None:
    """The radar as vector drawing, from the same geometry as the page's SVG; labels measured in the PDF's
    own font, so the drawing's box (which holds every label whole) is never exceeded."""
    left, top, width, height = radar["view_box"]
    scale = min(PAGE_WIDTH / width, 0.235)  # 12 px labels print at 8 pt, unless the page is too narrow
    origin_x = document.l_margin + (PAGE_WIDTH - width * scale) / 2
    if document.get_y() + height * scale > document.h - document.b_margin:
        document.add_page()
    origin_y = document.get_y()

    def at(x, y):
        return origin_x + (x - left) * scale, origin_y + (y - top) * scale

    def points(text):
        return [at(*map(float, pair.split(","))) for pair in text.split()]

    document.set_line_width(0.2)
    document.set_draw_color(*RULE)
    for _ring, ring in radar["rings"]:
        document.polygon(points(ring), style="D")
    for axis in radar["axes"]:
        document.line(*at(radar["centre"], radar["centre"]), *at(axis.x, axis.y))
    with document.local_context(fill_opacity=0.25):
        document.set_fill_color(*OWN)
        document.polygon(points(radar["own"]), style="F")
    document.set_draw_color(*OWN)
    document.set_line_width(0.6)
    document.polygon(points(radar["own"]), style="D")
    for colour, series, dash in ((PEERS, radar["peers"], (1.6, 1.1)), (TARGET, radar["target"], (0.6, 0.9))):
        if series:
            document.set_draw_color(*colour)
            document.set_dash_pattern(*dash)
            document.polygon(points(series), style="D")
            document.set_dash_pattern()
    document.set_font(FONT, "", charts.LABEL_FONT * scale * 72 / 25.4)
    document.set_text_color(*TEXT)
    for axis in radar["axes"]:
        for y, line in axis.lines:
            x, baseline = at(axis.label_x, y)
            shift = {"start": 0, "end": 1, "middle": 0.5}[axis.anchor] * document.get_string_width(line)
            document.text(x - shift, baseline, line)
    document.set_line_width(0.2)
    document.set_y(origin_y + height * scale + 2)
    _legend(document, radar)


def _legend(document, radar: dict) -> None:
    entries = [(OWN, None, _("Your scores (Ist)"))]
    if radar["target"]:
        entries.append((TARGET, (0.6, 0.9), _("Your target (Soll)")))
    if radar["peers"]:
        entries.append((PEERS, (1.6, 1.1), _("Median of your population class")))
    document.set_font(FONT, "", 8)
    x, y = document.l_margin, document.get_y() + 2
    for colour, dash, text in entries:
        document.set_draw_color(*colour)
        document.set_line_width(0.8)
        if dash:
            document.set_dash_pattern(*dash)
        document.line(x, y, x + 8, y)
        document.set_dash_pattern()
        document.text(x + 10, y + 1, text)
        x += 14 + document.get_string_width(text)
    document.set_line_width(0.2)
    document.set_y(y + 5)


def _column_widths(document, rows: list[list[str]]) -> tuple[float, list[float]] | None:
    """Widths (mm) at the first font size where every column holds its longest word with its padding; the
    rest of the page width goes to the columns with the most text. None if no size is small enough."""
    for size in TABLE_FONT:
        least, natural = [], []
        for column in zip(*rows):
            words, texts = [], []
            for number, text in enumerate(column):
                document.set_font(FONT, "B" if number == 0 else "", size)
                words += [document.get_string_width(word) for word in text.split()]
                texts.append(document.get_string_width(text))
            least.append(max(words, default=0) + 2 * CELL_PADDING + 0.5)
            natural.append(max(texts, default=0) + 2 * CELL_PADDING)
        spare = PAGE_WIDTH - sum(least)
        if spare < 0:
            continue
        wants = [max(n - m, 0) for n, m in zip(natural, least)]
        total = sum(wants) or 1
        return size, [m + spare * w / total for m, w in zip(least, wants)]
    return None


def _table(document, context: dict) -> None:
    rows, fields = context["rows"], {f["dimension"]: f for f in context["result"]["fields"]}
    targets = charts.targets_of(context["result"]["fields"])
    header = [_("Field"), _("Score"), *([_("Target")] if targets else []), _("Priority"), _("Need for action"),
              _("Same population class"), _("Same Land")]
    body = []
    for row in rows:
        field = fields[row["slug"]]
        target = targets.get(row["slug"])
        body.append([row["label"], "–" if row["score"] is None else str(round(row["score"])),
                     *([("–" if target is None else str(round(target)))] if targets else []),
                     str(field["priority"]),
                     "–" if field["need_for_action"] is None else str(round(field["need_for_action"])),
                     _stats(row["stats"]), _stats(row["land"])])
    size, widths = _column_widths(document, [header, *body]) or (TABLE_FONT[-1], None)
    document.set_font(FONT, "", size)
    document.set_text_color(*TEXT)
    document.set_draw_color(*RULE)
    document.set_fill_color(*ROW_FILL)
    with document.table(width=PAGE_WIDTH, col_widths=widths, text_align="LEFT", padding=CELL_PADDING,
                        headings_style=FontFace(emphasis="BOLD", color=TEXT, fill_color=HEAD_FILL),
                        cell_fill_color=ROW_FILL, cell_fill_mode="ROWS", line_height=size * 0.5) as table:
        for cells in [header, *body]:
            table.row(cells)


def _absolute(url: str) -> str:
    return request.url_root.rstrip("/") + url if has_request_context() and url.startswith("/") else url


def providers_line(providers: list[dict]) -> str:
    """"Provider: X" or "3 providers: X, Y, Z": one card stands for the same offer of all of them."""
    return ngettext("Provider: %(names)s", "%(num)s providers: %(names)s", len(providers),
                    names=", ".join(provider["name"] for provider in providers))


def _recommendations(document, context: dict, field: dict) -> None:
    for source, items in context.get("recommendations", {}).get(field["dimension"], []):
        label = source.label() if callable(source.label) else source.label
        document.set_font(FONT, "B", 9)
        document.multi_cell(0, 5, str(label), new_x="LMARGIN", new_y="NEXT")
        for item in items:
            document.set_font(FONT, "B", 9)
            document.set_text_color(*OWN)
            document.set_x(document.l_margin + 4)
            document.write(4.5, "• " + item["title"], _absolute(item["url"]))
            document.ln(4.5)
            document.set_text_color(*TEXT)
            details = [str(item["reason"])]
            if item.get("providers"):
                details.append(providers_line(item["providers"]))
            document.set_x(document.l_margin + 6)
            _paragraph(document, " · ".join(details), 8, MUTED)
        document.ln(1)


def render(context: dict) -> bytes:
    assessment, result = context["assessment"], context["result"]
    title = _("Digital Compass of %(name)s", name=assessment.organisation.name)
    document = new_document(title)
    document.set_auto_page_break(True, margin=15)
    document.set_margins(10, 10, 10)
    document.add_page()
    document.set_text_color(*TEXT)
    _heading(document, title, 16)
    _paragraph(document, _("Submitted on %(date)s, questionnaire %(version)s.",
                           date=format_date(assessment.submitted_at), version=assessment.questionnaire_version))
    overall = "–" if result["overall"] is None else round(result["overall"])
    line = _("Overall score: %(score)s of 100", score=overall)
    if result["level"]:
        line += " · " + _("Maturity level %(value)s of 5: %(label)s", value=result["level"]["value"],
                          label=result["level"]["label"])
    _heading(document, line, 12)
    _paragraph(document, _("This printout is for the council. The result page in the platform is the accessible "
                           "version of this report."), 8, MUTED)
    document.ln(2)
    _heading(document, _("Scores per field"))
    _radar(document, context["radar"])
    document.ln(2)
    _heading(document, _("Scores, priorities and comparison with peers"))
    _table(document, context)
    document.ln(4)
    _heading(document, _("Your top Handlungsfelder"))
    for number, field in enumerate(context["top_fields"], start=1):
        document.set_font(FONT, "B", 10)
        document.multi_cell(0, 5.5, f"{number}. {context['labels'][field['dimension']]}", new_x="LMARGIN",
                            new_y="NEXT")
        _paragraph(document, _("Score %(score)s, priority %(priority)s, need for action %(need)s.",
                               score=round(field["score"]), priority=field["priority"],
                               need=round(field["need_for_action"])), 9)
        document.ln(1)
        _recommendations(document, context, field)
    _needs(document, context)
    return bytes(document.output())


def _needs(document, context: dict) -> None:
    proposals, adopted = context.get("proposals") or [], context.get("adopted") or []
    if not proposals and not adopted:
        return
    document.ln(2)
    if proposals:
        _heading(document, _("Proposed needs"))
        for proposal in proposals:
            _paragraph(document, f"• {proposal['title']} ({context['labels'][proposal['dimension']]})", 9)
        document.ln(2)
    if adopted:
        _heading(document, _("Needs adopted from this check"))
        for need in adopted:
            _paragraph(document, f"• {need.title}", 9)
