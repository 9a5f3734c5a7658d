"""`flask import-organisations FILE` (organisations with needs and offers) and `flask import-register`."""
import time
from contextlib import contextmanager

import click
from flask_babel import gettext as _

from community.organisations import importer, register, register_import

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


@click.command("import-register")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def import_register(paths: tuple[str, ...]):
    """Bring the official municipal register (Destatis GV100AD) into this installation, or update it.

    PATHS: one GV100AD file as Destatis publishes it (GV100AD_DDMMYYYY.txt), or gemeinden.csv,
    gemeindeverbaende.csv and kreise.csv (or their folder); without PATHS, the register bundled with the
    application. Organisations are matched by official key: renamed ones keep everything, merged-away
    ones are marked dissolved and keep their members, needs and offers.
    """
    started = time.perf_counter()
    try:
        found = register.read(paths) if paths else register.bundled()
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(_("The register could not be read: %(error)s", error=error)) from None
    report = register_import.import_register(found)
    for old, new in report.renamed:
        click.echo(_("Renamed: %(old)s -> %(new)s", old=old, new=new))
    for name, old, new in report.rekeyed:
        click.echo(_("New official key: %(name)s %(old)s -> %(new)s", name=name, old=old, new=new))
    for name in report.dissolved:
        click.echo(_("No longer in the register, kept and marked dissolved: %(name)s", name=name))
    for name in report.adopted:
        click.echo(_("Registered organisation is now the register's entry: %(name)s", name=name))
    click.echo(_(
        "Register of %(date)s: %(created)s organisations created, %(updated)s updated, %(unchanged)s unchanged, "
        "%(dissolved)s dissolved (%(seconds).1f s).",
        date=found.reference_date.isoformat() if found.reference_date else "?", created=report.created,
        updated=report.updated + len(report.rekeyed), unchanged=report.unchanged, dissolved=len(report.dissolved),
        seconds=time.perf_counter() - started,
    ))
