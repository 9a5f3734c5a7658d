"""`flask --app wsgi mail send-digests --frequency daily|weekly` and `flask --app wsgi mail test --to ADDRESS`."""
import click
from flask import current_app
from flask.cli import with_appcontext

from community.extensions import db


@click.group("mail", help="E-mail: digests, a test mail, retrying failed mails.")
def mail_group() -> None:
    pass


@mail_group.command("send-digests", help="Queue this period's digests now (nothing twice).")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), required=True)
@with_appcontext
def send_digests_command(frequency: str) -> None:
    from community.mail import digests

    count = digests.send_digests(frequency, until_now=True)
    click.echo(f"{count} {frequency} digests queued")


@mail_group.command("test", help="Queue a test mail to ADDRESS (a consumer delivers it).")
@click.option("--to", "address", required=True)
@with_appcontext
def test_command(address: str) -> None:
    from community.mail.models import TEST
    from community.mail.outbox import queue_mail, render_mail

    platform = current_app.config["PLATFORM_NAME"]
    subject = f"[{platform}] Test mail"
    text, html = render_mail("test", subject=subject)
    mail = queue_mail(address, subject, text, html, kind=TEST)
    db.session.commit()
    where = f"SMTP {current_app.config['MAIL_SERVER']}" if current_app.config.get("MAIL_SERVER") \
        else current_app.config["MAIL_DIR"]
    click.echo(f"test mail {mail.id} queued to {address} ({where}); a consumer delivers it")


@mail_group.command("deliver", help="Deliver the due mails in this process (without a consumer).")
@with_appcontext
def deliver_command() -> None:
    from community.mail import delivery

    ids = delivery.due_mail_ids()
    retries = delivery.deliver(ids)
    click.echo(f"{len(ids) - len(retries)} of {len(ids)} handled, {len(retries)} to retry")
