"""Outgoing mail: SMTP when MAIL_SERVER is configured, otherwise the server log (development)."""
import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text mail; return False when it could not be delivered.

    Callers answer the user the same way either way, so a broken mail server never tells a
    visitor whether an address has an account.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.warning("No MAIL_SERVER configured; mail to %s: %s\n%s", to, subject, body)
        return True
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.error("Could not send mail to %s: %s", to, exc)
        return False
    return True
