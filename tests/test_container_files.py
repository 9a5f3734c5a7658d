"""The container files agree with the rest of the project, without building anything (the stack itself
runs in tests/test_containers.py, `make test-containers`)."""
import re
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", re.MULTILINE)


def pins(text: str) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def test_the_lock_installs_exactly_the_pinned_runtime_versions():
    """requirements.lock is what the image installs: a pin changed in requirements.txt without `make lock`
    would ship the old version (or none)."""
    wanted = pins((ROOT / "requirements.txt").read_text())
    lock = (ROOT / "requirements.lock").read_text()
    locked = pins(lock)
    stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"run `make lock`: requirements.txt -> requirements.lock differ: {stale}"
    extra = set(locked) - set(wanted) - set(pins((ROOT / "deploy" / "container" / "requirements.in").read_text()))
    assert not extra, f"run `make lock`: the lock has packages requirements.txt no longer pins: {extra}"
    for entry in re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 1)[1]):
        assert "--hash=sha256:" in entry, entry


def test_compose_routes_to_every_web_service_and_publishes_only_nginx():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    webs = sorted(name for name, service in services.items()
                  if service.get("command") is None and "image" in service and "KOMMUNALNETZ" in service["image"])
    assert webs == ["web1", "web2"]
    upstream = re.findall(r"server (\w+):8000", (ROOT / "deploy" / "nginx" / "nginx.conf").read_text())
    assert sorted(upstream) == webs
    for name in webs:
        assert services[name]["healthcheck"]["test"] == ["CMD", "kommunalnetz-healthcheck", "/readyz"]
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    assert services["redis"]["command"][:3] == ["redis-server", "--appendonly", "yes"]


def test_the_image_runs_as_its_own_user_on_a_configurable_base():
    containerfile = (ROOT / "Containerfile").read_text()
    assert "ARG BASE_IMAGE=docker.io/library/python:3.11-slim" in containerfile
    assert "--require-hashes" in containerfile
    assert re.search(r"^USER \$\{UID\}", containerfile, re.MULTILINE)
    assert 'VOLUME ["/app/instance"]' in containerfile
