"""Small, valid OpenDocument and PDF files written in code: the demo's templates (demo.py) are generated
at seed time rather than stored as binaries. ODF: a zip whose first entry is the uncompressed `mimetype`, then
the manifest and content.xml (OpenDocument 1.3, readable by LibreOffice and by sniffing.py)."""
import io
import zipfile
from xml.sax.saxutils import escape

from community.pdf import FONT, new_document

ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"')


def _package(mimetype: str, body: str) -> bytes:
    content = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NAMESPACES}><office:body>{body}' \
              '</office:body></office:document-content>'
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    """A text document: the title, then each section's heading and paragraphs."""
    parts = [f'<text:h text:outline-level="1">{escape(title)}</text:h>']
    for heading, paragraphs in sections:
        parts.append(f'<text:h text:outline-level="2">{escape(heading)}</text:h>')
        parts.extend(f"<text:p>{escape(paragraph)}</text:p>" for paragraph in paragraphs)
    return _package(ODT_TYPE, f"<office:text>{''.join(parts)}</office:text>")


def ods(sheet: str, rows: list[list[str]]) -> bytes:
    """A spreadsheet of one sheet; every cell text."""
    cells = "".join(
        "<table:table-row>" + "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                                      "</text:p></table:table-cell>" for value in row) + "</table:table-row>"
        for row in rows)
    return _package(ODS_TYPE, f'<office:spreadsheet><table:table table:name="{escape(sheet)}">{cells}'
                              "</table:table></office:spreadsheet>")


def pdf(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    document = new_document(title)
    document.add_page()
    document.set_font(FONT, "B", 16)
    document.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in sections:
        document.ln(3)
        document.set_font(FONT, "B", 12)
        document.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        document.set_font(FONT, "", 10)
        for paragraph in paragraphs:
            document.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
            document.ln(1)
    return bytes(document.output())
