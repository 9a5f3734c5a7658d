"""`flask users ...`: create accounts, set platform roles and issue personal API tokens."""
import click
from flask_babel import gettext as _

from community.account.services import issue_token
from community.auth import services
from community.errors import ServiceError
from community.extensions import db
from community.organisations.models import Organisation


def _fail(error: ServiceError) -> None:
    payload = error.to_dict()
    lines = [f"{name}: {message}" for name, message in payload["fields"].items()] or [payload["message"]]
    raise click.ClickException("\n".join(lines))


def _user(email: str):
    user = services.find_user_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException(_("No account with the email address %(email)s.", email=email))
    return user


@click.group()
def users():
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--org-id", type=int, required=True, help="Id of an existing organisation.")
@click.option("--role", type=click.Choice(services.PLATFORM_ROLES), default="member",
              show_default=True, help="Platform role.")
@click.option("--name", help="Display name; defaults to the part of the email before the @.")
def create(email: str, password: str, org_id: int, role: str, name: str | None):
    """Create an account in an existing organisation (its first member administers it)."""
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        raise click.ClickException(_("No organisation with id %(id)s.", id=org_id))
    local_part = email.partition("@")[0]
    data = {"email": email, "password": password, "name": name or (local_part if len(local_part) >= 2 else email)}
    try:
        user = services.create_user(data, organisation, role=role)
    except ServiceError as error:
        _fail(error)
    values = {"id": user.id, "email": user.email, "organisation": organisation.id, "role": user.role}
    if user.is_org_admin:
        click.echo(_("Created user %(id)s <%(email)s> in organisation %(organisation)s (%(role)s, organisation "
                     "admin).", **values))
    else:
        click.echo(_("Created user %(id)s <%(email)s> in organisation %(organisation)s (%(role)s).", **values))


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(services.PLATFORM_ROLES))
def set_role(email: str, role: str):
    """Give an account a platform role."""
    user = services.set_role(_user(email), role)
    click.echo(_("%(email)s is now %(role)s.", email=user.email, role=user.role))


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A name to recognise the token by.")
def token(email: str, name: str):
    """Issue a personal API token; the token is the last line of the output and is shown only once."""
    try:
        _record, plain = issue_token(_user(email), name)
    except ServiceError as error:
        _fail(error)
    click.echo(_("Personal API token (store it now, it is not shown again):"))
    click.echo(plain)
