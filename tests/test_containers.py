"""The compose stack for real (compose.yaml, docs/containers.md), under podman-compose: the image built
from the Containerfile, PostgreSQL, Redis, the one-shot migrate service, two web processes, the job
consumer and nginx. Two people sign in through nginx, each routed to another web process, and a room
message crosses between them over the websocket.

No image registry is reachable here: the base image is made with mmdebstrap from Debian's packages
(deploy/images/base.sh, kept while its recipe is unchanged), PostgreSQL, Redis and nginx are built from
it (deploy/images/), and compose.yaml is pointed at them with its *_IMAGE variables. Marked `container`:
`make test-containers` runs it, `make test` does not.
"""
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
import requests
import socketio

from tests.conftest import service_unavailable
from tests.live_server import free_port
from tests.scaleout import FIRST_TOPIC_ROOM as ROOM, ORGANISATIONS_CSV, PASSWORD, WAIT, RoomClient

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROJECT = "kommunalnetz-containertest"
BASE_IMAGE = "localhost/kommunalnetz-base:bookworm"
APP_IMAGE = "localhost/kommunalnetz:test"
SERVICE_IMAGES = {"POSTGRES_IMAGE": "postgres", "REDIS_IMAGE": "redis", "NGINX_IMAGE": "nginx"}
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
ALICE, BOB = "alice@container.example", "bob@container.example"
# This machine's podman: runc, since the default runtime cannot set rlimits, and limits within what the
# sandbox allows (podman's own defaults exceed them and every container fails to start).
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
"""

timings: dict[str, float] = {}


class Podman:
    def __init__(self, env: dict):
        self.env = env

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
                                 f"{result.stderr[-3000:]}")
        return result

    def compose(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "podman-compose"), "--project-name", PROJECT, "--file", "compose.yaml", *args,
                        timeout=timeout)

    def image_id(self, tag: str) -> str | None:
        return self.run("podman", "image", "inspect", "--format", "{{.Id}}", tag, check=False).stdout.strip() or None

    def container(self, service: str) -> str:
        names = self.run("podman", "ps", "--all", "--format", "{{.Names}}",
                         "--filter", f"label=com.docker.compose.project={PROJECT}",
                         "--filter", f"label=com.docker.compose.service={service}").stdout.split()
        assert len(names) == 1, f"{service}: containers {names}"
        return names[0]

    def exec(self, service: str, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("podman", "exec", self.container(service), *command, check=check, timeout=120)

    def logs(self, service: str) -> str:
        result = self.run("podman", "logs", self.container(service), check=False)
        return result.stdout + result.stderr

    def wait_until(self, service: str, *command: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.exec(service, *command, check=False).returncode != 0:
            assert time.monotonic() < deadline, f"{service}: {' '.join(command)} never succeeded\n{self.logs(service)}"
            time.sleep(1)


def timed(name: str):
    class Timer:
        def __enter__(self):
            self.start = time.monotonic()

        def __exit__(self, *_):
            timings[name] = time.monotonic() - self.start
    return Timer()


def build_images(podman: Podman) -> None:
    """Build (from cache where nothing changed) and tag the images; the versions they replace are removed,
    so that repeated runs on one machine do not pile them up (the layers still in use stay)."""
    app_images = [APP_IMAGE, *(f"localhost/kommunalnetz-{name}:bookworm" for name in SERVICE_IMAGES.values())]
    replaced = {tag: podman.image_id(tag) for tag in [*app_images, BASE_IMAGE]}
    with timed("base image (mmdebstrap, cached by recipe)"):
        podman.run(str(ROOT / "deploy" / "images" / "base.sh"), BASE_IMAGE, timeout=900)
    # The host's CA bundle: pip inside the build reaches PyPI through this network's TLS proxy.
    with timed("application image"):
        podman.run("podman", "build", "--isolation=chroot", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
                   "--build-arg", f"VERSION={version()}", "--volume", f"{CA_BUNDLE}:{CA_BUNDLE}:ro",
                   "--tag", APP_IMAGE, ".", timeout=1800)
    with timed("postgres, redis, nginx images"):
        for name in SERVICE_IMAGES.values():
            podman.run("podman", "build", "--isolation=chroot", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
                       "--tag", f"localhost/kommunalnetz-{name}:bookworm", f"deploy/images/{name}", timeout=900)
    for tag, old in replaced.items():  # the base last: the old application images were built on it
        if old and podman.image_id(tag) != old:
            podman.run("podman", "rmi", old, check=False)


def version() -> str:
    described = subprocess.run(["git", "-C", str(ROOT), "describe", "--tags", "--always", "--dirty"],
                               capture_output=True, text=True)
    return described.stdout.strip() or "unknown"


def self_signed_certificate(directory: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(directory / "privkey.pem"),
                    "-out", str(directory / "fullchain.pem")], check=True, capture_output=True)
    (directory / "privkey.pem").chmod(0o644)  # read by nginx's master inside the container


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    for tool in ("podman", "mmdebstrap", "openssl"):
        if not shutil.which(tool):
            service_unavailable(f"{tool} is not installed (apt-get install podman runc mmdebstrap)")
    if not (BIN / "podman-compose").exists():
        service_unavailable("podman-compose is not installed (pip install -r requirements-dev.txt)")
    directory = tmp_path_factory.mktemp("containers")
    (directory / "containers.conf").write_text(CONTAINERS_CONF)
    tls = directory / "tls"
    tls.mkdir()
    self_signed_certificate(tls)
    certificate = str(tls / "fullchain.pem")
    https_port, http_port = free_port(), free_port()
    public_url = f"https://localhost:{https_port}"
    env_file = directory / "env"
    # What an operator writes from .env.example: trust-holes' start-up refusals want both a real
    # SECRET_KEY and a PUBLIC_URL of our own.
    env_file.write_text("\n".join([
        f"SECRET_KEY={secrets.token_hex(32)}",
        f"PUBLIC_URL={public_url}",
        "SESSION_COOKIE_SECURE=1",
        "DEMO_MODE=0",
    ]) + "\n")
    env = {
        **os.environ,
        "CONTAINERS_CONF": str(directory / "containers.conf"),
        # compose.yaml's ${...}: the secrets, images, ports and files of this run
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "REDIS_PASSWORD": secrets.token_hex(16),
        "ENV_FILE": str(env_file),
        "TLS_DIR": str(tls),
        "HTTPS_PORT": str(https_port),
        "HTTP_PORT": str(http_port),
        "KOMMUNALNETZ_IMAGE": APP_IMAGE,
        **{variable: f"localhost/kommunalnetz-{name}:bookworm" for variable, name in SERVICE_IMAGES.items()},
    }
    podman = Podman(env)
    started = time.monotonic()
    build_images(podman)
    podman.compose("down", "--volumes", timeout=120)  # what an aborted run may have left
    try:
        # The order that Docker Compose derives from the depends_on conditions, step by step: podman 4.3
        # cannot wait for `service_healthy`, and starting a container whose dependency has dependencies
        # of its own fails there ("not found in input list"), so every step is `--no-deps`.
        with timed("stack up"):
            up = ("up", "--detach", "--no-deps", "--no-recreate")
            podman.compose(*up, "db", "redis")
            podman.wait_until("db", "pg_isready", "-h", "127.0.0.1", "-U", "kommunalnetz", "-d", "kommunalnetz")
            podman.wait_until("redis", "sh", "-c", "redis-cli ping | grep -q PONG")
            podman.compose(*up, "migrate")
            exit_code = podman.run("podman", "wait", podman.container("migrate"), timeout=300).stdout.strip()
            assert exit_code == "0", f"migrate exited {exit_code}:\n{podman.logs('migrate')}"
            podman.compose(*up, "web1", "web2", "consumer")
            ready = readiness_path(podman)
            for web in ("web1", "web2"):
                podman.wait_until(web, "kommunalnetz-healthcheck", ready, timeout=120)
            podman.compose(*up, "nginx")
            wait_for_nginx(public_url, ready, certificate)
        with timed("seed through the CLI"):
            podman.wait_until("web1", "python3", "-c", "import socket; socket.getaddrinfo('db', 5432)", timeout=30)
            podman.run("podman", "cp", str(ORGANISATIONS_CSV), f"{podman.container('web1')}:/tmp/organisations.csv")
            podman.exec("web1", "flask", "import-organisations", "/tmp/organisations.csv")
            podman.exec("web1", "flask", "rooms", "ensure-topics")
            for email in (ALICE, BOB):
                podman.exec("web1", "flask", "users", "create", "--email", email, "--password", PASSWORD,
                            "--org-id", "1")
        yield {"podman": podman, "url": public_url, "certificate": certificate, "ready": ready,
               "http_url": f"http://localhost:{http_port}"}
    finally:
        with timed("stack down"):
            podman.compose("down", "--volumes", timeout=300)
        timings["whole container job"] = time.monotonic() - started
        print("\nContainer job timings:")
        for name, seconds in timings.items():
            print(f"  {name}: {seconds:.1f} s")


def readiness_path(podman: Podman) -> str:
    """/readyz, the compose health check's; /healthz where the application predates /readyz (ops' branch)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = podman.exec("web1", "kommunalnetz-healthcheck", "/readyz", check=False).stdout
        if "/readyz: 404" in answer:
            warnings.warn("this application has no /readyz yet: waiting for /healthz instead")
            return "/healthz"
        if answer == "" or "/readyz: 503" in answer:
            return "/readyz"
        time.sleep(1)
    return "/readyz"


