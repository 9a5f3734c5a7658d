"""Pages of funding programmes: the list with filters, a programme with the needs it could serve, and the
consultants' create, edit and retire."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from community import policy
from community.errors import InvalidInput
from community.extensions import db
from community.programmes import bp, services
from community.programmes.forms import form_values, programme_values
from community.rendering import render_markdown
from community.taxonomy import LAENDER, ORG_TYPES, PUBLIC_BODY_KINDS, TOPICS


def _user():
    return current_user._get_current_object()


@bp.route("")
def index():
    args = {name: request.args.get(name, "") for name in ("land", "org_type", "topic", "open")}
    errors = {}
    try:
        filters = services.clean_filters({name: value for name, value in args.items() if value})
    except InvalidInput as error:  # a hand-made address: the whole list, and the filter named
        filters, errors = {}, error.fields or {}
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 1000 else 1
    result, _ranked = services.list_programmes(current_user, filters, page, 20)
    return render_template("programmes/index.html", page=result, args=args, errors=errors, today=services.today(),
                           **_options()), 400 if errors else 200


@bp.route("/<int:programme_id>")
def show(programme_id: int):
    programme = services.get_programme(programme_id)
    today = services.today()
    served = services.needs_served(programme, current_user, today)
    eligible = None
    organisation = getattr(current_user, "organisation", None) if current_user.is_authenticated else None
    if organisation is not None and organisation.is_public_body:
        eligible = services.is_eligible(programme, organisation, today)
    return render_template("programmes/show.html", programme=programme, served=served, today=today,
                           eligible=eligible, k=services.K_ANONYMITY, examples=services.funded_examples(programme))


def _org_type_options():
    seen, options = set(), []
    for kind in PUBLIC_BODY_KINDS:
        for choice in ORG_TYPES[kind]:
            if choice.slug not in seen:
                seen.add(choice.slug)
                options.append((choice.slug, choice.label))
    return sorted(options, key=lambda option: option[0])


def _options() -> dict:
    """(value, label) pairs of the choices the filters and the form offer."""
    return {"land_options": [(land.slug, land.label) for land in LAENDER],
            "topic_options": [(topic.slug, topic.label) for topic in TOPICS],
            "org_type_options": _org_type_options(),
            "level_options": [(choice.slug, choice.label) for choice in services.LEVEL_CHOICES],
            "kind_options": [(choice.slug, choice.label) for choice in services.KIND_CHOICES]}


def _render_form(programme, values, errors, status=200):
    return render_template("programmes/form.html", programme=programme, values=values, errors=errors,
                           **_options()), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not policy.can(current_user, "programme.manage"):
        abort(403)
    if request.method == "POST":
        values = form_values(request.form)
        try:
            programme = services.create_programme(_user(), values)
        except InvalidInput as error:
            db.session.rollback()
            return _render_form(None, values, error.fields or {}, 400)
        flash(_l("The programme has been saved."), "success")
        return redirect(url_for("programmes.show", programme_id=programme.id))
    return _render_form(None, {"level": "land", "kind": "grant", "stand": services.today().isoformat()}, {})


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(programme_id: int):
    programme = services.get_programme(programme_id)
    if not policy.can(current_user, "programme.manage"):
        abort(403)
    if request.method == "POST":
        values = form_values(request.form)
        try:
            services.update_programme(_user(), programme, values)
        except InvalidInput as error:
            db.session.rollback()
            return _render_form(services.get_programme(programme_id), values, error.fields or {}, 400)
        flash(_l("The programme has been saved."), "success")
        return redirect(url_for("programmes.show", programme_id=programme_id))
    return _render_form(programme, programme_values(programme), {})


@bp.route("/<int:programme_id>/retire", methods=["POST"])
@login_required
def retire(programme_id: int):
    programme = services.get_programme(programme_id)
    if not policy.can(current_user, "programme.manage"):
        abort(403)
    services.retire_programme(_user(), programme)
    flash(_l("The programme has been retired: it is no longer listed or matched."), "success")
    return redirect(url_for("programmes.show", programme_id=programme_id))


@bp.app_template_filter("programme_markdown")
def programme_markdown(text: str) -> Markup:
    return Markup(render_markdown(text or ""))  # sanitised by nh3


@bp.app_context_processor
def _labels():
    return {"programme_levels": services.LEVEL_BY_SLUG, "programme_kinds": services.KIND_BY_SLUG}


@bp.app_template_filter("programme_org_type")
def programme_org_type(slug: str) -> str:
    return str(dict(_org_type_options()).get(slug, slug))


@bp.route("/funding/<int:example_id>", methods=["POST"])
@login_required
def name_funding(example_id: int):
    """A good example names (or no longer names) a programme that funded it."""
    from community.examples import services as examples
    from community.validation import parse_id

    example = examples.get_example(current_user, example_id)
    if not policy.can(current_user, "programme.name_funding", example):
        abort(403)
    programme_id = parse_id(request.form.get("programme_id"))
    if programme_id is None:
        abort(400)
    services.name_funding(_user(), example, programme_id, funded=request.form.get("remove") is None)
    return redirect(url_for("examples.show", example_id=example_id) + "#example-funding-heading")


@bp.app_template_global("programmes_of_example")
def _programmes_of_example(example):
    return services.funding_of(example)


@bp.app_template_global("programme_choices")
def _programme_choices():
    return db.session.execute(db.select(services.Programme.id, services.Programme.title)
                              .filter(services.Programme.retired_at.is_(None)).order_by(services.Programme.title)).all()
