"""The one entry point for `flask --app wsgi`, gunicorn and the tests."""
import gc

from community import create_app
from community.extensions import socketio  # noqa: F401  (gunicorn and `flask run` serve it)
from community.jobs import huey  # noqa: F401  (`huey_consumer wsgi.huey` runs a consumer too)

app = create_app()
# Everything built so far (modules, the app, the matching index) lives as long as the process: keep it
# out of the garbage collector's full passes, which otherwise walk it all and stall every socket of the
# process for 100-160 ms each (bench/realtime_load.py, docs/realtime.md "Load").
gc.freeze()
