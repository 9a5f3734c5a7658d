"""`flask import-organisations FILE`: bulk import of organisations with needs and offers."""
import time
from contextlib import contextmanager

import click
from flask_babel import gettext as _

from community.organisations import importer

PROGRESS_FROM_ROWS = 200  # smaller files finish before a bar would be worth drawing


@contextmanager
def _progress(rows: int, label: str):
    """A click progress bar for large files, else a callback that does nothing."""
    if rows <= PROGRESS_FROM_ROWS:
        yield lambda steps: None
        return
    with click.progressbar(length=rows, label=label, file=click.get_text_stream("stderr")) as bar:
        yield bar.update


@click.command("import-organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(importer.FORMATS), help="Override the file extension.")
def import_organisations(path: str, fmt: str | None):
    """Import organisations with needs and offers from CSV or JSONL, all or nothing.

    Every row is checked first; with a single bad row nothing is written and every problem is
    listed by row (CSV, header = row 1) or line (JSONL). The columns are described in docs/import.md.
    """
    started = time.perf_counter()
    try:
        parsed = importer.read(path, importer.detect_format(path, fmt))
        rows = parsed.rows
        with _progress(rows, _("Checking")) as progress:
            problems = importer.check(parsed, progress)
        if problems:
            raise importer.ImportFailed(problems)
        with _progress(rows, _("Importing")) as progress:
            summary = importer.write(parsed.organisations, progress)
    except importer.ImportFailed as failure:
        for problem in failure.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            _("Nothing was imported: %(n)s problems in %(path)s.", n=len(failure.problems), path=path)
        ) from None
    seconds = time.perf_counter() - started
    click.echo(_(
        "Imported %(organisations)s organisations, %(needs)s needs and %(offers)s offers "
        "(%(rows)s rows in %(seconds).1f s, %(rate)s rows/s).",
        organisations=summary.organisations, needs=summary.needs, offers=summary.offers,
        rows=rows, seconds=seconds, rate=int(rows / seconds) if seconds else rows,
    ))
