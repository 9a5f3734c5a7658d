"""Mail: the outbox written with the notification, delivery to a real SMTP server on loopback, each
category and frequency, digests, unsubscribe, language, retries, the file fallback, the password reset."""
from datetime import datetime, timedelta

import pytest

from community import jobs
from community.extensions import db
from community.i18n import N_
from community.mail import delivery, digests, preferences
from community.mail.models import FAILED, PENDING, SENT, MailedNotification, OutboxMail
from community.models_base import utcnow
from community.notifications import kinds
from community.notifications.models import Notification
from community.notifications.services import notify
from tests.factories import make_org, make_token, make_user, sign_in


def run_queue() -> int:
    """Run what the (memory) queue holds, as a consumer would; returns how many jobs ran."""
    ran = 0
    while (task := jobs.huey.dequeue()) is not None:
        jobs.huey.execute(task)
        ran += 1
    db.session.expire_all()  # the tasks committed in sessions of their own
    return ran


def kind_of(category: str) -> str:
    """A notification kind of this category (declared for the test where no feature has one yet)."""
    for kind, known in kinds.registered_kinds().items():
        if known == category:
            return kind
    kinds.register_kind(f"test_{category}"[:20], category)
    return f"test_{category}"[:20]


@pytest.fixture
def person(app):
    return make_user(make_org(), name="Ada Amt", email="ada@example.org", locale="en")


def tell(user, category, text="Something for %(name)s", url="/notifications", **values):
    values.setdefault("name", "you")
    return notify([user.id], kind_of(category), N_(text), url, **values)


def outbox():
    return list(db.session.scalars(db.select(OutboxMail).order_by(OutboxMail.id)))


@pytest.mark.parametrize("category", kinds.MAIL_CATEGORIES)
def test_each_category_follows_its_default(app, smtp_sink, person, category):
    tell(person, category)
    mails = outbox()
    if preferences.DEFAULTS[category] == preferences.IMMEDIATELY:
        assert [mail.category for mail in mails] == [category]
        run_queue()
        assert len(smtp_sink.messages) == 1
        assert smtp_sink.messages[0]["To"] == "ada@example.org"
        assert outbox()[0].status == SENT and outbox()[0].delivered_at is not None
    else:
        assert mails == []  # collected for the digest


def test_defaults_are_those_of_the_issue():
    assert preferences.DEFAULTS[kinds.CONTACT_REQUESTS] == preferences.DEFAULTS[kinds.MODERATION] == "immediately"
    assert preferences.DEFAULTS[kinds.FORUM_REPLIES] == preferences.DEFAULTS[kinds.MATCHES] == "daily"


def test_the_mail_is_recorded_in_the_notifications_transaction(app, person):
    tell(person, kinds.CONTACT_REQUESTS)
    mail = outbox()[0]
    notification = db.session.scalars(db.select(Notification)).one()
    assert db.session.get(MailedNotification, notification.id).mail_id == mail.id
    assert mail.status == PENDING and mail.attempts == 0


def test_a_rolled_back_transaction_leaves_no_mail_and_no_job(app, person):
    from community.mail.outbox import queue_mail

    queue_mail("x@example.org", "Subject", "Text", kind="test")
    db.session.rollback()
    assert outbox() == [] and jobs.huey.pending_count() == 0


