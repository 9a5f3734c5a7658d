"""schemathesis against the live API: the OpenAPI document and the behaviour agree.

A bounded run (MAX_EXAMPLES per operation, a fixed seed) of every phase (examples, coverage, fuzzing,
stateful) and every check against the real server with a personal API token: no server error, every
status code, content type and response body as documented, schema-violating input refused, documented
input accepted (with the exceptions in tests/schemathesis.toml, each with its reason), and undeclared
methods answered 405 with `Allow`. It runs in `make test`: about a minute on two idle cores (the whole run is bounded by MAX_EXAMPLES).
"""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import LiveServer
from tests.scaleout import seed

pytestmark = pytest.mark.services

BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 5
SEED = 1
MEMBER = "member@schemathesis.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("schemathesis")
    live = LiveServer(f"sqlite:///{directory / 'live.sqlite'}", directory)
    live.tokens = seed(live, MEMBER)
    live.start()
    yield live
    live.stop()


def test_the_api_does_what_its_document_says(server, tmp_path):
    run = subprocess.run(
        [str(BIN / "st"), "--config-file", str(CONFIG), "run", f"{server.url}/api/v1/openapi.json",
         "--header", f"Authorization: Bearer {server.tokens[MEMBER]}",
         # Every check is on by default; --checks on the command line would override tests/schemathesis.toml.
         "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
         "--generation-database", "none", "--workers", "1", "--no-color",
         "--report", "junit", "--report-dir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    summary = run.stdout[run.stdout.rfind("SUMMARY"):] if "SUMMARY" in run.stdout else run.stdout[-3000:]
    assert run.returncode == 0, f"{run.stdout[-20000:]}\n{run.stderr[-3000:]}\nserver log:\n" + \
        server.log_path.read_text()[-5000:]
    assert "Tested: " in summary and "generated" in summary, summary
