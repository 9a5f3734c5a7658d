"""The type of an uploaded file, judged from its content alone (never from its name or the browser's
Content-Type): magic bytes for PDF, PNG and JPEG; for the zip-based office formats the `mimetype` entry of
OpenDocument (stored first, uncompressed, as the standard requires) and the main part's type in
`[Content_Types].xml` of Office Open XML. Anything else is None: HTML, SVG, scripts, executables, other
zip files and the macro-enabled office variants (docm, xlsm) are refused by the caller. Pure: no Flask.
"""
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", "pdf")
PNG = Kind("image/png", "png")
JPEG = Kind("image/jpeg", "jpg")
ODT = Kind("application/vnd.oasis.opendocument.text", "odt")
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", "ods")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
KINDS = (PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}

_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}
# The main document part's content type of each accepted OOXML kind (ECMA-376 part 1).
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_CONTENT_TYPE_ATTRIBUTE = re.compile(rb'ContentType\s*=\s*"([^"]+)"')
MAX_CONTENT_TYPES_BYTES = 256 * 1024  # a real [Content_Types].xml is a few kB; more is not read (zip bombs)
MAX_ZIP_ENTRIES = 10_000


def sniff(stream: BinaryIO) -> Kind | None:
    """The accepted kind of the file in `stream` (seekable), or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(stream)
        return None
    finally:
        stream.seek(0)


def _zip_kind(stream: BinaryIO) -> Kind | None:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            return None
        if entries and entries[0].filename == "mimetype":
            return _odf_kind(archive, entries[0])
        names = {entry.filename: entry for entry in entries}
        if "[Content_Types].xml" in names:
            return _ooxml_kind(archive, names["[Content_Types].xml"])
    return None


def _read_small(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes | None:
    if entry.file_size > limit:
        return None
    try:
        with archive.open(entry) as member:
            return member.read(limit + 1)[:limit + 1]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None


def _odf_kind(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Kind | None:
    if entry.compress_type != zipfile.ZIP_STORED:
        return None
    value = _read_small(archive, entry, 200)
    return _ODF.get(value.decode("ascii", "replace").strip()) if value else None


def _ooxml_kind(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Kind | None:
    value = _read_small(archive, entry, MAX_CONTENT_TYPES_BYTES)
    if not value or len(value) > MAX_CONTENT_TYPES_BYTES:
        return None
    found = {_OOXML_MAIN.get(match.decode("ascii", "replace")) for match in _CONTENT_TYPE_ATTRIBUTE.findall(value)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None