def test_the_delivered_mail_has_both_parts_headers_and_absolute_links(app, smtp_sink, person):
    app.config["PUBLIC_URL"] = "https://kommunalnetz.example.de"
    tell(person, kinds.CONTACT_REQUESTS, "%(organisation)s would like to get in touch with your organisation.",
         "/contacts?direction=incoming", organisation="Stadt Musterhausen")
    run_queue()
    message = smtp_sink.messages[0]
    assert message["Subject"] == "[Kommunalnetz] Stadt Musterhausen would like to get in touch with your organisation."
    assert message["Message-ID"] == outbox()[0].message_id
    assert message["List-Unsubscribe"].startswith("<https://kommunalnetz.example.de/mail/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://kommunalnetz.example.de/contacts?direction=incoming" in text
    assert 'href="https://kommunalnetz.example.de/contacts?direction=incoming"' in html
    assert "Kommunalnetz" in html


def test_mail_html_loads_nothing_from_another_host(app, smtp_sink, person):
    import re

    tell(person, kinds.CONTACT_REQUESTS)
    run_queue()
    html = smtp_sink.messages[0].get_body(("html",)).get_content()
    assert not re.search(r"\b(src|srcset|background)=", html)
    assert "@import" not in html and "url(" not in html
    assert {host for host in re.findall(r"https?://([^/\"'\s]+)", html)} <= {"localhost"}


def test_links_never_come_from_the_request_host(app, person, client):
    """A contact request's notice carries PUBLIC_URL even when the request came with another Host."""
    sign_in(client, person)
    with app.test_request_context("/", base_url="http://evil.example"):
        tell(person, kinds.CONTACT_REQUESTS)
    assert "evil.example" not in outbox()[0].text + (outbox()[0].html or "")
    assert "http://localhost/" in outbox()[0].text


def test_mail_is_in_the_readers_language(app, smtp_sink):
    reader = make_user(make_org(), locale="de")
    notify([reader.id], kind_of(kinds.CONTACT_REQUESTS),
           N_("%(organisation)s would like to get in touch with your organisation."), "/x",
           organisation="Stadt Musterhausen")
    run_queue()
    message = smtp_sink.messages[0]
    assert "möchte" in message["Subject"]
    assert "Kontaktanfragen" in message.get_body(("plain",)).get_content()


def test_never_sends_nothing_at_all(app, smtp_sink, person):
    preferences.update_preferences(person, {kinds.CONTACT_REQUESTS: "never"})
    tell(person, kinds.CONTACT_REQUESTS)
    digests.send_digests("daily", until_now=True)
    digests.send_digests("weekly", until_now=True)
    assert outbox() == []


@pytest.mark.parametrize("frequency", ["daily", "weekly"])
def test_a_digest_groups_everything_of_its_frequency_once(app, smtp_sink, person, frequency):
    preferences.update_preferences(person, {kinds.CONTACT_REQUESTS: frequency, kinds.MENTIONS: frequency,
                                            kinds.FORUM_REPLIES: frequency, kinds.MATCHES: "never"})
    tell(person, kinds.CONTACT_REQUESTS, "Request from %(name)s", name="Stadt A")
    tell(person, kinds.MENTIONS, "Mention by %(name)s", name="Bea")
    tell(person, kinds.FORUM_REPLIES, "Reply by %(name)s", name="Carl")
    tell(person, kinds.MATCHES, "Match %(name)s", name="never")
    assert outbox() == []

    assert digests.send_digests(frequency, until_now=True) == 1
    assert digests.send_digests(frequency, until_now=True) == 0  # repeated: nothing twice
    other = "weekly" if frequency == "daily" else "daily"
    assert digests.send_digests(other, until_now=True) == 0
    run_queue()
    assert len(smtp_sink.messages) == 1
    text = smtp_sink.messages[0].get_body(("plain",)).get_content()
    assert "Request from Stadt A" in text and "Mention by Bea" in text and "Reply by Carl" in text
    assert "Match never" not in text
    # grouped: each category's heading once, in the order of the categories
    assert text.index("Contact requests") < text.index("Mentions") < text.index("Replies in watched")
    assert smtp_sink.messages[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_what_arrives_after_a_digest_comes_in_the_next_one(app, person):
    preferences.update_preferences(person, {kinds.FORUM_REPLIES: "daily"})
    tell(person, kinds.FORUM_REPLIES, "First %(name)s")
    now = utcnow()
    digests.send_digests("daily", now=now, until_now=True)
    tell(person, kinds.FORUM_REPLIES, "Second %(name)s")
    assert digests.send_digests("daily", now=now + timedelta(minutes=5), until_now=True) == 0  # same period
    assert digests.send_digests("daily", now=now + timedelta(days=1)) == 1
    texts = [mail.text for mail in outbox()]
    assert "First you" in texts[0] and "Second you" not in texts[0]
    assert "Second you" in texts[1] and "First you" not in texts[1]


def test_an_interrupted_digest_run_is_completed_without_sending_twice(app, monkeypatch):
    people = [make_user(make_org()) for _ in range(5)]
    for user in people:
        tell(user, kinds.MATCHES)  # matches: daily by default
    monkeypatch.setattr(digests, "CHUNK", 2)
    real_chunk = digests._digest_chunk
    calls = []

    def crash_on_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("consumer killed")
        return real_chunk(*args)

    monkeypatch.setattr(digests, "_digest_chunk", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        digests.send_digests("daily", until_now=True)
    db.session.rollback()
    assert len(outbox()) == 2
    monkeypatch.setattr(digests, "_digest_chunk", real_chunk)
    assert digests.send_digests("daily", until_now=True) == 3
    assert sorted(mail.user_id for mail in outbox()) == sorted(user.id for user in people)


def test_a_scheduled_digest_takes_what_came_before_seven(app, person):
    preferences.update_preferences(person, {kinds.FORUM_REPLIES: "daily"})
    tell(person, kinds.FORUM_REPLIES)
    notification = db.session.scalars(db.select(Notification)).one()
    notification.created_at = datetime(2026, 7, 14, 4, 30)  # 06:30 in Berlin (summer)
    db.session.commit()
    assert digests.send_digests("daily", now=datetime(2026, 7, 14, 4, 59)) == 0  # yesterday's period
    assert digests.send_digests("daily", now=datetime(2026, 7, 14, 5, 0)) == 1   # 07:00 CEST
    assert outbox()[0].digest_key == "daily:2026-07-14"


@pytest.mark.parametrize("now, frequency, expected", [
    (datetime(2026, 1, 14, 6, 0), "daily", datetime(2026, 1, 14, 6, 0)),
    (datetime(2026, 1, 14, 5, 59), "daily", datetime(2026, 1, 13, 6, 0)),
    (datetime(2026, 3, 29, 12, 0), "daily", datetime(2026, 3, 29, 5, 0)),   # the day summer time begins
    (datetime(2026, 3, 29, 4, 0), "daily", datetime(2026, 3, 28, 6, 0)),    # before: 07:00 CET the day before
    (datetime(2026, 10, 25, 5, 30), "daily", datetime(2026, 10, 24, 5, 0)),  # winter time begins at 03:00
    (datetime(2026, 10, 25, 6, 0), "daily", datetime(2026, 10, 25, 6, 0)),
    (datetime(2026, 3, 30, 5, 0), "weekly", datetime(2026, 3, 30, 5, 0)),   # Monday after the switch
    (datetime(2026, 3, 30, 4, 59), "weekly", datetime(2026, 3, 23, 6, 0)),  # the Monday before, in CET
    (datetime(2026, 12, 3, 12, 0), "weekly", datetime(2026, 11, 30, 6, 0)),
])
def test_periods_start_at_seven_in_berlin_across_dst(now, frequency, expected):
    assert digests.period_start(frequency, now) == expected


def test_the_digest_tasks_are_scheduled_at_seven_berlin(app):
    from community.mail import tasks

    def enqueued(utc):  # what the consumer's scheduler would enqueue at this UTC minute
        return {task.name for task in jobs.huey.read_periodic(utc)}

    every_minute = enqueued(datetime(2026, 1, 14, 6, 17))  # the sweep, the consumers' heartbeat
    assert tasks.sweep.name in every_minute

    def due(utc):
        return enqueued(utc) - every_minute

    daily, weekly = tasks.daily_digests.name, tasks.weekly_digests.name
    assert due(datetime(2026, 1, 14, 6, 0)) == {daily} and due(datetime(2026, 1, 14, 7, 0)) == set()
    assert due(datetime(2026, 7, 14, 5, 0)) == {daily} and due(datetime(2026, 7, 14, 6, 0)) == set()
    assert due(datetime(2026, 7, 13, 5, 0)) == {daily, weekly}  # a Monday, summer time


def test_one_click_unsubscribe_needs_no_login(app, client, person):
    tell(person, kinds.CONTACT_REQUESTS)
    link = outbox()[0].unsubscribe_url
    path = link.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and b"<form" in page.data
    assert preferences.preferences_of(person.id)[kinds.CONTACT_REQUESTS] == "immediately"  # GET changes nothing
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert preferences.preferences_of(person.id)[kinds.CONTACT_REQUESTS] == "never"
    tell(person, kinds.CONTACT_REQUESTS)
    assert len(outbox()) == 1


def test_unsubscribing_from_a_digest_stops_every_category_of_it(app, client, person):
    from community.mail.outbox import unsubscribe_url

    path = unsubscribe_url(person.id, "daily").removeprefix("http://localhost")
    assert client.post(path).status_code == 200
    chosen = preferences.preferences_of(person.id)
    assert chosen[kinds.FORUM_REPLIES] == chosen[kinds.MATCHES] == "never"
    assert chosen[kinds.CONTACT_REQUESTS] == "immediately"


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJjIjoibWF0Y2hlcyJ9.forged", "%ED%A0%80", "x" * 5000])
def test_a_forged_unsubscribe_link_is_not_found(client, token):
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{token}").status_code == 404


def test_a_temporary_refusal_is_retried_with_back_off(app, smtp_sink, person):
    app.config["MAIL_RETRY_DELAY"] = 10
    smtp_sink.refuse = [(451, "4.7.1 greylisted"), (451, "4.7.1 greylisted")]
    tell(person, kinds.CONTACT_REQUESTS)
    mail_id = outbox()[0].id
    assert delivery.deliver([mail_id]) == {mail_id: 10}
    first_try = db.session.get(OutboxMail, mail_id).next_attempt_at
    assert "451" in db.session.get(OutboxMail, mail_id).last_error
    assert delivery.deliver([mail_id]) == {}  # not due yet: nothing happens
    _make_due(mail_id)
    assert delivery.deliver([mail_id]) == {mail_id: 20}  # doubled
    assert db.session.get(OutboxMail, mail_id).next_attempt_at > first_try
    _make_due(mail_id)
    assert delivery.deliver([mail_id]) == {}
    mail = db.session.get(OutboxMail, mail_id)
    assert (mail.status, mail.attempts, len(smtp_sink.messages)) == (SENT, 3, 1)


def test_the_task_schedules_its_retry_in_the_queue(app, smtp_sink, person):
    smtp_sink.refuse = [(451, "try later")]
    tell(person, kinds.CONTACT_REQUESTS)
    run_queue()
    assert jobs.huey.scheduled_count() == 1


def _make_due(mail_id):
    db.session.get(OutboxMail, mail_id).next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_after_the_last_attempt_the_failure_is_shown_to_admins(app, client, smtp_sink, person):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_sink.refuse = [(451, "busy"), (451, "still busy")]
    tell(person, kinds.CONTACT_REQUESTS)
    mail_id = outbox()[0].id
    delivery.deliver([mail_id])
    _make_due(mail_id)
    delivery.deliver([mail_id])
    assert db.session.get(OutboxMail, mail_id).status == FAILED
    admin = make_user(role="admin")
    sign_in(client, admin)
    page = client.get("/admin/mail?status=failed")
    assert page.status_code == 200 and b"still busy" in page.data
    assert client.post(f"/admin/mail/{mail_id}/retry").status_code == 302
    run_queue()
    assert db.session.get(OutboxMail, mail_id).status == SENT


def test_a_permanent_refusal_fails_at_once(app, smtp_sink, person):
    smtp_sink.refuse = [(550, "5.1.1 no such user")]
    tell(person, kinds.CONTACT_REQUESTS)
    assert delivery.deliver([outbox()[0].id]) == {}
    assert outbox()[0].status == FAILED and "550" in outbox()[0].last_error


def test_an_unreachable_server_is_a_temporary_failure(app, person):
    from tests.smtp_sink import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    tell(person, kinds.CONTACT_REQUESTS)
    assert list(delivery.deliver([outbox()[0].id])) == [outbox()[0].id]
    assert outbox()[0].status == PENDING


def test_two_deliveries_of_one_mail_send_it_once(app, smtp_sink, person):
    tell(person, kinds.CONTACT_REQUESTS)
    mail_id = outbox()[0].id
    delivery.deliver([mail_id])
    delivery.deliver([mail_id])
    assert len(smtp_sink.messages) == 1


def test_the_sweep_enqueues_mails_whose_job_was_lost(app, smtp_sink, person):
    from community.mail import tasks

    app.config["MAIL_SWEEP_AFTER"] = 0
    tell(person, kinds.CONTACT_REQUESTS)
    jobs.huey.flush()  # the job is lost
    tasks.sweep.call_local()
    run_queue()
    assert len(smtp_sink.messages) == 1


def test_without_a_mail_server_mails_become_files_listed_for_admins(app, client, tmp_path, person):
    app.config.update(MAIL_SERVER=None, MAIL_DIR=str(tmp_path / "mail"))
    tell(person, kinds.CONTACT_REQUESTS)
    run_queue()
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and b"List-Unsubscribe" in files[0].read_bytes()
    sign_in(client, person)
    assert client.get("/admin/mail").status_code == 403
    assert client.get(f"/admin/mail/files/{files[0].name}").status_code == 403
    sign_in(client, make_user(role="admin"))
    page = client.get("/admin/mail")
    assert files[0].name.encode() in page.data
    one = client.get(f"/admin/mail/files/{files[0].name}")
    assert one.status_code == 200 and one.mimetype == "text/plain" and b"Message-ID" in one.data
    assert client.get("/admin/mail/files/..%2Fapp.db").status_code == 404
    assert client.get(f"/admin/mail/{outbox()[0].id}").status_code == 200


def test_password_reset_goes_through_the_outbox_not_the_request(app, client, smtp_sink, person):
    answer = client.post("/reset-password", data={"email": person.email})
    assert answer.status_code in (200, 302)
    assert smtp_sink.messages == []  # the request did not talk to the SMTP server
    mail = outbox()[0]
    assert mail.kind == "account" and mail.unsubscribe_url is None
    run_queue()
    body = smtp_sink.messages[0].get_body(("plain",)).get_content()
    assert "http://localhost/reset-password/" in body
    assert "List-Unsubscribe" not in smtp_sink.messages[0]


def test_the_settings_page_saves_every_category(app, client, person):
    sign_in(client, person)
    page = client.get("/account/mail")
    assert page.status_code == 200 and b"Replies in watched forum threads" in page.data
    form = {f"mail-{category}": "weekly" for category in kinds.MAIL_CATEGORIES}
    assert client.post("/account/mail", data=form).status_code == 302
    assert set(preferences.preferences_of(person.id).values()) == {"weekly"}
    assert client.post("/account/mail", data={**form, "mail-matches": "hourly"}).status_code == 400


def test_api_reads_and_changes_the_settings(app, client, person):
    headers = {"Authorization": f"Bearer {make_token(person)}"}
    assert client.get("/api/v1/notification-settings", headers=headers).get_json() == preferences.DEFAULTS
    answer = client.patch("/api/v1/notification-settings", json={"matches": "weekly"}, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["matches"] == "weekly"
    assert answer.get_json()["contact_requests"] == "immediately"
    assert client.get("/api/v1/notification-settings").status_code == 401


@pytest.mark.parametrize("body", [{"hobbies": "daily"}, {"matches": "hourly"}, {"matches": 3},
                                  {"matches": None}, {"matches": {"a": [1]}}, ["matches"], "daily",
                                  {"\ud800": "daily"}])
def test_api_refuses_unknown_categories_and_values_with_400(app, client, person, body):
    headers = {"Authorization": f"Bearer {make_token(person)}"}
    answer = client.patch("/api/v1/notification-settings", json=body, headers=headers)
    assert answer.status_code == 400
    assert preferences.preferences_of(person.id) == preferences.DEFAULTS


def test_api_refuses_deeply_nested_json_with_400(app, client, person):
    headers = {"Authorization": f"Bearer {make_token(person)}", "Content-Type": "application/json"}
    for body in ('{"matches": ' + "[" * 5000 + "]" * 5000 + "}", "[" * 100000 + "]" * 100000):
        answer = client.patch("/api/v1/notification-settings", data=body, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["message"]
    assert preferences.preferences_of(person.id) == preferences.DEFAULTS


def test_cli_sends_digests_and_a_test_mail(app, runner, smtp_sink, person):
    preferences.update_preferences(person, {kinds.MATCHES: "weekly"})
    tell(person, kinds.MATCHES)
    result = runner.invoke(args=["mail", "send-digests", "--frequency", "weekly"])
    assert "1 weekly digests queued" in result.output
    result = runner.invoke(args=["mail", "test", "--to", "ops@example.org"])
    assert "queued to ops@example.org" in result.output
    run_queue()
    assert sorted(message["To"] for message in smtp_sink.messages) == ["ada@example.org", "ops@example.org"]
    assert runner.invoke(args=["mail", "send-digests", "--frequency", "hourly"]).exit_code != 0


def test_admins_do_not_read_reset_links_of_others_when_mail_is_real(app, client, smtp_sink, person):
    client.post("/reset-password", data={"email": person.email})
    sign_in(client, make_user(role="admin"))
    page = client.get(f"/admin/mail/{outbox()[0].id}")
    assert page.status_code == 200 and b"/reset-password/" not in page.data


@pytest.mark.parametrize("path", ["/admin/mail/99999999999999999999", "/admin/mail/2147483648",
                                  "/admin/mail/files/%ED%A0%80", "/admin/mail?page=99999999999999999999&status=x"])
def test_the_admin_pages_answer_odd_input_without_an_error(app, client, path):
    sign_in(client, make_user(role="admin"))
    assert client.get(path).status_code in (200, 404)
    if "/files/" not in path and "?" not in path:
        assert client.post(path + "/retry").status_code == 404
