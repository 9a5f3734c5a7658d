"""Run the real application in its own process, served the production way (gunicorn + gevent).

Browser tests and Socket.IO client tests talk to it over loopback like any client would.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_socket(port: int = 0) -> socket.socket:
    """A socket already bound and listening, to hand to gunicorn as `fd://`: between choosing a free port and
    gunicorn binding it, another test's server or an outgoing connection could take it, and the health check
    would then find that other server."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def wait_until_healthy(process: subprocess.Popen, url: str, timeout: float) -> bool:
    """Poll `url`/healthz until it answers 200 (True), the process exits or time runs out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.1)
    return False


class LiveServer:
    """One gunicorn process with one gevent worker on a free port; `url` is its base address."""

    def __init__(self, database_url: str, data_dir: Path, env: dict | None = None, port: int | None = None):
        self.socket: socket.socket | None = listening_socket(port or 0)
        self.port = self.socket.getsockname()[1]
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "live-test-secret",
            "RATE_LIMITS_ENABLED": "0",
            "DEMO_MODE": "0",
            # Production mode refuses the default PUBLIC_URL; links then point at this very server.
            "PUBLIC_URL": self.url,
            "TRUSTED_HOSTS_EXTRA": "localhost",
            "MATCHING_INDEX_DIR": str(data_dir / "matching"),
            # The demo's municipalities and a few more of the register, not all 12,000: seeds in seconds.
            "DEMO_REGISTER_SLICE": "1000",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        )

    def start(self) -> "LiveServer":
        self.log_path = self.data_dir / f"server-{self.port}.log"
        log = self.log_path.open("w")
        # A restart after stop() or kill() binds the same port again.
        listening = self.socket or listening_socket(self.port)
        self.socket = None
        with listening:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--worker-class", "gevent", "--workers", "1",
                 "--worker-connections", "2000", "--bind", f"fd://{listening.fileno()}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listening.fileno(),),
                start_new_session=True,  # its own process group, so kill() takes the worker down too
            )
        if not wait_until_healthy(self.process, self.url, timeout=30):
            self.stop()
            raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Die abruptly, as a crashed server would: master and worker at once (an orphaned gunicorn
        worker would otherwise keep serving its sockets until it notices its parent is gone)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
