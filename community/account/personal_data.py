"""Every table that refers to a person, what the data export shows of it and what deleting the account does.

One list (PERSONAL_DATA) answers both questions per reference to `user`: tests/test_personal_data.py walks
the SQLAlchemy metadata for foreign keys to `user` and fails for one that is not listed here, so a new
feature cannot forget the export or the deletion; docs/legal.md ("Löschkonzept") is written from it.

Sections marked `generic` are exported here, row by row, with the columns named; the others have their
own, richer section in account/services.py (the key names it).
"""
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from community.extensions import db

# What deleting the account does with a row: the account itself is anonymised (name, e-mail, password,
# phone, job title emptied), so references with ON DELETE rules keep pointing at the anonymous account.
DELETED = "deleted"
ANONYMISED = "kept, shown as by a deleted account"
KEPT_FOR_ORGANISATION = "kept for the organisation, shown as by a deleted account"


@dataclass(frozen=True)
class Part:
    table: str
    columns: tuple[str, ...]  # the columns referring to the person
    section: str  # key in the export
    on_delete: str
    fields: tuple[str, ...] = ()  # exported columns of a generic section; () = a section of its own
    only: tuple[str, object] | None = None  # (column, value): the rows a generic section exports


PERSONAL_DATA: tuple[Part, ...] = (
    Part("api_token", ("user_id",), "api_tokens", DELETED),
    Part("need", ("author_id",), "needs", KEPT_FOR_ORGANISATION),
    Part("offer", ("author_id",), "offers", KEPT_FOR_ORGANISATION),
    Part("notification", ("user_id",), "notifications", DELETED),
    Part("post", ("author_id",), "forum_posts", ANONYMISED),
    Part("message", ("author_id",), "room_messages", ANONYMISED),
    Part("contact_request", ("from_user_id", "decided_by_id"), "contact_requests", KEPT_FOR_ORGANISATION),
    Part("report_entry", ("reporter_id",), "reports", ANONYMISED),
    Part("example", ("author_id", "reviewed_by_id", "last_editor_id"), "good_examples", KEPT_FOR_ORGANISATION),
    Part("example_vote", ("user_id",), "helpful_votes", ANONYMISED),
    Part("registration", ("user_id",), "event_registrations", "upcoming ones cancelled; past ones kept "
         "(attendance, certificates), shown as by a deleted account"),
    Part("sanction", ("user_id", "created_by_id"), "sanctions", ANONYMISED),
    Part("calendar_feed", ("user_id",), "calendar_feed", DELETED, ("created_at",)),
    Part("assessment", ("created_by_id", "last_editor_id"), "digital_check_assessments", KEPT_FOR_ORGANISATION,
         ("id", "organisation_id", "status", "answers", "priorities", "overall", "share_with_centre",
          "show_to_peers", "submitted_at", "created_at", "updated_at")),
    Part("consultation", ("requester_id", "assignee_id"), "consultation_requests", KEPT_FOR_ORGANISATION,
         ("id", "organisation_id", "subject", "description", "topics", "urgency", "preferred_format", "status",
          "scheduled_for", "decline_reason", "advice", "rating_comment", "created_at")),
    # Internal notes are the competence centre's working notes about a case, never part of anyone's export
    # (tests/test_consultations.py): only the messages the person wrote into the conversation.
    Part("consultation_message", ("author_id",), "consultation_messages", KEPT_FOR_ORGANISATION,
         ("id", "consultation_id", "text", "created_at"), only=("internal", False)),
    Part("consultant_focus", ("user_id",), "consultant_focus", DELETED, ("topics", "laender", "updated_at")),
    Part("consultation_event", ("actor_id",), "consultation_history", ANONYMISED,
         ("consultation_id", "from_status", "to_status", "reason", "created_at")),
    Part("join_request", ("user_id", "decided_by_id"), "join_requests", "the person's own are deleted; "
         "decisions about others are kept, shown as by a deleted account",
         ("id", "organisation_id", "status", "decided_at", "created_at", "updated_at")),
    Part("mail_preference", ("user_id",), "mail_preferences", DELETED, ("category", "frequency", "updated_at")),
    Part("mail_outbox", ("user_id",), "mails", DELETED + " (delivered mails lose their body after MAIL_RETENTION_DAYS)",
         ("id", "recipient", "kind", "subject", "status", "created_at")),
    Part("example_interest", ("user_id",), "good_example_interests", ANONYMISED,
         ("example_id", "contact_request_id", "created_at")),
    Part("thread", ("author_id",), "forum_threads", ANONYMISED, ("id", "forum_id", "title", "created_at")),
    Part("thread_watch", ("user_id",), "watched_threads", DELETED, ("thread_id", "forum_id", "created_at")),
    Part("post_revision", ("edited_by_id",), "post_revisions", ANONYMISED,
         ("post_id", "body", "reason", "created_at")),
    Part("room", ("created_by_id",), "rooms_created", ANONYMISED, ("id", "kind", "title", "created_at")),
    Part("room_member", ("user_id",), "room_memberships", DELETED, ("room_id", "joined_at")),
    Part("event", ("organiser_id",), "events_organised", KEPT_FOR_ORGANISATION,
         ("id", "title", "starts_at", "ends_at", "status", "created_at")),
    Part("invite", ("created_by_id", "used_by_id"), "invitations", ANONYMISED,
         ("id", "organisation_id", "email", "created_at", "expires_at", "used_at", "revoked_at")),
    Part("moderation_action", ("moderator_id", "subject_user_id"), "moderation_actions", ANONYMISED,
         ("action", "item_type", "item_id", "reason", "previous_text", "created_at")),
    Part("appeal", ("user_id", "decided_by_id"), "appeals", ANONYMISED,
         ("action_id", "text", "outcome", "created_at", "decided_at")),
    Part("moderator_assignment", ("user_id",), "moderator_assignments", DELETED, ("forum_id", "room_id")),
    Part("suggestion_feedback", ("user_id",), "suggestion_feedback", ANONYMISED,
         ("source_id", "target_id", "action", "created_at")),
    Part("distinct_organisations", ("decided_by_id",), "duplicate_decisions", ANONYMISED,
         ("organisation_id", "other_id", "created_at")),
    # Files belong to the example or the consultation they are attached to, like the text around them.
    Part("attachment", ("uploaded_by_id",), "attachments", KEPT_FOR_ORGANISATION,
         ("id", "example_id", "consultation_id", "filename", "size", "content_type", "licence", "stand", "status",
          "created_at")),
    Part("external_identity", ("user_id",), "sign_in_services", DELETED),
    # Recovery codes are credentials (hashes), not data about the person: the export says only whether the
    # second factor is on (section "second_factor").
    Part("recovery_code", ("user_id",), "second_factor", DELETED),
    Part("programme_reminder", ("user_id",), "programme_reminders", DELETED, ("programme_id", "deadline", "sent_at")),
    # The admins' audit log of acts on accounts: kept as the platform's record, shown as by/about a deleted
    # account.
    Part("audit_entry", ("actor_id", "target_id"), "account_administration", ANONYMISED,
         ("act", "detail", "created_at")),
)


