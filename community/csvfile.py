"""The one way the platform writes CSV: every export (participants, insights, Digital-Check aggregates)
goes through here, so all of them open the same way in German Excel and LibreOffice Calc.

- UTF-8 with a byte order mark (Excel otherwise reads it as Windows-1252) and `;` as the separator
  (German Excel splits on `;`, not on `,`).
- Formula injection: a cell that starts with = + - @ tab or CR is run as a formula by a spreadsheet.
  A value such as `Amt;=HYPERLINK(...)` becomes two cells wherever a program splits on `;` (or `,`)
  without honouring the quotes, so the guard is applied to every piece after such a split, not only to
  the start of the value: each dangerous start is prefixed with `'`, which spreadsheets show as text.
"""
import csv
import io
import re
from collections.abc import Iterable
from typing import IO

from flask import Response

SEPARATOR = ";"
BOM = "\ufeff"
# A piece starts at the beginning of the value or after any character a spreadsheet may split on; leading
# blanks do not protect (Calc and Excel trim them before evaluating).
_DANGEROUS_START = re.compile(r"(^|[;,\t\r\n])([ \u00a0]*)(?=[=+\-@\t\r])")


def cell(value) -> str:
    """The text of one cell, safe to open in a spreadsheet."""
    text = "" if value is None else str(value)
    return _DANGEROUS_START.sub(lambda found: found.group(1) + "'" + found.group(2), text)


def write(handle: IO[str], header: Iterable, rows: Iterable[Iterable]) -> int:
    """Write the BOM, the header and the rows (every cell guarded) to an open text handle; returns the row count."""
    handle.write(BOM)
    writer = csv.writer(handle, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([cell(value) for value in header])
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count


def text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    write(out, header, rows)
    return out.getvalue()


def response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> Response:
    """A download of the rows as `filename`."""
    return Response(text(header, rows).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="{filename}"'})
