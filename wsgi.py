"""The one entry point for `flask --app wsgi`, gunicorn and the tests."""
from community import create_app
from community.extensions import socketio  # noqa: F401  (gunicorn and `flask run` serve it)

app = create_app()