def _value(value):
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    return value


def generic_sections(user_id: int) -> dict:
    """The sections exported column by column: every row of the table that refers to the person."""
    sections = {}
    for part in PERSONAL_DATA:
        if not part.fields:
            continue
        table = db.metadata.tables[part.table]
        fields = [name for name in part.fields if name in table.c]
        query = sa.select(*(table.c[name] for name in fields)).where(
            sa.or_(*(table.c[column] == user_id for column in part.columns)))
        if part.only is not None:
            query = query.where(table.c[part.only[0]] == part.only[1])
        if "id" in table.c:
            query = query.order_by(table.c.id)
        rows = db.session.execute(query).mappings()
        sections[part.section] = [{name: _value(row[name]) for name in fields} for row in rows]
    return sections


# Rows deleted with the account, here (the account row itself stays, anonymised, so ON DELETE CASCADE never
# fires). API tokens go with the account's own relationship; room memberships and calendar feeds are
# ended by their features' receivers of `membership_ended` (rooms announce the leave).
DELETED_HERE = {"notification": "user_id", "mail_preference": "user_id", "mail_outbox": "user_id",
                "thread_watch": "user_id", "moderator_assignment": "user_id", "join_request": "user_id",
                "programme_reminder": "user_id"}


def delete_with_account(user_id: int) -> None:
    """Delete the person's rows of DELETED_HERE in the caller's transaction."""
    for name, column in DELETED_HERE.items():
        table = db.metadata.tables[name]
        db.session.execute(sa.delete(table).where(table.c[column] == user_id))
