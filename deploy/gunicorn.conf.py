"""gunicorn settings of a web process (deploy/systemd/kommunalnetz-web@.service, the container image).

One gevent worker per process: Socket.IO sessions live in the worker's memory (docs/deploy.md). The
application logs each request itself as JSON, with the client address from the proxy headers, so
gunicorn's own access log stays off.
"""
import os

worker_class = "gevent"
workers = 1
worker_connections = 10000
accesslog = None
errorlog = "-"
graceful_timeout = 20
# gunicorn's control socket lives in $HOME or $XDG_RUNTIME_DIR: one path for every process of a user (they
# would take it from each other), and not writable under the units' ProtectSystem/ProtectHome.
control_socket_disable = True


def post_worker_init(worker):
    from community.operations.metrics import start_socket_sampler

    start_socket_sampler()


def child_exit(server, worker):
    # A dead worker's live gauges (its open sockets) must not count any more.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
