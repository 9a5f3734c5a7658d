"""`flask --app wsgi digital-check export`: the anonymised aggregates of the latest submitted checks as CSV."""
import sys

import click
from flask.cli import AppGroup

from community import csvfile
from community.digitalcheck import services

digital_check_group = AppGroup("digital-check", help="The Digitalkompass für Kommunen (Digital-Check): anonymised aggregates.")


@digital_check_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--with-demo/--without-demo", default=False, help="Count demo assessments too (default: not).")
def export(output: str | None, with_demo: bool):
    """Per group (everyone, population class, Land) and dimension: number of organisations, median and
    quartiles. Groups with fewer than 5 organisations are left out (k-anonymity)."""
    rows = services.aggregates(include_demo=with_demo)
    handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        csvfile.write(handle, ["group", "value", "dimension", "organisations", "median", "p25", "p75"], rows)
    finally:
        if output:
            handle.close()
    if output:
        click.echo(f"Wrote {len(rows)} aggregate rows to {output}.", err=True)
