"""`flask bootstrap`: the centre's organisation and the first platform admin on an empty database."""
import os
import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from community.auth import services as auth
from community.auth.models import User
from community.errors import ServiceError
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation
from community.organisations.services import create_organisation
from community.signals import organisation_changed

PASSWORD_ENV = "BOOTSTRAP_ADMIN_PASSWORD"


class AlreadySetUp(click.ClickException):
    exit_code = 3


def _existing(centre_name: str, admin_email: str) -> tuple[Organisation | None, User | None]:
    """(the centre, its admin) when this very bootstrap already ran, else refuses what stands in its way."""
    admins = db.session.scalars(db.select(User).filter_by(role="admin", deleted_at=None)).all()
    same = [user for user in admins if user.email == auth.normalise_email(admin_email)
            and user.organisation is not None and user.organisation.name == centre_name]
    if same:
        return same[0].organisation, same[0]
    if admins:
        raise AlreadySetUp(_("This database already has a platform admin; bootstrap is for an empty database. "
                             "Use `flask users create` or `flask users set-role` instead."))
    if db.session.scalar(db.select(db.func.count()).select_from(Organisation)):
        raise AlreadySetUp(_("This database already has organisations; bootstrap is for an empty database. "
                             "Create the admin with `flask users create --org-id … --role admin`."))
    return None, None


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return os.environ.get(PASSWORD_ENV) or None


@click.command("bootstrap")
@click.option("--centre-name", required=True, help="Name of the competence centre's organisation.")
@click.option("--admin-email", required=True, help="E-mail address of the first platform admin.")
@click.option("--admin-name", help="Display name; defaults to the part of the e-mail before the @.")
@click.option("--land", help="The centre's federal state (two letters, e.g. NI), if it belongs to one.")
@click.option("--password-stdin", is_flag=True,
              help=f"Read the admin's password from the first line of standard input (else ${PASSWORD_ENV}; "
                   "without either a one-time link to set it is printed).")
@with_appcontext
def bootstrap(centre_name: str, admin_email: str, admin_name: str | None, land: str | None, password_stdin: bool):
    """Create the centre's organisation and the first platform admin on an empty database.

    Running it again with the same values changes nothing (and prints a fresh link while the admin has
    never signed in); on a database that already has an admin or organisations it refuses.
    """
    centre_name = centre_name.strip()
    centre, admin = _existing(centre_name, admin_email)
    if admin is not None:
        click.echo(_("Already set up: organisation %(org)s “%(name)s”, admin user %(user)s.",
                     org=centre.id, name=centre.name, user=admin.id))
        if admin.last_login_at is None:  # the first link may have been lost
            _print_link(admin)
        return
    password = _password(password_stdin)
    chosen = password is not None
    local_part = admin_email.partition("@")[0]
    data = {"email": admin_email, "name": admin_name or (local_part if len(local_part) >= 2 else admin_email),
            # Without a chosen password, one nobody knows: the printed link replaces it.
            "password": password if chosen else secrets.token_urlsafe(32)}
    try:
        centre = create_organisation({"name": centre_name, "kind": "state", "org_type": "behoerde",
                                      **({"land": land} if land else {})}, commit=False)
        centre.verified, centre.verified_at = True, utcnow()  # the operator vouches for its own centre
        db.session.flush()
        admin = auth.create_user(data, centre, role="admin")
    except ServiceError as error:
        db.session.rollback()
        payload = error.to_dict()
        raise click.ClickException("\n".join(f"{name}: {message}" for name, message in payload["fields"].items())
                                   or payload["message"]) from error
    organisation_changed.send(centre)
    click.echo(_("Created organisation %(org)s “%(name)s” and admin user %(user)s <%(email)s>.",
                 org=centre.id, name=centre.name, user=admin.id, email=admin.email))
    if not chosen:
        _print_link(admin)


def _print_link(admin: User) -> None:
    """The password-reset link, valid once (it is queued as a mail to the admin too)."""
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    link = auth.request_password_reset(admin.email)
    click.echo(_("Set the password here (valid %(hours)s hours, once): %(link)s", hours=hours, link=link))
