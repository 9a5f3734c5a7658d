"""Pages of attachments: the upload form of an example (from its edit page) and of a consultation's result,
the download, and removing a file."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import policy
from community.attachments import bp, services, sniffing
from community.attachments.uploads import download as serve, read_upload
from community.errors import InvalidInput
from community.extensions import csrf


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """A file's size as the reader writes numbers: "1,2 MB" in German, "1.2 MB" in English (decimal units)."""
    for unit, factor in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= factor:
            return f"{format_decimal(size / factor, format='#,##0.#')} {unit}"
    return f"{format_decimal(size)} B"


@bp.app_template_global("attachments_of")
def _attachments_of(record, published_only=False):
    """The files of an example or a consultation that the current user may see (templates/attachments/_list.html)."""
    from community.examples.models import Example

    if isinstance(record, Example):
        return services.of_example(current_user, record, published_only)
    return services.of_consultation(current_user, record)


@bp.app_template_global("attachment_kind")
def _kind(attachment) -> str:
    kind = sniffing.BY_CONTENT_TYPE.get(attachment.content_type)
    return services.KIND_LABELS.get(kind.extension, "") if kind else ""


@bp.app_template_global("attachment_licences")
def _licences():
    return services.LICENCE_BY_SLUG, services.LICENCE_URLS


def _form(parent_kind, record, title, back, values=None, errors=None, status=200):
    return render_template("attachments/new.html", parent_kind=parent_kind, record=record, title=title, back=back,
                           values=values or {}, errors=errors or {}, licences=[(choice.slug, choice.label) for choice in services.LICENCES],
                           kinds=services.KIND_LABELS, max_megabytes=services.max_bytes() // (1024 * 1024)), status


def _upload(parent_kind, record, title, back, add):
    if request.method == "GET":
        return _form(parent_kind, record, title, back)
    try:
        upload, form = read_upload(check_csrf=True)
        values = {"licence": form.get("licence", ""), "stand": form.get("stand", "")}
        add(current_user._get_current_object(), record, upload, values)
    except services.TooLarge as error:
        return _form(parent_kind, record, title, back, {}, error.fields, 413)
    except InvalidInput as error:
        return _form(parent_kind, record, title, back, values, error.fields, 400)
    flash(_l("The file was added and waits for the review with the example.") if parent_kind == "example"
          else _l("The file was added."), "success")
    return redirect(back)


@bp.route("/examples/<int:example_id>/new", methods=["GET", "POST"])
@login_required
def new_for_example(example_id: int):
    from community.examples import services as examples

    example = examples.get_example(current_user, example_id)
    if not policy.can(current_user, "attachment.add_to_example", example):
        abort(403)
    return _upload("example", example, example.title, url_for("examples.edit", example_id=example.id),
                   services.add_to_example)


@bp.route("/consultations/<int:case_id>/new", methods=["GET", "POST"])
@login_required
def new_for_consultation(case_id: int):
    from community.consultations import services as consultations

    case = consultations.get_case(current_user, case_id)
    if not policy.can(current_user, "attachment.add_to_consultation", case):
        abort(403)
    return _upload("consultation", case, case.subject, url_for("consultations.show", case_id=case.id),
                   services.add_to_consultation)


# Checked in the view, after the limit for uploads is raised (community/attachments/uploads.py).
csrf.exempt(new_for_example)
csrf.exempt(new_for_consultation)


@bp.route("/<int:attachment_id>")
def download(attachment_id: int):
    return serve(services.get_attachment(current_user, attachment_id))


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int):
    attachment = services.get_attachment(current_user, attachment_id)
    back = (url_for("examples.edit", example_id=attachment.example_id) if attachment.example_id
            else url_for("consultations.show", case_id=attachment.consultation_id))
    services.delete_attachment(current_user._get_current_object(), attachment)
    flash(_l("The file was removed."), "success")
    return redirect(back)
