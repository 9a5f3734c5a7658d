"""Forums in the browser: forum list, a forum's threads, a thread with its replies, posting and editing."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from community import policy
from community.auth.current import acting_user
from community.errors import ValidationError
from community.forums import bp, services
from community.forums.forms import ActionForm, ForumForm, ReplyForm, ThreadForm
from community.organisations.forms import form_values, show_service_errors
from community.pagination import page_args
from community.rendering import render_markdown
from community.validation import parse_id


@bp.app_template_filter("forum_markdown")
def forum_markdown(text: str) -> Markup:
    """A post's Markdown as HTML; render_markdown sanitises it (nh3), so it may be marked safe."""
    return Markup(render_markdown(text))


def _page() -> tuple[int, int]:
    return page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])


@bp.route("/", methods=["GET", "POST"])
def index():
    form, alerts, status = ForumForm(), [], 200
    if request.method == "POST":
        policy.require(current_user, "forum.create")
        try:
            forum = services.create_forum(acting_user(), form_values(form))
            return redirect(url_for("forums.forum", forum_id=forum.id))
        except ValidationError as error:
            alerts, status = show_service_errors(form, error), 422
    return render_template("forums/index.html", forums=services.list_forums(), form=form, alerts=alerts), status


@bp.route("/<int:forum_id>")
def forum(forum_id: int):
    forum = services.get_forum(forum_id)
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else "latest"
    page, per_page = _page()
    threads = services.list_threads(current_user, forum, sort, page, per_page)
    return render_template("forums/forum.html", forum=forum, threads=threads, sort=sort, sorts=services.SORTS,
                           action_form=ActionForm())


def _render_new_thread(forum, form, alerts, status=200):
    return render_template("forums/new_thread.html", forum=forum, form=form, alerts=alerts), status


@bp.route("/<int:forum_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(forum_id: int):
    forum = services.get_forum(forum_id)
    form = ThreadForm()
    if request.method == "GET":
        return _render_new_thread(forum, form, [])
    try:
        thread = services.create_thread(acting_user(), forum, form_values(form))
    except ValidationError as error:
        return _render_new_thread(forum, form, show_service_errors(form, error), 422)
    if thread.opening_post.status != "published":
        flash(_("Thank you. Your post waits for a moderator's approval."), "info")
    return redirect(url_for("forums.thread", thread_id=thread.id))


def _render_thread(thread, form, alerts, status=200):
    user = current_user
    placeholders = services.hidden_placeholders(user, thread)
    posts = services.visible_posts(user, thread, with_hidden=placeholders)
    matches = services.matches_for(user, thread) if user.is_authenticated else None
    return render_template("forums/thread.html", thread=thread, posts=posts, placeholders=placeholders,
                           form=form, alerts=alerts,
                           matches=matches, watching=services.is_watching(user, thread),
                           action_form=ActionForm(), forums=services.list_forums()), status


@bp.route("/threads/<int:thread_id>")
def thread(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    quoted = request.args.get("quote", "")
    body = services.quote(current_user, thread, quoted_id) if (quoted_id := parse_id(quoted)) else ""
    return _render_thread(thread, ReplyForm(formdata=None, data={"body": body}), [])


@bp.route("/threads/<int:thread_id>/replies", methods=["POST"])
@login_required
def reply(thread_id: int):
    user = acting_user()
    thread = services.get_thread(user, thread_id)
    form = ReplyForm()
    try:
        post = services.reply(user, thread, form_values(form))
    except ValidationError as error:
        return _render_thread(thread, form, show_service_errors(form, error), 422)
    if post.status != "published":
        flash(_("Thank you. Your post waits for a moderator's approval."), "info")
    return redirect(url_for("forums.thread", thread_id=thread.id, _anchor=f"post-{post.id}"))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    user = acting_user()
    post = services.get_post(user, post_id)
    policy.require(user, "post.edit", post)
    form, alerts, status = ReplyForm(data={"body": post.body}), [], 200
    if request.method == "POST":
        try:
            services.edit_post(user, post, form_values(form))
            return redirect(url_for("forums.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"))
        except ValidationError as error:
            alerts, status = show_service_errors(form, error), 422
    return render_template("forums/edit_post.html", post=post, form=form, alerts=alerts), status


@bp.route("/posts/<int:post_id>/solution", methods=["POST"])
@login_required
def mark_solution(post_id: int):
    user = acting_user()
    post = services.mark_solution(user, services.get_post(user, post_id))
    return redirect(url_for("forums.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"))


@bp.route("/threads/<int:thread_id>/watch", methods=["POST"])
@login_required
def watch_thread(thread_id: int):
    user = acting_user()
    thread = services.get_thread(user, thread_id)
    services.watch(user, thread=thread, on=request.form.get("on", "1") == "1")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/<int:forum_id>/watch", methods=["POST"])
@login_required
def watch_forum(forum_id: int):
    services.watch(acting_user(), forum=services.get_forum(forum_id), on=request.form.get("on", "1") == "1")
    flash(_("Saved."), "success")
    return redirect(url_for("forums.forum", forum_id=forum_id))


@bp.route("/threads/<int:thread_id>/invite", methods=["POST"])
@login_required
def invite(thread_id: int):
    user = acting_user()
    thread = services.get_thread(user, thread_id)
    organisation_id = request.form.get("organisation_id", "")
    invited = services.invite_organisation(user, thread, parse_id(organisation_id))
    flash(_("%(n)s members were invited.", n=len(invited)), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))
