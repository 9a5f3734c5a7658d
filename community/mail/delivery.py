"""Delivering outbox mails: SMTP with MAIL_SERVER, else .eml files in MAIL_DIR.

Each mail is claimed first (a guarded UPDATE, committed), so two consumers never send the same row;
it is marked sent right after the server accepted it. A consumer that dies leaves at most the mail it
was handing over claimed; the claim runs out (MAIL_CLAIM_SECONDS) and the sweep hands it on again,
with the same Message-ID. Temporary refusals (4xx, a lost connection) are retried with exponential
back-off; after MAIL_MAX_ATTEMPTS, or at once for a permanent refusal (5xx), the mail is failed and
shown to admins.
"""
import logging
import os
import smtplib
import ssl
from datetime import timedelta, timezone
from email.header import Header
from email.policy import compat32
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path

from flask import current_app

from community.extensions import db
from community.mail.models import FAILED, PENDING, SENT, OutboxMail
from community.models_base import utcnow

log = logging.getLogger(__name__)
# smtplib sends bytes as they are: SMTP wants CRLF; headers fold only beyond RFC 5322's 998 (a folded
# List-Unsubscribe would start with a space some clients do not strip).
SMTP_LINES = compat32.clone(linesep="\r\n", max_line_length=998)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def build_message(mail: OutboxMail) -> Message:
    """The MIME message (text, and HTML as the alternative). The classic email.mime classes: the modern
    EmailMessage re-parses every header it is given and cost two thirds of a delivery (bench/mail_digest.py)."""
    config = current_app.config
    text = MIMEText(mail.text, "plain", "utf-8")
    if mail.html:
        message = MIMEMultipart("alternative")
        message.attach(text)
        message.attach(MIMEText(mail.html, "html", "utf-8"))
    else:
        message = text
    if mail.calendar:
        # The invitation as its own part: calendar programs offer to accept it (RFC 6047).
        body, message = message, MIMEMultipart("mixed")
        message.attach(body)
        invitation = MIMEText(mail.calendar, "calendar", "utf-8")
        invitation.set_param("method", "REQUEST")
        invitation.add_header("Content-Disposition", "attachment", filename="termin.ics")
        message.attach(invitation)
    message["From"] = formataddr((config["PLATFORM_NAME"], config["MAIL_SENDER"]), charset="utf-8")
    message["To"] = mail.recipient
    message["Subject"] = Header(mail.subject, "utf-8")
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=timezone.utc))
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


class FileTransport:
    """Without a mail server: one .eml per outbox row (a repeated delivery rewrites the same file)."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, mail_id: int, message: Message) -> None:
        target = self.directory / f"{mail_id:08d}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes(policy=SMTP_LINES))
        os.replace(partial, target)

    def close(self) -> None:
        pass


class SMTPTransport:
    """One connection for a batch, opened on the first mail and again after any error."""

    def __init__(self, config):
        self.config = config
        self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        # The system's CAs (plus MAIL_CA_FILE for an internal relay) and the host name are checked before
        # the password goes out: a server with a self-signed or foreign certificate never receives it.
        context = ssl.create_default_context(cafile=config.get("MAIL_CA_FILE") or None)
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"],
                                    context=context)
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        try:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, mail_id: int, message: Message) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            refused = self.smtp.sendmail(self.config["MAIL_SENDER"], [message["To"]],
                                         message.as_bytes(policy=SMTP_LINES))
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = [code for code, _ in error.recipients.values()]
            raise (PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure)(
                f"recipient refused: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            self.close()
            text = f"{error.smtp_code} {error.smtp_error!r}"
            raise (PermanentFailure if error.smtp_code >= 500 else TemporaryFailure)(text) from error
        except ssl.SSLCertVerificationError as error:
            self.close()
            text = (f"the TLS certificate of {self.config['MAIL_SERVER']} was not accepted ({error.verify_message}); "
                    "nothing was sent. Give the relay a certificate for its name, or its CA as MAIL_CA_FILE.")
            log.error("Mail delivery: %s", text)
            raise TemporaryFailure(text) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        if refused:
            raise PermanentFailure(f"recipient refused: {refused}")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def transport():
    config = current_app.config
    return SMTPTransport(config) if config.get("MAIL_SERVER") else FileTransport(config["MAIL_DIR"])


def claim(mail_id: int) -> OutboxMail | None:
    """Take the mail for this consumer, if it is due and nobody holds it; committed at once."""
    now = utcnow()
    result = db.session.execute(
        db.update(OutboxMail).filter(
            OutboxMail.id == mail_id, OutboxMail.status == PENDING, OutboxMail.next_attempt_at <= now,
            db.or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"]),
                attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.get(OutboxMail, mail_id) if result.rowcount == 1 else None


def retry_delay(attempts: int) -> float:
    return current_app.config["MAIL_RETRY_DELAY"] * 2 ** max(attempts - 1, 0)


def deliver(mail_ids) -> dict[int, float]:
    """Deliver these mails (those still due); returns {mail id: seconds} for those to retry later."""
    retries: dict[int, float] = {}
    sender = transport()
    try:
        for mail_id in mail_ids:
            mail = claim(mail_id)
            if mail is None:
                continue
            message = build_message(mail)
            db.session.commit()  # no transaction stays open while the mail server takes its time
            try:
                sender.send(mail_id, message)
            except (TemporaryFailure, PermanentFailure) as error:
                delay = _failed_attempt(mail_id, error)
                if delay is not None:
                    retries[mail_id] = delay
                continue
            # Marked at once after the server's 250: a consumer killed from here on sends this one again
            # (same Message-ID), one killed before never had it accepted.
            db.session.execute(db.update(OutboxMail).filter(OutboxMail.id == mail_id).values(
                status=SENT, delivered_at=utcnow(), claimed_until=None, last_error=None)
                .execution_options(synchronize_session=False))
            db.session.commit()
    finally:
        sender.close()
        db.session.rollback()
    return retries


def _failed_attempt(mail_id: int, error: Exception) -> float | None:
    mail = db.session.get(OutboxMail, mail_id)
    mail.last_error = str(error)[:500]
    mail.claimed_until = None
    if isinstance(error, PermanentFailure) or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = FAILED
        log.error("mail %s to %s failed after %s attempts: %s", mail.id, mail.recipient, mail.attempts, error)
        db.session.commit()
        return None
    delay = retry_delay(mail.attempts)
    mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
    log.warning("mail %s to %s: attempt %s failed (%s), again in %.0f s", mail.id, mail.recipient,
                mail.attempts, error, delay)
    db.session.commit()
    return delay


def due_mail_ids(older_than_seconds: float = 0, limit: int = 100_000) -> list[int]:
    """Pending mails that are due and held by nobody (the sweep hands them to the queue again)."""
    now = utcnow()
    return list(db.session.scalars(db.select(OutboxMail.id).filter(
        OutboxMail.status == PENDING,
        OutboxMail.next_attempt_at <= now - timedelta(seconds=older_than_seconds),
        db.or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .order_by(OutboxMail.id).limit(limit)))


def retry_now(mail_id: int) -> bool:
    """An admin sends a failed mail again."""
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None or mail.status != FAILED:
        return False
    mail.status, mail.attempts, mail.next_attempt_at, mail.claimed_until = PENDING, 0, utcnow(), None
    db.session.commit()
    return True