def wait_for_nginx(url: str, path: str, certificate: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url + path, verify=certificate, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"nginx never answered 200 on {path}"
        time.sleep(1)


def browser(stack) -> requests.Session:
    session = requests.Session()
    session.verify = stack["certificate"]  # the test's self-signed one
    session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides `verify`
    return session


def served_by(stack, session: requests.Session) -> str:
    """Which web process nginx sends this browser to: a request for a marked path (answered 404), looked up
    in both processes' logs (gunicorn's access log, or the application's own request log)."""
    marker = uuid.uuid4().hex
    assert session.get(f"{stack['url']}/container-probe-{marker}", timeout=10).status_code == 404
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [web for web in ("web1", "web2") if marker in stack["podman"].logs(web)]
        if found:
            assert len(found) == 1, found
            return found[0]
        time.sleep(0.5)
    raise AssertionError("neither web process logged the request")


def log_in(stack, session: requests.Session, email: str) -> None:
    form = session.get(f"{stack['url']}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = session.post(f"{stack['url']}/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                          headers={"Referer": f"{stack['url']}/login"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:2000]
    assert session.get(f"{stack['url']}/login", allow_redirects=False, timeout=10).status_code == 302  # signed in


class BrowserRoomClient(RoomClient):
    """A RoomClient signed in by the browser's cookies (session and route) instead of an API token."""

    def __init__(self, url: str, session: requests.Session):
        self.session = session
        super().__init__(url, token="")

    def _client(self) -> socketio.Client:
        sio = socketio.Client(reconnection=False, ssl_verify=False)  # the test's self-signed certificate
        sio.on("message", self._on_message)
        sio.on("presence", self._on_presence)
        return sio

    def connect(self, url: str | None = None) -> "BrowserRoomClient":
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)
        self.sio.connect(url or self.url, headers={"Cookie": cookies}, transports=["websocket"], wait_timeout=WAIT)
        return self


def test_two_people_on_different_web_processes_talk_through_nginx(stack):
    alice = browser(stack)
    alice_process = served_by(stack, alice)  # nginx gave her a route cookie with the first answer
    assert "route" in alice.cookies
    bob = browser(stack)
    for _ in range(50):  # a route that nginx sends to the other process
        bob.cookies.set("route", uuid.uuid4().hex)
        if served_by(stack, bob) != alice_process:
            break
    bob_process = served_by(stack, bob)
    assert bob_process != alice_process

    log_in(stack, alice, ALICE)
    log_in(stack, bob, BOB)
    # The route does not follow the login cookie: signing in keeps each on the process that served them.
    assert (served_by(stack, alice), served_by(stack, bob)) == (alice_process, bob_process)

    alice_socket = BrowserRoomClient(stack["url"], alice).connect()
    bob_socket = BrowserRoomClient(stack["url"], bob).connect()
    try:
        alice_socket.join(ROOM)
        bob_socket.join(ROOM)
        to_bob = alice_socket.send(ROOM, f"Von {alice_process} an {bob_process}")
        to_alice = bob_socket.send(ROOM, f"Von {bob_process} an {alice_process}")
        assert to_bob.get("ok", True) and "id" in to_bob, to_bob
        assert bob_socket.wait_for([to_bob["id"]]), f"{bob_process} never delivered Alice's message"
        assert alice_socket.wait_for([to_alice["id"]]), f"{alice_process} never delivered Bob's message"
    finally:
        alice_socket.disconnect()
        bob_socket.disconnect()


def test_nginx_serves_static_files_compressed_and_versioned_ones_cached_for_a_year(stack):
    kern = (ROOT / "static" / "vendor" / "kern" / "kern.min.css").read_bytes()
    url = f"{stack['url']}/static/vendor/kern/kern.min.css"
    session = browser(stack)

    # as the pages link it: with the hash of its content
    answer = session.get(f"{url}?v={hashlib.sha256(kern).hexdigest()[:12]}", headers={"Accept-Encoding": "gzip"},
                         timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    # the file nginx serves from its volume is the one in the image (copied there by the migrate service)
    assert answer.content == kern
    assert session.get(url, timeout=10).headers["Cache-Control"] == "public, max-age=3600"


def test_pages_carry_hsts_and_plain_http_is_redirected(stack):
    page = browser(stack).get(stack["url"] + "/", timeout=10)
    assert page.status_code == 200
    assert "includeSubDomains" in page.headers["Strict-Transport-Security"]
    assert page.headers.get("Content-Encoding") == "gzip"  # the HTML too
    redirect = requests.get(stack["http_url"] + "/login", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301
    assert redirect.headers["Location"].startswith("https://localhost")


def test_the_health_check_runs_in_the_image_and_the_processes_run_as_their_own_user(stack):
    podman = stack["podman"]
    assert podman.exec("web1", "kommunalnetz-healthcheck", stack["ready"]).returncode == 0
    for service in ("web1", "web2", "consumer"):
        assert podman.exec(service, "id", "-u").stdout.strip() == "10001"
        assert podman.run("podman", "inspect", "--format", "{{.State.Running}}",
                          podman.container(service)).stdout.strip() == "true", podman.logs(service)
    assert podman.exec("web1", "cat", "VERSION").stdout.strip() == version()
