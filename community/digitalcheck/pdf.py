"""The result as a PDF (community/pdf.py): overall score, a bar per dimension with the peers' median, the table."""
from flask_babel import format_date
from flask_babel import gettext as _

from community.pdf import FONT, new_document


def _stats(stats) -> str:
    if not stats:
        return _("too few comparison values")
    return _("median %(median)s (%(p25)s–%(p75)s), %(peers)s peers", median=round(stats["median"]),
             p25=round(stats["p25"]), p75=round(stats["p75"]), peers=stats["peers"])


def render(context: dict) -> bytes:
    assessment, result, rows = context["assessment"], context["result"], context["rows"]
    document = new_document(_("Digital-Check of %(name)s", name=assessment.organisation.name))
    document.set_auto_page_break(True, margin=15)
    document.add_page()
    document.set_font(FONT, "B", 16)
    document.multi_cell(0, 8, _("Digital-Check of %(name)s", name=assessment.organisation.name), new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 10)
    document.multi_cell(0, 6, _("Submitted on %(date)s, questionnaire %(version)s.",
                                date=format_date(assessment.submitted_at), version=assessment.questionnaire_version), new_x="LMARGIN", new_y="NEXT")
    overall = "–" if result["overall"] is None else round(result["overall"])
    line = _("Overall score: %(score)s of 100", score=overall)
    if result["level"]:
        line += " · " + _("Maturity level %(value)s of 5: %(label)s", value=result["level"]["value"],
                          label=result["level"]["label"])
    document.set_font(FONT, "B", 12)
    document.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    document.set_font(FONT, "B", 12)
    document.cell(0, 8, _("Scores per field"), new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 9)
    left, width = 80, 100
    for row in rows:
        y = document.get_y()
        document.set_xy(10, y)
        document.cell(left - 12, 6, row["label"][:45])
        document.set_fill_color(230, 230, 230)
        document.rect(left, y + 1, width, 4, style="F")
        if row["score"] is not None:
            document.set_fill_color(38, 53, 140)
            document.rect(left, y + 1, width * row["score"] / 100, 4, style="F")
        if row["stats"]:
            document.set_draw_color(179, 94, 0)
            document.set_line_width(0.8)
            x = left + width * row["stats"]["median"] / 100
            document.line(x, y, x, y + 6)
        document.set_xy(left + width + 2, y)
        document.cell(15, 6, "–" if row["score"] is None else str(round(row["score"])))
        document.ln(7)
    document.ln(2)
    document.set_font(FONT, "", 8)
    document.multi_cell(0, 5, _("Bars: your score; line: the median of your population class."), new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    fields = {f["dimension"]: f for f in result["fields"]}
    document.set_font(FONT, "B", 12)
    document.cell(0, 8, _("Scores, priorities and comparison with peers"), new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 8)
    with document.table(col_widths=(50, 14, 14, 18, 47, 47), text_align="LEFT") as table:
        table.row([_("Field"), _("Score"), _("Priority"), _("Need for action"), _("Same population class"),
                   _("Same Land")])
        for row in rows:
            field = fields[row["slug"]]
            table.row([row["label"], "–" if row["score"] is None else str(round(row["score"])), str(field["priority"]),
                       "–" if field["need_for_action"] is None else str(round(field["need_for_action"])),
                       _stats(row["stats"]), _stats(row["land"])])
    document.ln(4)
    document.set_font(FONT, "B", 12)
    document.cell(0, 8, _("Your top Handlungsfelder"), new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 10)
    for number, field in enumerate(context["top_fields"], start=1):
        document.multi_cell(0, 6, f"{number}. {context['labels'][field['dimension']]} – " + _(
            "Score %(score)s, priority %(priority)s, need for action %(need)s.", score=round(field["score"]),
            priority=field["priority"], need=round(field["need_for_action"])), new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())
