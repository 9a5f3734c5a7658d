"""Forums: one per taxonomy topic, threads and replies, edits with history, solutions, watching.

Posting rules for new accounts (pre-moderation, no links), the per-user rate limit and slow mode
live here; who may do what is decided in community/policy.py.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy.orm import joinedload

from community import policy
from community.auth.models import User
from community.errors import ServiceError, ValidationError
from community.extensions import db, socketio
from community.forums.models import HIDDEN, PENDING, PUBLISHED, Forum, Post, PostRevision, Thread, ThreadWatch
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.notifications.models import POST_APPROVED
from community.notifications.services import notify, organisation_member_ids
from community.organisations.models import Organisation
from community.pagination import Page, paginate
from community.rendering import contains_link, handle_of, mentioned_handles, render_markdown
from community.search.services import search
from community.taxonomy import TOPICS
from community.validation import Schema, Text

BODY_MAX = 20_000
TITLE_MAX = 200
DEFAULT_FIRST_POSTS = 3
DEFAULT_RATELIMIT_POST = "10 per minute;100 per day"
SORTS = ("latest", "newest", "unanswered", "solved")
THREAD_SCHEMA = Schema({"title": Text(TITLE_MAX, required=True, min_length=3),
                        "body": Text(BODY_MAX, required=True, multiline=True)})
REPLY_SCHEMA = Schema({"body": Text(BODY_MAX, required=True, multiline=True)})
FORUM_SCHEMA = Schema({"title": Text(TITLE_MAX, required=True, min_length=3),
                       "description": Text(2000, multiline=True)})
MATCHES_SHOWN = 6
VENDOR_OFFERS_SHOWN = 3
"""Offers of providers under a thread: a few, in their own section; peers and examples come first."""


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"


# --- forums --------------------------------------------------------------------------------------


def ensure_topic_forums() -> int:
    """One forum per taxonomy topic; creates the missing ones and returns how many it created."""
    existing = set(db.session.scalars(db.select(Forum.topic).filter(Forum.topic.is_not(None))))
    missing = [topic for topic in TOPICS if topic.slug not in existing]
    for topic in missing:
        db.session.add(Forum(slug=topic.slug, topic=topic.slug, title=str(topic.label)))
    if missing:
        db.session.commit()
    return len(missing)


def create_forum(user, data: dict) -> Forum:
    policy.require(user, "forum.create")
    values = FORUM_SCHEMA.clean(data)
    slug = re.sub(r"[^a-z0-9]+", "-", values["title"].lower()).strip("-")[:50] or "forum"
    if db.session.scalars(db.select(Forum).filter_by(slug=slug)).first() is not None:
        raise ValidationError(_l("Please correct the marked fields."), fields={"title": _l("A forum of this name exists.")})
    forum = Forum(slug=slug, **values)
    db.session.add(forum)
    db.session.commit()
    return forum


def list_forums() -> list[Forum]:
    ensure_topic_forums()
    return list(db.session.scalars(db.select(Forum).order_by(Forum.topic.is_(None), Forum.id)))


def get_forum(forum_id) -> Forum:
    return get_or_not_found(Forum, forum_id, _l("This forum does not exist."))


def _visible_threads(viewer):
    """Threads whose opening post the viewer may read (pending or hidden ones only to their authors)."""
    opening = db.select(Post.thread_id).filter(Post.is_opening.is_(True), Post.status == PUBLISHED)
    condition = Thread.id.in_(opening)
    if _signed_in(viewer):
        condition = db.or_(condition, Thread.author_id == viewer.id)
    return db.select(Thread).filter(condition).options(joinedload(Thread.author))


def list_threads(viewer, forum: Forum, sort: str = "latest", page: int = 1, per_page: int = 20) -> Page:
    select = _visible_threads(viewer).filter(Thread.forum_id == forum.id)
    if sort == "unanswered":
        select = select.filter(Thread.reply_count == 0)
    elif sort == "solved":
        select = select.filter(Thread.is_solved.is_(True))
    order = Thread.created_at.desc() if sort == "newest" else Thread.last_activity_at.desc()
    return paginate(select.order_by(Thread.pinned.desc(), order, Thread.id.desc()), page, per_page)


# --- threads and posts ---------------------------------------------------------------------------


def get_thread(viewer, thread_id) -> Thread:
    return get_or_not_found(Thread, thread_id, _l("This thread does not exist."),
                            hidden=lambda thread: not policy.can(viewer, "post.view", thread.opening_post))


def get_post(viewer, post_id) -> Post:
    return get_or_not_found(Post, post_id, _l("This post does not exist."),
                            hidden=lambda post: not policy.can(viewer, "post.view", post))


def visible_posts(viewer, thread: Thread, with_hidden: dict[int, str] | None = None) -> list[Post]:
    """The thread's posts the viewer may read, oldest first (moderators also see hidden ones);
    with the ids of `with_hidden` (see hidden_placeholders) too, for their placeholders."""
    return [post for post in thread.posts
            if (with_hidden and post.id in with_hidden) or policy.can(viewer, "post.view", post)]


def hidden_placeholders(viewer, thread: Thread) -> dict[int, str]:
    """Post id → the moderation's reason, for the thread's hidden posts the viewer may not read.

    Readers see where a post was hidden and why ("Post hidden: reason"), never its text, so the
    replies around it still make sense.
    """
    from community.moderation.models import POST, ModerationAction

    hidden = [post.id for post in thread.posts if post.status == HIDDEN and not policy.can(viewer, "post.view", post)]
    if not hidden:
        return {}
    reasons = {post_id: "" for post_id in hidden}
    actions = db.session.execute(
        db.select(ModerationAction.item_id, ModerationAction.reason)
        .filter(ModerationAction.item_type == POST, ModerationAction.item_id.in_(hidden),
                ModerationAction.action == "hide")
        .order_by(ModerationAction.id))
    for post_id, reason in actions:
        reasons[post_id] = reason  # the latest hide wins
    return reasons


def quote(viewer, thread: Thread, post_id: int) -> str:
    """The reply text that quotes a post of the thread ("> " before each line); empty if not readable."""
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != thread.id or post.status != PUBLISHED:
        return ""
    author = post.author.display_name if post.author else str(_l("Deleted account"))
    lines = [f"> {line}" if line else ">" for line in post.body.splitlines()]
    return "\n".join([f"> **{author}:**", *lines]) + "\n\n"


def create_thread(user, forum: Forum, data: dict) -> Thread:
    policy.require(user, "thread.create", forum)
    values = THREAD_SCHEMA.clean(data)
    status = _check_posting(user, values["body"], None)
    now = utcnow()
    thread = Thread(forum_id=forum.id, author_id=user.id, title=values["title"], created_at=now,
                    last_activity_at=now)
    thread.posts.append(Post(author_id=user.id, body=values["body"], status=status, is_opening=True, created_at=now))
    db.session.add(thread)
    db.session.add(ThreadWatch(user_id=user.id, thread=thread))
    db.session.commit()
    if status == PUBLISHED:
        _announce(user, thread.opening_post, forum_watchers=True)
    return thread


def reply(user, thread: Thread, data: dict) -> Post:
    policy.require(user, "post.create", thread)
    values = REPLY_SCHEMA.clean(data)
    status = _check_posting(user, values["body"], thread)
    post = Post(author_id=user.id, body=values["body"], status=status)
    thread.posts.append(post)
    recount(thread)
    db.session.commit()
    if status == PUBLISHED:
        _announce(user, post, forum_watchers=False)
    return post


def _published_count(user) -> int:
    return db.session.scalar(db.select(db.func.count(Post.id)).filter(
        Post.author_id == user.id, Post.status == PUBLISHED)) or 0


def _check_posting(user, body: str, thread: Thread | None) -> str:
    """Apply the rate limit, slow mode and the rules for new accounts; the status the post gets."""
    _check_rate_limit(user)
    if thread is not None and thread.slow_mode_seconds and not policy.moderates(user, thread):
        since = utcnow() - timedelta(seconds=thread.slow_mode_seconds)
        if db.session.execute(db.select(Post.id).filter(Post.thread_id == thread.id, Post.author_id == user.id,
                                                        Post.created_at > since).limit(1)).first():
            raise RateLimited(lazy_plain("Slow mode: you can post here once every %(seconds)s seconds.",
                                         seconds=thread.slow_mode_seconds))
    if policy.is_global_moderator(user):
        return PUBLISHED
    is_new = refuse_links_of_new_accounts(user, body)
    organisation = user.organisation
    return PENDING if is_new and (organisation is None or not organisation.verified) else PUBLISHED


def refuse_links_of_new_accounts(user, body: str) -> bool:
    """Whether the user's account is new (fewer than MODERATION_FIRST_POSTS published posts); a new
    account's text with a link is refused. Forum posts and room messages alike."""
    is_new = _published_count(user) < _first_posts()
    if is_new:
        refuse_links_in(user, {"body": body})
    return is_new


