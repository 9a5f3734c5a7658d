"""Every rule of community/policy.py against every role: allowed or refused, as a matrix.

The rules are read from policy.RULES, so a rule added without an expectation here fails
test_every_rule_has_an_expectation; the per-rule tests print which roles differ.
"""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from community import models as _all_features  # noqa: F401  (importing the features registers their rules)
from community import policy
from community.events.models import Event, Registration
from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from community.models_base import utcnow
from community.moderation.models import Appeal, ModerationAction, ModeratorAssignment, Sanction
from community.rooms.models import Message
from tests.factories import make_need, make_org, make_room, make_user, sign_in

# "unconfirmed": registered by themselves in a third organisation, the e-mail address not yet confirmed (#24).
ROLES = ("anonymous", "member", "org_admin", "forum_moderator", "other_forum_moderator", "moderator", "admin",
         "suspended", "unconfirmed")
SIGNED_IN = set(ROLES) - {"anonymous"}
WRITERS = SIGNED_IN - {"suspended", "unconfirmed"}
EVERYONE = set(ROLES)
OWN_ORG = {"member", "org_admin"}
OTHER_ORG = {"forum_moderator", "other_forum_moderator", "moderator", "admin"}
FORUM_MODERATORS = {"forum_moderator", "moderator", "admin"}

# action: (target, the roles that may)
EXPECTED = {
    "members_only.view": (None, SIGNED_IN),
    "mail.view_outbox": (None, {"admin"}),
    "operations.view_version": (None, {"admin"}),
    "user.administer": (None, {"admin"}),
    "join.decide": ("join_request", {"org_admin", "admin"}),
    "join.withdraw": ("join_request", {"member"}),
    "organisation.merge": (None, {"admin"}),
    "organisation.edit": ("organisation", {"org_admin", "admin"}),
    "organisation.manage_members": ("organisation", {"org_admin", "admin"}),
    "organisation.view_members": ("organisation", OWN_ORG | {"admin"}),
    "organisation.verify": ("organisation", {"admin"}),
    "entry.create": ("organisation", OWN_ORG),
    "entry.edit": ("need", OWN_ORG | {"admin"}),
    "entry.view": ("need", SIGNED_IN),
    "user.set_role": ("member_user", {"admin"}),
    "suggestion.view": ("organisation", OWN_ORG),
    "contact.create": ("organisation", OTHER_ORG | {"suspended"}),
    "contact.view": ("contact", OWN_ORG | OTHER_ORG),
    "contact.decide": ("contact", OWN_ORG),
    "contact.withdraw": ("contact", OTHER_ORG),
    "contact.see_details": ("contact", OWN_ORG | OTHER_ORG),
    "room.view": ("room", OWN_ORG),
    "room.post": ("room", OWN_ORG),
    "room.invite": ("room", OWN_ORG),
    "room.create_topic": (None, {"moderator", "admin"}),
    "room.create_group": (None, WRITERS),
    "message.edit": ("message", {"member"}),
    "message.delete": ("message", {"member", "moderator", "admin"}),
    "forum.view": ("forum", EVERYONE),
    "forum.create": (None, {"admin"}),
    "forum.moderate": ("forum", FORUM_MODERATORS),
    "thread.create": ("forum", WRITERS),
    "thread.watch": ("thread", SIGNED_IN),
    "thread.invite": ("thread", {"member"}),
    "post.create": ("thread", WRITERS),
    "post.view": ("post", EVERYONE),
    "post.edit": ("post", {"member"} | FORUM_MODERATORS),
    "post.history": ("post", FORUM_MODERATORS),
    "post.mark_solution": ("post", {"member"} | FORUM_MODERATORS),
    "report.create": (None, WRITERS),
    "report.item": ("message", WRITERS - {"member"}),
    "moderation.queue": (None, FORUM_MODERATORS | {"other_forum_moderator"}),
    "moderation.act": ("post", FORUM_MODERATORS),
    "moderation.log": (None, {"moderator", "admin"}),
    "moderation.assign": (None, {"admin"}),
    "moderation.appeal": ("action", {"member"}),
    "moderation.decide_appeal": ("appeal", FORUM_MODERATORS),
    "sanction.create": ("member_user", {"moderator", "admin"}),
    "sanction.lift": ("sanction", {"moderator", "admin"}),
    "sanction.view_own": (None, SIGNED_IN),
    "consultation.request": (None, SIGNED_IN - {"admin", "unconfirmed"}),
    "consultation.desk": (None, SIGNED_IN),
    "consultation.view": ("consultation", OWN_ORG | {"admin"}),
    "consultation.internal_notes": ("consultation", {"admin"}),
    "consultation.rate": ("consultation", OWN_ORG),
    "insights.view": (None, {"admin"}),
    "event.create": (None, WRITERS),
    "event.view": ("event", EVERYONE),
    "event.edit": ("event", {"member", "org_admin", "admin"}),
    "event.participants": ("event", {"member", "org_admin", "admin"}),
    "event.register": ("event", WRITERS),
    "event.withdraw": ("event", SIGNED_IN),
    "event.cancel": ("event", {"member", "org_admin", "admin"}),
    "event.calendar": ("event", EVERYONE),
    "event.online_link": ("event", {"member", "org_admin", "admin", "moderator"}),
    "event.certificate": ("registration", {"member", "org_admin", "admin", "moderator"}),
    "example.create": (None, WRITERS),
    "example.view": ("example", EVERYONE),
    "example.view_working": ("example", OWN_ORG | {"moderator", "admin"}),
    "example.edit": ("example", OWN_ORG),
    "example.review": ("example", {"moderator", "admin"}),
    "example.reuse": ("example", OTHER_ORG),
    "example.vote": ("example", OTHER_ORG),
    "attachment.view": ("example_attachment", EVERYONE),
    "attachment.add_to_example": ("example", OWN_ORG),
    "attachment.add_to_consultation": ("consultation", {"admin"}),
    "attachment.delete": ("example_attachment", OWN_ORG),
    # The municipality's own members answer; consultants (and admins acting as one) read shared ones.
    "digitalcheck.create": ("organisation", OWN_ORG),
    "digitalcheck.view": ("shared_assessment", OWN_ORG | {"admin"}),
    "digitalcheck.edit": ("shared_assessment", OWN_ORG),
    "programme.view": (None, EVERYONE),
    "programme.manage": (None, {"admin"}),  # consultants; admins act as one (no consultant in this matrix)
    "programme.name_funding": ("example", OWN_ORG | {"moderator", "admin"}),  # example.edit or example.review
    "cooperation.propose": ("need", OWN_ORG),
    "cooperation.potentials": (None, {"admin"}),
}


