"""The organisation profile's steps on the start page: what a complete profile has, judged from the record."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.profiles.models import Offer
from community.start.steps import PUBLIC_BODY, VENDOR, register_step


def _edit_url(user) -> str:
    return url_for("organisations.edit", org_id=user.organisation_id)


def _described(user) -> bool:
    return bool(user.organisation.description.strip())


def _reachable(user) -> bool:
    return bool(user.organisation.website.strip() or user.organisation.contact_email.strip())


def _with_topics(user) -> bool:
    return bool(user.organisation.topics)


def _profile_complete(user) -> bool:
    return _described(user) and _reachable(user) and _with_topics(user)


def _has_offer(user) -> bool:
    return db.session.scalar(sa.select(Offer.id).where(Offer.organisation_id == user.organisation_id).limit(1)) is not None


register_step("profile", _l("Complete your profile"), _edit_url, _profile_complete,
              audience=PUBLIC_BODY, order=10)
register_step("vendor_description", _l("Describe your company"), _edit_url, _described, audience=VENDOR, order=10)
register_step("vendor_contact", _l("Give a website or contact address"), _edit_url, _reachable, audience=VENDOR, order=20)
register_step("vendor_topics", _l("Name the topics you work on"), _edit_url, _with_topics, audience=VENDOR, order=30)
register_step("vendor_offer", _l("Publish your first offer"),
              lambda user: url_for("profiles.new_entry", org_id=user.organisation_id, plural="offers"), _has_offer,
              audience=VENDOR, order=40)