def _first_posts() -> int:
    return current_app.config.get("MODERATION_FIRST_POSTS", DEFAULT_FIRST_POSTS)


def refuse_links_in(user, values: dict, fields=None, refusal: type[ValidationError] = ValidationError) -> None:
    """The one link rule for everything a user publishes (posts, room messages, needs and offers, events,
    good examples, the organisation's profile): a new account's text whose rendering holds a link is refused
    with the field named. Judged on the rendered HTML (community/rendering.contains_link), so Markdown,
    autolinks and written-out addresses count alike. Fields meant to be an address (an event's online link,
    a website) are not passed here. Global moderators and admins are never new."""
    texts = {name: value for name, value in values.items() if (fields is None or name in fields)
             and isinstance(value, str) and value}
    linked = [name for name, value in texts.items() if contains_link(value)]
    if not linked or policy.is_global_moderator(user) or _published_count(user) >= _first_posts():
        return
    message = lazy_plain("New accounts cannot post links until %(n)s of their posts were approved.",
                         n=_first_posts())
    raise refusal(_l("Please correct the marked fields."), fields={name: message for name in linked})


def _check_rate_limit(user) -> None:
    if not current_app.config.get("RATE_LIMITS_ENABLED"):
        return
    for limit in parse_many(current_app.config.get("RATELIMIT_POST", DEFAULT_RATELIMIT_POST)):
        since = utcnow() - timedelta(seconds=limit.get_expiry())
        recent = db.session.scalar(db.select(db.func.count(Post.id)).filter(
            Post.author_id == user.id, Post.created_at > since)) or 0
        if recent >= limit.amount:
            raise RateLimited(_l("You are posting too fast. Please wait a moment."))


