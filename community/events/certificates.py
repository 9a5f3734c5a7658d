"""The certificate of attendance (Teilnahmebescheinigung) as a PDF, made with fpdf2.

Made with community/pdf.py (DejaVu Sans embedded, so umlauts print); the text is in the reader's language.
"""
from babel.dates import format_date, format_time
from flask_babel import get_locale
from flask_babel import gettext as _

from community.events import services
from community.models_base import utcnow
from community.pdf import FONT, new_document

def _when(event, locale: str) -> str:
    start, end = services.local(event.starts_at, event.timezone), services.local(event.ends_at, event.timezone)
    if start.date() == end.date():
        return _("%(day)s, %(start)s to %(end)s", day=format_date(start, "long", locale=locale),
                 start=format_time(start, "short", locale=locale), end=format_time(end, "short", locale=locale))
    return _("%(start)s to %(end)s", start=format_date(start, "long", locale=locale),
             end=format_date(end, "long", locale=locale))


def certificate_pdf(registration) -> bytes:
    event, person = registration.event, registration.user
    locale = str(get_locale() or "de")
    pdf = new_document(_("Certificate of attendance"))
    pdf.set_subject(event.title)
    pdf.set_author(event.organisation.name if event.organisation else "Kommunalnetz")
    pdf.set_creator("Kommunalnetz")
    pdf.set_margins(25, 30, 25)
    pdf.add_page()
    pdf.set_font(FONT, "B", 24)
    pdf.cell(0, 14, _("Certificate of attendance"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(14)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(0, 7, _("This certifies that"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, person.name, new_x="LMARGIN", new_y="NEXT", align="C")
    if person.organisation is not None:
        pdf.set_font(FONT, "", 12)
        pdf.multi_cell(0, 7, person.organisation.name, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(6)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(0, 7, _("attended the event"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 9, f"„{event.title}“", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(0, 7, _when(event, locale), new_x="LMARGIN", new_y="NEXT", align="C")
    place = event.location if event.format != "online" else _("online")
    if place:
        pdf.multi_cell(0, 7, place, new_x="LMARGIN", new_y="NEXT", align="C")
    if event.organisation is not None:
        pdf.ln(10)
        pdf.multi_cell(0, 7, _("Organised by %(organiser)s", organiser=event.organisation.name),
                       new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(20)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, _("Issued on %(date)s through Kommunalnetz.", date=format_date(utcnow(), "long", locale=locale)),
                   new_x="LMARGIN", new_y="NEXT", align="C")
    return bytes(pdf.output())
