"""`flask --app wsgi programmes import <file>` (CSV or JSON) and `programmes send-reminders`."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from community.errors import InvalidInput
from community.programmes import services

MAX_FILE_BYTES = 5 * 1024 * 1024
DATA_DIR = Path(__file__).parent / "data"


@click.group("programmes", help="Funding programmes.")
def programmes_group() -> None:
    pass


@programmes_group.command("import", help="Create or update funding programmes from a CSV (`;` or `,`, a header "
                                         "row with the API's field names) or JSON file; a programme with the same "
                                         "title and funder is updated. Without a file: the curated starting set.")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path | None) -> None:
    path = path or DATA_DIR / "programmes.json"
    if path.stat().st_size > MAX_FILE_BYTES:
        raise click.ClickException(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    try:
        rows = services.read_rows(path.read_text(encoding="utf-8"), path.name)
    except (ValueError, InvalidInput) as error:
        raise click.ClickException(f"{path}: {error}") from None
    created, updated, errors = services.import_rows(rows)
    for error in errors:
        click.echo(error, err=True)
    click.echo(f"created: {created}, updated: {updated}, refused: {len(errors)}")
    if errors:
        raise SystemExit(1)


@programmes_group.command("send-reminders", help="Remind opted-in members of organisations with a matching open "
                                                 "need of deadlines within 14 days; once per deadline.")
@with_appcontext
def send_reminders_command() -> None:
    click.echo(f"reminded: {services.send_deadline_reminders()}")
