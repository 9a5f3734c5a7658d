"""The signed-in user of the current request, for views that hand it to services."""
from flask_login import current_user


def acting_user():
    """The signed-in user as a model object: services and login_user must not keep the proxy."""
    return current_user._get_current_object()
