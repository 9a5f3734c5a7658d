"""PDF documents (fpdf2) in DejaVu Sans, embedded so umlauts, ß and „quotes“ print: KERN's Fira Sans ships
only as woff2, which fpdf2 cannot embed. The fonts are in community/fonts/ with their licence; they are
read by the server, never served to browsers."""
from pathlib import Path

from fpdf import FPDF

FONT = "DejaVu"
_FONTS = Path(__file__).with_name("fonts")


def new_document(title: str) -> FPDF:
    """An A4 document with its title and the DejaVu regular and bold faces registered as FONT."""
    document = FPDF(format="A4")
    document.set_title(title)
    document.add_font(FONT, "", str(_FONTS / "DejaVuSans.ttf"))
    document.add_font(FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    return document
