"""E-mail: the outbox, delivery through the job queue, preferences per category, digests, unsubscribe,
and the admins' view of what was (or would be) sent. See docs/mail.md."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from community.mail import outbox, routes, rules, tasks  # noqa: E402,F401  (views on bp; rules; the commit hook)
