"""`flask --app wsgi consultations remind-follow-ups [--on YYYY-MM-DD]`: what the morning job does, by hand."""

import click
from flask.cli import with_appcontext

from community.consultations import results


@click.group("consultations", help="First consultations.")
def consultations_group() -> None:
    pass


@consultations_group.command("remind-follow-ups", help="Tell both sides of every case whose follow-up day has "
                                                       "come (once per follow-up date).")
@click.option("--on", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if it were this day (default: today).")
@with_appcontext
def remind_follow_ups_command(day) -> None:
    click.echo(f"reminded: {results.remind_follow_ups(day.date() if day else None)}")
