"""The result report (Ergebnisbericht) as a PDF a municipality can put before its council: German (or the
reader's language), the competence centre named as author, dark text on a light table head, whole words only."""
from babel.dates import format_date
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf.fonts import FontFace

from community.consultations import results
from community.consultations.models import Consultation
from community.models_base import utcnow
from community.pdf import FONT, new_document

HEAD = FontFace(emphasis="BOLD", color=(20, 20, 20), fill_color=(228, 234, 243))
LINE_HEIGHT = 6


def _author(case: Consultation) -> str:
    config = current_app.config
    if case.assignee is not None and case.assignee.organisation is not None:
        return case.assignee.organisation.name
    return config.get("OPERATOR_NAME") or config["PLATFORM_NAME"]


CELL_PADDING = 4  # mm, both sides of a cell together, with room to spare


def _column_widths(pdf, rows: list[list[str]]) -> list[float]:
    """Every column at least as wide as its longest word (in bold, as the head is set), so no word is ever broken
    ("Prioritä|t"); what is left of the page goes to the first column, the measure's title."""
    pdf.set_font(FONT, "B", 9)
    widest = [max(pdf.get_string_width(word) for row in rows for word in (row[column].split() or [""])) + CELL_PADDING
              for column in range(len(rows[0]))]
    spare = pdf.epw - sum(widest)
    return [widest[0] + max(spare, 0), *widest[1:]]


def _section(pdf, title: str, text: str) -> None:
    if not text:
        return
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")


def result_pdf(case: Consultation, viewer, dimension_labels: dict) -> bytes:
    locale = str(get_locale() or "de")
    result = results.result_to_dict(case, viewer) or {}
    author = _author(case)
    pdf = new_document(_("Result report of the first consultation"))
    pdf.set_author(author)
    pdf.set_creator(current_app.config["PLATFORM_NAME"])
    pdf.set_subject(case.subject)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, _("Result report of the first consultation"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 8, f"„{case.subject}“", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, LINE_HEIGHT, _("For: %(organisation)s", organisation=case.organisation.name),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, LINE_HEIGHT, _("By: %(author)s", author=author), new_x="LMARGIN", new_y="NEXT")
    if case.scheduled_for:
        pdf.multi_cell(0, LINE_HEIGHT, _("Consultation on %(day)s", day=format_date(case.scheduled_for, "long",
                                                                                     locale=locale)),
                       new_x="LMARGIN", new_y="NEXT")
    _section(pdf, _("Situation"), result.get("situation", ""))
    fields = [dimension_labels.get(slug, slug) for slug in result.get("fields", [])]
    _section(pdf, _("Fields of action"), "\n".join(f"• {label}" for label in fields))
    if result.get("measures"):
        pdf.ln(3)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 8, _("Measures"), new_x="LMARGIN", new_y="NEXT")
        rows = [[_("Measure"), _("Field of action"), _("Priority"), _("Horizon"), _("Responsible"), _("Status")]]
        for measure in result["measures"]:
            responsible, status = (results.RESPONSIBLE_WORDS[measure["responsible"]],
                                   results.STATUS_WORDS[measure["status"]])
            field = dimension_labels.get(measure["field"], "–") if measure["field"] else "–"
            rows.append([measure["title"], field, str(measure["priority"]),
                         ngettext("%(num)s month", "%(num)s months", measure["horizon_months"]),
                         _(responsible), _(status)])
        widths = _column_widths(pdf, rows)
        pdf.set_font(FONT, "", 9)
        with pdf.table(col_widths=widths, headings_style=HEAD, line_height=5,
                       text_align="LEFT", first_row_as_headings=True) as table:
            for row in rows:
                table.row(row)
        pdf.set_font(FONT, "", 11)
    _section(pdf, _("Funding options"), result.get("funding", ""))
    _section(pdf, _("Next steps"), result.get("next_steps", ""))
    _section(pdf, _("Advice"), case.advice)
    if case.follow_up_on:
        _section(pdf, _("Follow-up"), _("We look at the progress together on %(day)s.",
                                         day=format_date(case.follow_up_on, "long", locale=locale)))
    pdf.ln(8)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, _("Made on %(day)s with %(platform)s.", day=format_date(utcnow(), "long", locale=locale),
                           platform=current_app.config["PLATFORM_NAME"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
