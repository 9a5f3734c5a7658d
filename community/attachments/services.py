"""Adding, finding, serving and removing attachments. The acting user is always an argument.

- A file is refused unless its content is one of the accepted kinds (sniffing.py), it is at most
  ATTACHMENT_MAX_BYTES (10 MB) and it names a licence and a Stand.
- On a good example the file is `pending` and goes through the example's review: adding one sends a published
  or returned example back to review (a draft stays a draft); publishing the example publishes the files the
  reviewer saw (hooks.py). On a consultation it is published at once.
- Files leave the storage after the commit that deleted their row (ORM deletes, including an example's or a
  case's deletion through the ORM); rows deleted by the database's own cascades (an organisation's deletion)
  leave files behind that the daily sweep removes.
"""
import logging
import re
import tempfile
import unicodedata
import uuid
from datetime import date, timedelta
from pathlib import PurePosixPath, PureWindowsPath

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from community import policy
from community.attachments import sniffing
from community.attachments.models import PENDING, PUBLISHED, Attachment
from community.attachments.storage import storage
from community.errors import InvalidInput, NotFound, PermissionDenied, ServiceError, ValidationError
from community.extensions import db
from community.i18n import lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.taxonomy import Choice
from community.validation import EARLIEST_YEAR, OneOf, Schema

log = logging.getLogger(__name__)

MAX_PER_RECORD = 20
FILENAME_MAX = 120
SWEEP_GRACE_SECONDS = 3600
LICENCES = (
    Choice("cc-by-4.0", _l("Creative Commons Attribution 4.0 (CC BY 4.0)")),
    Choice("cc0-1.0", _l("Creative Commons Zero, public domain (CC0 1.0)")),
    Choice("dl-de-by-2.0", _l("Data licence Germany – attribution – 2.0 (dl-de/by-2-0)")),
    Choice("dl-de-zero-2.0", _l("Data licence Germany – zero – 2.0 (dl-de/zero-2-0)")),
    Choice("all-rights-reserved", _l("All rights reserved")),
)
LICENCE_BY_SLUG = {choice.slug: choice for choice in LICENCES}
LICENCE_URLS = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/deed.de",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
    "dl-de-by-2.0": "https://www.govdata.de/dl-de/by-2-0",
    "dl-de-zero-2.0": "https://www.govdata.de/dl-de/zero-2-0",
}
KIND_LABELS = {"pdf": "PDF", "odt": "ODT", "ods": "ODS", "docx": "DOCX", "xlsx": "XLSX", "png": "PNG", "jpg": "JPEG"}


class TooLarge(ServiceError):
    """A file (or the whole upload) beyond ATTACHMENT_MAX_BYTES: 413 with a message that says the limit."""

    status = 413
    code = "payload_too_large"


class StandValue:
    """A Stand: the date the document's content is current as of (YYYY-MM-DD), not in the future."""

    def clean(self, value):
        if value in (None, ""):
            raise ValueError(_l("This field is required."))
        if not isinstance(value, str):
            raise ValueError(_l("Enter a date as YYYY-MM-DD."))
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_l("Enter a date as YYYY-MM-DD.")) from None
        if parsed.year < EARLIEST_YEAR - 50:
            raise ValueError(lazy_plain("Enter a date from %(year)s on.", year=EARLIEST_YEAR - 50))
        if parsed > date.today() + timedelta(days=1):
            raise ValueError(_l("The Stand cannot be in the future."))
        return parsed


METADATA = Schema({"licence": OneOf([choice.slug for choice in LICENCES], required=True), "stand": StandValue()})


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES") or 10 * 1024 * 1024)


def too_large() -> TooLarge:
    megabytes = max_bytes() / (1024 * 1024)
    return TooLarge(lazy_plain("The file is too large: at most %(size)s MB are accepted.", size=f"{megabytes:g}"),
                    fields={"file": lazy_plain("At most %(size)s MB.", size=f"{megabytes:g}")})


def refused_type() -> InvalidInput:
    names = ", ".join(KIND_LABELS.values())
    return InvalidInput(_l("This file type is not accepted."), fields={"file": lazy_plain(
        "Only these file types are accepted: %(kinds)s. The type is judged from the file's content, not its name.",
        kinds=names)})


