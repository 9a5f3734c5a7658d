from community.organisations import bp


@bp.route("/organisations")
def directory():
    return "directory"


@bp.route("/organisations/<int:org_id>")
def show(org_id: int):
    return "organisation"
