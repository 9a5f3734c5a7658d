"""`flask users create | set-role | token`."""
from community.auth.models import ApiToken, User
from community.auth.services import user_for_api_token
from community.extensions import db
from tests.factories import make_org, make_user

PASSWORD = "Sicheres-Passwort-1"


def create(runner, *args):
    return runner.invoke(args=["users", "create", *args])


def test_create_makes_the_first_member_organisation_admin(runner):
    org = make_org()

    result = create(runner, "--email", "Neu@Example.org", "--password", PASSWORD, "--org-id", str(org.id),
                    "--name", "Nora Neu")

    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert (user.email, user.name, user.organisation_id, user.role) == ("neu@example.org", "Nora Neu", org.id, "member")
    assert user.is_org_admin
    assert user.check_password(PASSWORD)


def test_create_with_a_platform_role(runner):
    org = make_org()
    make_user(org, is_org_admin=True)

    result = create(runner, "--email", "mod@example.org", "--password", PASSWORD, "--org-id", str(org.id),
                    "--role", "moderator")

    assert result.exit_code == 0, result.output
    moderator = db.session.execute(db.select(User).filter_by(email="mod@example.org")).scalar_one()
    assert moderator.role == "moderator" and not moderator.is_org_admin


def test_create_applies_the_password_rules(runner):
    org = make_org()

    result = create(runner, "--email", "neu@example.org", "--password", "123456789012", "--org-id", str(org.id))

    assert result.exit_code != 0
    assert "password" in result.output
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 0


def test_create_needs_an_existing_organisation(runner):
    result = create(runner, "--email", "neu@example.org", "--password", PASSWORD, "--org-id", "999")

    assert result.exit_code != 0
    assert "No organisation with id 999" in result.output


def test_create_refuses_an_existing_email(runner):
    org = make_org()
    make_user(org, email="neu@example.org")

    result = create(runner, "--email", "NEU@example.org", "--password", PASSWORD, "--org-id", str(org.id))

    assert result.exit_code != 0
    assert "already exists" in result.output


def test_token_prints_a_working_token_on_its_last_line(runner):
    user = make_user(make_org())

    result = runner.invoke(args=["users", "token", user.email, "--name", "Import"])

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    record = db.session.execute(db.select(ApiToken)).scalar_one()
    assert (record.name, record.token_hash) == ("Import", ApiToken.hash(token))
    assert user_for_api_token(token) == user


def test_token_for_an_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.org"])

    assert result.exit_code != 0
    assert "No account" in result.output


def test_set_role(runner):
    user = make_user(make_org())

    result = runner.invoke(args=["users", "set-role", user.email, "admin"])

    assert result.exit_code == 0, result.output
    assert db.session.get(User, user.id).role == "admin"


def test_consultant_is_a_platform_role_for_create_and_set_role(runner):
    org = make_org()
    make_user(org, is_org_admin=True)

    created = create(runner, "--email", "beratung@example.org", "--password", PASSWORD, "--org-id", str(org.id),
                     "--role", "consultant")
    member = make_user(org)
    changed = runner.invoke(args=["users", "set-role", member.email, "consultant"])

    assert created.exit_code == 0, created.output
    assert changed.exit_code == 0, changed.output
    roles = dict(db.session.execute(db.select(User.email, User.role)).all())
    assert roles["beratung@example.org"] == "consultant"
    assert roles[member.email] == "consultant"
