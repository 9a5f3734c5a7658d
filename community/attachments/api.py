"""API views of attachments: upload to a good example, download whatever the token's user may see."""
from flask import g, url_for

from community.api import bp
from community.api.auth import token_required
from community.attachments import services
from community.attachments.uploads import download, read_upload


@bp.route("/examples/<int:example_id>/attachments", methods=["POST"])
@token_required
def add_example_attachment(example_id: int):
    from community.examples import services as examples

    example = examples.get_example(g.api_user, example_id)
    upload, form = read_upload(check_csrf=False)
    attachment = services.add_to_example(g.api_user, example, upload,
                                         {"licence": form.get("licence"), "stand": form.get("stand")})
    return (services.attachment_to_dict(attachment), 201,
            {"Location": url_for("api.get_attachment", attachment_id=attachment.id)})


@bp.route("/attachments/<int:attachment_id>")
@token_required
def get_attachment(attachment_id: int):
    return download(services.get_attachment(g.api_user, attachment_id))