def safe_filename(name: str | None, extension: str) -> str:
    """A name to show and to download under: the last path part, without control characters, quotes or
    separators, at most FILENAME_MAX characters, always ending in the extension of the type found."""
    name = unicodedata.normalize("NFC", name or "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|;]+', "_", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" ._")[:FILENAME_MAX - len(extension) - 1].strip(" ._") or "document"
    return f"{stem}.{extension}"


def new_key() -> str:
    return uuid.uuid4().hex


# --- adding ---------------------------------------------------------------------------------------


def _spool(upload) -> tempfile.SpooledTemporaryFile:
    """The upload's bytes in a temporary file, counted while copied: TooLarge beyond the limit."""
    limit = max_bytes()
    spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    size = 0
    while chunk := upload.stream.read(256 * 1024):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise too_large()
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def _clean_metadata(data) -> dict:
    try:
        return METADATA.clean({name: data.get(name) for name in METADATA.fields})
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None


def add_to_example(user, example, upload, data) -> Attachment:
    """A file on a good example: pending until the example is published with it."""
    from community.examples.models import DRAFT, SUBMITTED

    policy.require(user, "attachment.add_to_example", example)
    attachment = _add(user, upload, data, count_of=Attachment.example_id == example.id)
    attachment.example_id = example.id
    announce = example.status not in (DRAFT, SUBMITTED)
    if example.status != DRAFT:  # the text goes back to review with it, as on every edit
        example.status, example.submitted_at = SUBMITTED, utcnow()
    example.last_editor_id = user.id  # four eyes: whoever added a file does not approve it
    _commit(attachment)
    if announce:
        from community.examples.services import _announce_submission

        _announce_submission(user, example)
    return attachment


def add_to_consultation(user, case, upload, data) -> Attachment:
    """A file of a consultation's result: seen at once by whoever sees the case."""
    policy.require(user, "attachment.add_to_consultation", case)
    attachment = _add(user, upload, data, count_of=Attachment.consultation_id == case.id)
    attachment.consultation_id = case.id
    attachment.status, attachment.published_at = PUBLISHED, utcnow()
    _commit(attachment)
    return attachment


def _add(user, upload, data, count_of) -> Attachment:
    values = _clean_metadata(data)
    if upload is None or not getattr(upload, "filename", None):
        raise InvalidInput(_l("Please correct the marked fields."), fields={"file": _l("Choose a file.")})
    if db.session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(count_of)) >= MAX_PER_RECORD:
        raise InvalidInput(_l("Please correct the marked fields."), fields={"file": lazy_plain(
            "At most %(n)s files per record; remove one first.", n=MAX_PER_RECORD)})
    spooled = _spool(upload)
    with spooled:
        size = spooled.seek(0, 2)
        if size == 0:
            raise InvalidInput(_l("Please correct the marked fields."), fields={"file": _l("The file is empty.")})
        kind = sniffing.sniff(spooled)
        if kind is None:
            raise refused_type()
        key = new_key()
        storage().save(key, spooled)
    attachment = Attachment(uploaded_by_id=user.id, filename=safe_filename(upload.filename, kind.extension),
                            storage_key=key, size=size, content_type=kind.content_type, status=PENDING, **values)
    db.session.add(attachment)
    return attachment


def _commit(attachment: Attachment) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage().delete(attachment.storage_key)
        raise


# --- finding and serving ----------------------------------------------------------------------------


def visible(user, rows) -> list[Attachment]:
    return [row for row in rows if policy.can(user, "attachment.view", row)]


def of_example(user, example, published_only: bool = False) -> list[Attachment]:
    rows = example.attachments
    if published_only:
        rows = [row for row in rows if row.status == PUBLISHED]
    return visible(user, rows)


def of_consultation(user, case) -> list[Attachment]:
    return visible(user, case.attachments)


def get_attachment(user, attachment_id) -> Attachment:
    """The attachment if the user may see it; 404 otherwise (the same answer as for none)."""
    return get_or_not_found(Attachment, attachment_id, _l("This file does not exist."),
                            hidden=lambda row: not policy.can(user, "attachment.view", row))


def open_file(attachment: Attachment):
    try:
        return storage().open(attachment.storage_key)
    except FileNotFoundError:
        log.error("attachment %s has no file under its key", attachment.id)
        raise NotFound(_l("This file does not exist.")) from None


# --- removing --------------------------------------------------------------------------------------


def delete_attachment(user, attachment: Attachment) -> None:
    if not policy.can(user, "attachment.delete", attachment):
        raise PermissionDenied(_l("You may not remove this file."))
    db.session.delete(attachment)
    db.session.commit()


@event.listens_for(Attachment, "after_delete")
def _remember_file(mapper, connection, target) -> None:
    session = object_session(target)
    if session is not None:
        session.info.setdefault("attachment_files_deleted", set()).add(target.storage_key)


@event.listens_for(Session, "after_commit")
def _delete_files(session) -> None:
    keys = session.info.pop("attachment_files_deleted", None)
    for key in keys or ():
        try:
            storage().delete(key)
        except Exception:  # noqa: BLE001  (the row is gone; the sweep removes what is left)
            log.exception("could not delete the file of a deleted attachment")


@event.listens_for(Session, "after_rollback")
def _keep_files(session) -> None:
    session.info.pop("attachment_files_deleted", None)


def sweep() -> int:
    """Delete stored files that no attachment refers to (left by database-level cascades), older than an
    hour so an upload between its file and its commit is never touched. Returns how many."""
    known = set(db.session.scalars(sa.select(Attachment.storage_key)))
    removed = 0
    for key in list(storage().keys(older_than=SWEEP_GRACE_SECONDS)):
        if key not in known:
            storage().delete(key)
            removed += 1
    return removed


# --- review ---------------------------------------------------------------------------------------


def publish_with(example) -> int:
    """The example was published: its pending files that existed then are published with it."""
    result = db.session.execute(sa.update(Attachment).where(
        Attachment.example_id == example.id, Attachment.status == PENDING,
        Attachment.created_at <= example.published_at).values(status=PUBLISHED, published_at=example.published_at))
    db.session.commit()
    return result.rowcount


# --- the API's shape ------------------------------------------------------------------------------


def attachment_to_dict(attachment: Attachment) -> dict:
    return {"id": attachment.id, "filename": attachment.filename, "size": attachment.size,
            "content_type": attachment.content_type, "licence": attachment.licence,
            "stand": attachment.stand.isoformat(), "status": attachment.status}
