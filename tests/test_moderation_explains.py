"""Moderation that explains itself (#26): one labelled reason per action, the whole post editable in a text area,
sanction kinds in words, and the reporters told the outcome without the moderator's name."""
import re

import pytest

from community.extensions import db
from community.forums import services as forums
from community.forums.models import PUBLISHED, Forum
from community.moderation import services as moderation
from community.notifications.models import Notification
from tests.factories import make_org, make_user, sign_in


@pytest.fixture
def reported(app):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id)).first()
    author = make_user(make_org())
    thread = forums.create_thread(author, forum, {"title": "Wohngeld digital", "body": "Erfahrungen?"})
    post = forums.reply(author, thread, {"body": "Erste Zeile\nZweite Zeile mit Werbung"})
    post.status = PUBLISHED  # a new account's post waits for approval; this one was approved
    db.session.commit()
    reporters = [make_user(make_org()), make_user(make_org())]
    for reporter in reporters:
        moderation.report(reporter, {"item_type": "post", "item_id": post.id, "reason": "spam"})
    return post, reporters


def test_each_action_has_its_own_labelled_reason_and_the_edit_a_text_area(client, reported):
    post, _ = reported
    sign_in(client, make_user(role="moderator"))
    page = client.get("/moderation/queue").get_data(as_text=True)
    for action in ("hide", "delete", "edit"):
        field = f"reason-{action}-report-post-{post.id}"
        assert re.search(rf'<label class="kern-label" for="{field}">[^<]+</label>', page), action
        assert page.count(f'id="{field}"') == 1
    assert 'class="kn-sr-only" for="reason' not in page  # labels are visible, not placeholders
    area = re.search(rf'<textarea[^>]*id="text-report-{post.id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert area and area.group(1) == "Erste Zeile\nZweite Zeile mit Werbung"


def test_the_reporters_hear_the_outcome_without_the_moderator_s_name(client, reported):
    post, reporters = reported
    moderator = make_user(role="moderator", name="Mona Moderatorin")
    moderation.act(moderator, {"action": "hide", "item_type": "post", "item_id": post.id, "reason": "Werbung"})
    for reporter in reporters:
        notices = Notification.query.filter_by(user_id=reporter.id, kind="report_outcome").all()
        assert len(notices) == 1
        text = notices[0].display_text
        assert "it was hidden" in text and "Mona" not in text and "Werbung" not in text
    assert Notification.query.filter_by(user_id=moderator.id, kind="report_outcome").count() == 0


def test_approving_a_reported_post_tells_the_reporters_it_stays(client, reported):
    post, reporters = reported
    moderation.act(make_user(role="moderator"), {"action": "approve", "item_type": "post", "item_id": post.id})
    notice = Notification.query.filter_by(user_id=reporters[0].id, kind="report_outcome").one()
    assert "it stays visible" in notice.display_text


def test_the_sanction_form_names_kinds_in_words(client, reported):
    post, _ = reported
    sign_in(client, make_user(role="moderator"))
    page = client.get(f"/moderation/users/{post.author_id}/sanction").get_data(as_text=True)
    assert ">Warning<" in page and ">ban<" not in page and ">warn<" not in page
