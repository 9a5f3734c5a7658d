"""Demo forum content: threads about real OZG services with replies, and reports waiting in the queue.

Written straight to the tables (not through the services): demo posts must not notify anyone,
and the demo accounts are not "new accounts" whose posts wait for approval.
"""
from datetime import timedelta

from community.auth.models import User
from community.extensions import db
from community.forums.models import Forum, Post, Thread, ThreadWatch
from community.forums.services import ensure_topic_forums
from community.models_base import utcnow
from community.moderation.models import Report, ReportEntry

# (topic, title, author, opening post, [(author, reply)]); authors are demo e-mail local parts.
THREADS = (
    ("ozg", "Wohngeld digital: Erfahrungen mit dem EfA-Onlinedienst?", "gemeinde.admin",
     "Wir wollen den Wohngeldantrag (OZG-Leistung *Wohngeld*) über den EfA-Dienst anbieten. "
     "Wer hat die Anbindung an das Fachverfahren schon hinter sich, und wie lange hat es gedauert?",
     [("landkreis.admin", "Bei uns hat die Anbindung an das Fachverfahren knapp vier Monate gedauert. "
                          "Der größte Aufwand war die **XWohngeld**-Schnittstelle beim Hersteller."),
      ("it.mitglied", "Wir begleiten gerade drei Kommunen dabei. Wichtig: das Postfach im Nutzerkonto "
                      "früh testen, sonst gehen Nachforderungen verloren."),
      ("gemeinde.mitglied", "> Postfach im Nutzerkonto früh testen\n\nDanke, das nehmen wir in den Projektplan auf.")]),
    ("ozg", "Digitaler Bauantrag: Wer nutzt schon die Bauantragsplattform?", "landkreis.mitglied",
     "Unsere Bauaufsicht prüft die Nachnutzung des digitalen Bauantrags (EfA Mecklenburg-Vorpommern). "
     "Wie klappt die Übergabe an das Fachverfahren und die Beteiligung der Fachämter?",
     [("land.mitglied", "Das Land fördert die Anbindung an das Fachverfahren; die Frist für Anträge läuft bis Jahresende."),
      ("hersteller.mitglied", "Unser Fachverfahren nimmt XBau-Nachrichten an. Die Beteiligung der Fachämter "
                              "läuft bei den meisten Kunden noch per E-Mail.")]),
    ("mobilitaet", "i-Kfz Stufe 4: Zulassung für Unternehmen", "landkreis.admin",
     "Seit i-Kfz Stufe 4 können auch Unternehmen online zulassen. Wie hoch ist bei euch der Anteil der "
     "Online-Zulassungen, und lohnt sich die Werbung dafür?", []),
    ("ozg", "Gewerbeanmeldung online – Gebühren per ePayment", "gemeinde.admin",
     "Wir bieten die Gewerbeanmeldung online an, aber die Gebühr wird noch per Rechnung erhoben. "
     "Wer hat ePayment (z. B. ePayBL) angebunden?",
     [("it.admin", "ePayBL ist bei uns für 40 Kommunen im Betrieb; gern zeigen wir das in einem Termin.")]),
)
# (thread index, post index within the thread, reporter, reason, text)
REPORTS = ((1, 2, "landkreis.mitglied", "off_topic", "Das ist eher Werbung als eine Antwort."),
           (3, 1, "gemeinde.mitglied", "spam", "Terminangebot ohne Bezug zur Frage."))


def _remove_previous_demo_threads() -> None:
    """A reset keeps threads (their authors become NULL); remove the demo's own before seeding again."""
    titles = [thread[1] for thread in THREADS]
    old = list(db.session.scalars(db.select(Thread).filter(Thread.title.in_(titles))))
    post_ids = [post.id for thread in old for post in thread.posts]
    if post_ids:
        for report in db.session.scalars(db.select(Report).filter(Report.item_type == "post",
                                                                  Report.item_id.in_(post_ids))):
            db.session.delete(report)
    # SQLite enforces no foreign keys here, so the watches would outlive their threads.
    db.session.execute(db.delete(ThreadWatch).where(ThreadWatch.thread_id.in_([thread.id for thread in old])))
    for thread in old:
        db.session.delete(thread)
    db.session.flush()


def seed_forums(accounts_by_email_local: dict[str, User]) -> list[Thread]:
    ensure_topic_forums()
    _remove_previous_demo_threads()
    forums = {forum.topic: forum for forum in db.session.scalars(db.select(Forum))}
    now, threads = utcnow(), []
    for index, (topic, title, author, body, replies) in enumerate(THREADS):
        started = now - timedelta(days=20 - index * 4)
        thread = Thread(forum_id=forums[topic].id, author_id=accounts_by_email_local[author].id, title=title,
                        created_at=started)
        thread.posts.append(Post(author_id=thread.author_id, body=body, is_opening=True, created_at=started))
        for number, (replier, text) in enumerate(replies, start=1):
            thread.posts.append(Post(author_id=accounts_by_email_local[replier].id, body=text,
                                     created_at=started + timedelta(hours=5 * number)))
        thread.reply_count = len(replies)
        thread.last_activity_at = thread.posts[-1].created_at
        db.session.add(thread)
        db.session.add(ThreadWatch(user_id=thread.author_id, thread=thread))
        threads.append(thread)
    db.session.flush()
    for thread_index, post_index, reporter, reason, text in REPORTS:
        post = threads[thread_index].posts[post_index]
        report = Report(item_type="post", item_id=post.id, reason=reason)
        report.reporters.append(ReportEntry(reporter_id=accounts_by_email_local[reporter].id, reason=reason, text=text))
        db.session.add(report)
    db.session.commit()
    return threads
