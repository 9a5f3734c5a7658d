"""Reading an upload from the request, for the page and the API alike.

The app accepts bodies of MAX_CONTENT_LENGTH (1 MiB) everywhere; an upload may be ATTACHMENT_MAX_BYTES plus
its form fields, so these views raise the limit for their own request before anything reads the body, and a
body beyond it is a 413 saying the limit (services.too_large), not the generic "request too large". For the
same reason the pages' uploads are exempt from the CSRF check before the view (it reads the form at the old
limit) and check the token here, once the limit is raised.
"""
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from community.attachments import services
from community.extensions import csrf

FORM_OVERHEAD = 64 * 1024


def read_upload(check_csrf: bool) -> tuple:
    """(the uploaded file or None, the form fields)."""
    request.max_content_length = services.max_bytes() + FORM_OVERHEAD
    try:
        files, form = request.files, request.form
    except RequestEntityTooLarge:
        raise services.too_large() from None
    if check_csrf and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return files.get("file"), form


def download(attachment):
    """The file as a download: its own Content-Type, never shown inline, not sniffed, not cached by others."""
    from flask import send_file

    response = send_file(services.open_file(attachment), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.content_length = attachment.size
    return response