def recount(thread: Thread) -> None:
    """Keep the thread's reply count, solved flag and last activity in step with its published posts."""
    db.session.flush()
    published = [post for post in thread.posts if post.status == PUBLISHED]
    thread.reply_count = sum(1 for post in published if not post.is_opening)
    thread.is_solved = any(post.is_solution for post in published)
    thread.last_activity_at = max((post.created_at for post in published), default=thread.created_at)


def replace_body(post: Post, body: str, editor, reason: str = "") -> None:
    post.revisions.append(PostRevision(body=post.body, edited_by_id=editor.id, reason=reason))
    post.body = body
    post.edited_at = utcnow()


def edit_post(user, post: Post, data: dict) -> Post:
    policy.require(user, "post.edit", post)
    values = REPLY_SCHEMA.clean(data)
    if values["body"] != post.body:
        if not policy.moderates(user, post) and contains_link(values["body"]) and not contains_link(post.body):
            _check_posting(user, values["body"], None)
        replace_body(post, values["body"], user)
        db.session.commit()
    return post


def mark_solution(user, post: Post) -> Post:
    policy.require(user, "post.mark_solution", post)
    for other in post.thread.posts:
        other.is_solution = other.id == post.id
    recount(post.thread)
    db.session.commit()
    return post


# --- watching, notifying, inviting ---------------------------------------------------------------


def watch(user, thread: Thread | None = None, forum: Forum | None = None, on: bool = True) -> None:
    policy.require(user, "thread.watch", thread or forum)
    filters = {"user_id": user.id, "thread_id": thread.id if thread else None, "forum_id": forum.id if forum else None}
    existing = db.session.scalars(db.select(ThreadWatch).filter_by(**filters)).first()
    if on and existing is None:
        db.session.add(ThreadWatch(**filters))
    elif not on and existing is not None:
        db.session.delete(existing)
    db.session.commit()


def is_watching(user, thread: Thread) -> bool:
    return _signed_in(user) and db.session.scalars(db.select(ThreadWatch.id).filter_by(
        user_id=user.id, thread_id=thread.id)).first() is not None


def post_to_dict(post: Post) -> dict:
    """A post as the socket event and the API send it."""
    return {"id": post.id, "thread_id": post.thread_id, "body_html": render_markdown(post.body),
            "author": post.author.display_name if post.author else str(_l("Deleted account")),
            "created_at": post.created_at.isoformat() + "Z", "status": post.status,
            "is_solution": post.is_solution}


