"""`flask import-organisations FILE`: bulk import of organisations with needs and offers."""
import click


@click.command("import-organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_organisations(path: str):
    """Import organisations from CSV or JSONL, all or nothing."""
