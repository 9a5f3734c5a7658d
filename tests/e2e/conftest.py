"""Browser tests: Playwright drives Debian's Chromium against a live server on loopback.

Every page is watched: a request to any host other than the live server fails the test,
because pages must load nothing from third parties.
"""
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import service_unavailable
from tests.live_server import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e as e2e, so `pytest -m e2e` selects them (and `-m "not e2e"`
    leaves them out). A conftest's own `pytestmark` would not reach the test modules."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        service_unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("live")
    server = LiveServer(f"sqlite:///{directory / 'e2e.sqlite'}", directory)
    server.flask("db", "upgrade")
    server.flask("seed-demo", "--accounts-file", str(directory / "demo-accounts.txt"))
    server.start()
    yield server
    server.stop()


class ForeignRequests(list):
    """Requests a page made to hosts other than the live server."""


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    foreign = ForeignRequests()
    own_host = urlsplit(live_server.url).netloc

    def watch(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own_host:
            foreign.append(request.url)

    context.on("request", watch)
    context.foreign_requests = foreign
    yield context
    context.close()
    assert not foreign, f"pages requested other hosts: {foreign}"


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