def _announce(author, post: Post, forum_watchers: bool) -> None:
    """After a post is published: live to the thread's page, notifications to watchers and the mentioned."""
    thread = post.thread
    payload = post_to_dict(post)
    socketio.emit("post", {key: payload[key] for key in ("thread_id", "id", "body_html", "author", "created_at")},
                  to=f"thread:{thread.id}", namespace="/")
    url = url_for("forums.thread", thread_id=thread.id, _anchor=f"post-{post.id}")
    watchers = db.select(ThreadWatch.user_id).filter(ThreadWatch.thread_id == thread.id)
    if forum_watchers:
        watchers = watchers.union(db.select(ThreadWatch.user_id).filter(ThreadWatch.forum_id == thread.forum_id))
    mentioned = set(_mentioned_user_ids(post.body)) - {author.id}
    watcher_ids = set(db.session.scalars(watchers)) - {author.id} - mentioned
    notify(sorted(watcher_ids), "forum_post", N_("New post in “%(title)s” by %(name)s"), url,
           title=thread.title, name=author.display_name)
    notify(sorted(mentioned), "mention", N_("%(name)s mentioned you in “%(title)s”"), url,
           name=author.display_name, title=thread.title)


def announce_approved(post: Post) -> None:
    """A held post that moderation approved: its author is told, and it goes out like any new post."""
    if post.author is not None:
        notify([post.author_id], POST_APPROVED, N_("Your post in “%(title)s” has been approved and published."),
               url_for("forums.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"),
               title=post.thread.title)
        _announce(post.author, post, forum_watchers=post.is_opening)


def _mentioned_user_ids(body: str) -> list[int]:
    ids = []
    for handle in mentioned_handles(body)[:20]:
        pattern = "%" + "%".join(part for part in handle.split(".") if part) + "%"
        for user in db.session.scalars(db.select(User).filter(User.name.ilike(pattern), User.deleted_at.is_(None))
                                       .limit(20)):
            if handle_of(user) == handle.lower():
                ids.append(user.id)
    return ids


@dataclass(frozen=True)
class ThreadMatches:
    """What the search finds for a thread, neutral first: peers (public bodies, with their needs) and good
    examples; then, in their own labelled section, a few offers of providers that fit the asker's Land."""

    peers: list
    examples: list
    offers: list

    @property
    def organisations(self) -> list:  # the peers' organisations, each once (invitations go to organisations)
        return list({hit.organisation.id: hit for hit in self.peers}.values())


def matches_for(viewer, thread: Thread) -> ThreadMatches:
    """Peers, good examples and fitting offers whose texts match the thread's, through the search service;
    each shares at least one whole word (its stem) or synonym with the thread."""
    from community.taxonomy import COMPANY

    opening = thread.opening_post
    result = search(viewer, f"{thread.title}\n{opening.body if opening else ''}", 1, 40, everything=True)
    asker = thread.author.organisation if thread.author else None
    own = asker.id if asker else None
    peers, examples, offers = [], [], []
    for hit in result.page.items:
        if result.words is None or not result.words.meets(hit.title, hit.text)[1]:
            continue  # a shared fragment alone ("Platzvergabe", "Vergabeberatung") is no match
        if hit.kind == "example":
            examples.append(hit)
        elif hit.organisation is None or hit.organisation.id == own:
            continue
        elif hit.kind in ("organisation", "need") and hit.organisation.kind != COMPANY:
            peers.append(hit)
        elif hit.kind == "offer" and _fits_land(hit.organisation, asker):
            offers.append(hit)
    return ThreadMatches(peers[:MATCHES_SHOWN], examples[:MATCHES_SHOWN], offers[:VENDOR_OFFERS_SHOWN])


def _fits_land(provider, asker) -> bool:
    """An offer fits where its provider works: nationwide (no Land) or in the asker's own Land."""
    asker_land = getattr(asker, "land", None)
    return provider.land is None or asker_land is None or provider.land == asker_land


def invite_organisation(user, thread: Thread, organisation_id) -> list[int]:
    """Tell a matched organisation's members about the thread; returns whom it notified."""
    policy.require(user, "thread.invite", thread)
    organisation = get_or_not_found(Organisation, organisation_id, _l("This organisation does not exist."))
    member_ids = organisation_member_ids(organisation.id, exclude_user_id=user.id)
    notify(member_ids, "forum_invite", N_("%(name)s invites you to the discussion “%(title)s”"),
           url_for("forums.thread", thread_id=thread.id), name=user.display_name, title=thread.title)
    return member_ids
