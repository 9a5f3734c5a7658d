"""`flask --app wsgi events send-reminders`: remind confirmed participants of events within a day."""
import click
from flask.cli import with_appcontext

from community.events import services


@click.group("events", help="Trainings and events.")
def events_group() -> None:
    pass


@events_group.command("send-reminders", help="Remind confirmed participants of events starting within a "
                                              "day; each once, so running it again sends nothing twice.")
@with_appcontext
def send_reminders_command() -> None:
    click.echo(f"reminded: {services.send_due_reminders()}")
