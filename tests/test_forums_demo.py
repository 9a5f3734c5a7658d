"""The demo section of the forums: threads with replies and reports waiting in the queue."""
import pytest

from community.demo import seed
from community.extensions import db
from community.forums.demo import seed_forums
from community.forums.models import Thread
from community.moderation import services
from community.moderation.models import Report
from tests.factories import make_org, make_user


@pytest.fixture
def accounts(app):
    org = make_org(verified=True)
    return {account.email_local: make_user(org, name=account.name, role=account.role) for account in seed.ACCOUNTS}


def test_seed_demo_has_a_forum_section():
    assert seed.create_forum_threads in seed.SECTIONS


def test_demo_threads_have_replies_and_reports_wait_in_the_queue(accounts):
    threads = seed_forums(accounts)
    assert len(threads) == 4 and all(thread.posts for thread in threads)
    assert sum(thread.reply_count for thread in threads) == 6
    assert [entry.kind for entry in services.queue(accounts["moderation"]).items] == ["report", "report"]


def test_seeding_again_replaces_the_demo_threads(accounts):
    seed_forums(accounts)
    seed_forums(accounts)
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 4
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2
