"""`flask seed-demo`: fill the database with the demo community and list the demo accounts."""
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from community.demo import seed
from community.taxonomy import COMPANY, FEDERAL, MUNICIPALITY, STATE

ACCOUNTS_FILE = "demo-accounts.txt"


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds a password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through os.open
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


@click.command("seed-demo")
@click.option("--once", is_flag=True, help="Do nothing when demo data is already present.")
@click.option("--reset", is_flag=True, help="Delete the present demo data and demo accounts first.")
@click.option("--seed", "seed_value", type=int, default=seed.DEFAULT_SEED, show_default=True,
              help="Random seed; the same seed gives the same organisations, needs and offers.")
@click.option("--accounts-file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Where to write the demo accounts [default: instance/{ACCOUNTS_FILE}].")
def seed_demo(once: bool, reset: bool, seed_value: int, accounts_file: Path | None):
    """Seed the demo community: real public bodies and IT providers, invented vendors, needs and offers.

    The demo accounts share one new random password, written to the accounts file (mode 0600).
    """
    if once and reset:
        raise click.UsageError(_("Choose either --once or --reset."))
    if seed.has_demo_data():
        if once:
            click.echo(_("Demo data is already present; nothing to do."))
            return
        if not reset:
            raise click.ClickException(
                _("Demo data is already present. Use --reset to replace it or --once to keep it.")
            )
        seed.reset()
    elif seed.has_real_data():
        # A production database (make setup with DEMO_MODE=1 by mistake) must never get the demo accounts
        # with their shared password.
        raise click.ClickException(_("This database holds organisations or accounts that are not demo data: "
                                     "the demo is not seeded into it."))
    started = time.perf_counter()
    world = seed.seed(seed_value)
    click.echo(_(
        "Seeded %(municipalities)s municipalities, %(states)s state bodies, %(federal)s federal bodies, "
        "%(companies)s companies, %(needs)s needs, %(offers)s offers and %(accounts)s accounts "
        "in %(seconds).1f s (seed %(seed)s).",
        municipalities=world.count(MUNICIPALITY) + (world.register_report.created if world.register_report else 0),
        states=world.count(STATE), federal=world.count(FEDERAL),
        companies=world.count(COMPANY), needs=world.count("needs"), offers=world.count("offers"),
        accounts=len(world.accounts), seconds=time.perf_counter() - started, seed=seed_value,
    ))
    table = seed.accounts_table(world, (_("Email"), _("Password"), _("Role"), _("Organisation")))
    path = accounts_file or Path(current_app.instance_path) / ACCOUNTS_FILE
    _write_private(path, table)
    click.echo(table, nl=False)
    click.echo(_("Demo accounts written to %(path)s.", path=path))
