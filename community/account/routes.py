from community.account import bp


@bp.route("/")
def settings():
    return "settings"