@pytest.fixture
def world(app):
    """Users in every role and one target of every kind, all in forum A / organisation X."""
    forums.ensure_topic_forums()
    forum, other_forum = db.session.scalars(db.select(Forum).order_by(Forum.id).limit(2)).all()
    own, other, third = make_org(verified=True), make_org(verified=True), make_org(verified=True)
    users = {
        "anonymous": AnonymousUserMixin(),
        "member": make_user(own),
        "org_admin": make_user(own, is_org_admin=True),
        "forum_moderator": make_user(other),
        "other_forum_moderator": make_user(other),
        "moderator": make_user(other, role="moderator"),
        "admin": make_user(other, role="admin"),
        "suspended": make_user(third),
        "unconfirmed": make_user(third, email_confirmed_at=None),
    }
    acting_moderator = make_user(role="moderator")
    suspension = Sanction(user_id=users["suspended"].id, kind="suspend", reason="Test",
                          ends_at=utcnow() + timedelta(days=1))
    db.session.add_all([
        ModeratorAssignment(user_id=users["forum_moderator"].id, forum_id=forum.id),
        ModeratorAssignment(user_id=users["other_forum_moderator"].id, forum_id=other_forum.id),
        suspension,
    ])
    thread = forums.create_thread(users["member"], forum, {"title": "Digitaler Bauantrag", "body": "Wer hat ihn?"})
    post = forums.reply(users["member"], thread, {"body": "Wir testen ihn."})
    room = make_room("partner", [users["member"], users["org_admin"], users["suspended"]])
    message = Message(room_id=room.id, author_id=users["member"].id, body="Hallo")
    action = ModerationAction(moderator_id=acting_moderator.id, action="hide", item_type="post", item_id=post.id,
                              subject_user_id=users["member"].id, reason="Test")
    db.session.add_all([message, action])
    db.session.flush()
    appeal = Appeal(action_id=action.id, user_id=users["member"].id, text="Bitte prüfen")
    db.session.add(appeal)
    # An event organised by the member; the moderator holds a confirmed place.
    event = Event(title="Schulung E-Akte", capacity=5, confirmed_count=1, starts_at=utcnow() + timedelta(days=3),
                  ends_at=utcnow() + timedelta(days=3, hours=2), organiser_id=users["member"].id,
                  organisation_id=own.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(Registration(event_id=event.id, user_id=users["moderator"].id, status="confirmed"))
    db.session.commit()
    targets = {
        None: None, "organisation": own, "need": make_need(own, visibility="members"), "member_user": users["member"],
        "contact": SimpleNamespace(from_org_id=other.id, to_org_id=own.id, status="accepted"),
        "room": room, "message": message, "forum": forum, "thread": thread, "post": post, "action": action,
        "appeal": appeal, "sanction": suspension,
        "join_request": SimpleNamespace(organisation=own, organisation_id=own.id, user_id=users["member"].id),
        "consultation": SimpleNamespace(organisation_id=own.id, organisation=own, status="advised"),
        "shared_assessment": SimpleNamespace(organisation_id=own.id, organisation=own, share_with_centre=True),
        "event": event,
        "registration": SimpleNamespace(user_id=users["moderator"].id, attended=True, event=event),
        "example": SimpleNamespace(organisation_id=own.id, organisation=own, author_id=users["member"].id,
                                   last_editor_id=users["member"].id, status="published", published={"title": "E-Akte", "contact_open": True}),
    }
    targets["example_attachment"] = SimpleNamespace(example=targets["example"], consultation=None, status="published")
    return users, targets


def test_every_rule_has_an_expectation(app):  # the app registers every feature, and so its rules
    assert set(policy.RULES) - set(EXPECTED) == set(), "add the new rules to EXPECTED"
    assert set(EXPECTED) - set(policy.RULES) == set(), "EXPECTED names rules that no longer exist"


@pytest.mark.parametrize("action", sorted(policy.RULES))
def test_rule_allows_exactly_the_expected_roles(world, action):
    users, targets = world
    assert action in EXPECTED, f"no expectation for the rule {action!r}"
    target_name, allowed = EXPECTED[action]
    actual = {role for role in ROLES if policy.can(users[role], action, targets[target_name])}
    assert actual == allowed, f"{action}: unexpectedly allowed {sorted(actual - allowed)}, " \
                              f"unexpectedly refused {sorted(allowed - actual)}"


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_the_queue_over_http_follows_the_matrix(client, world, role):
    users, _targets = world
    sign_in(client, users[role])
    expected = 200 if role in EXPECTED["moderation.queue"][1] else 403
    assert client.get("/moderation/queue").status_code == expected


def test_an_assessment_not_shared_stays_with_its_organisation(world):
    users, targets = world
    private = SimpleNamespace(organisation_id=targets["organisation"].id, organisation=targets["organisation"],
                              share_with_centre=False)
    assert {role for role in ROLES if policy.can(users[role], "digitalcheck.view", private)} == OWN_ORG


def test_companies_may_not_file_a_digital_check(world):
    company = make_org(kind="company", org_type="hersteller")
    assert not policy.can(make_user(company), "digitalcheck.create", company)


def test_a_need_kept_inside_the_organisation_is_seen_by_its_members_only(world):
    # Platform admins act as consultants: they too see it only where the organisation shares with the centre.
    users, targets = world
    inside = make_need(targets["organisation"], visibility="organisation")
    assert {role for role in ROLES if policy.can(users[role], "entry.view", inside)} == OWN_ORG
