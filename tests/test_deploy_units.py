"""The deployment files: the systemd units for VMs (deploy/systemd/), each hardened as docs/deploy.md
promises and accepted by `systemd-analyze verify` in a scratch root that holds the paths they name
(warnings count as failures), and the nginx example, accepted by `nginx -t`."""
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import service_unavailable

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
NAMES = ("kommunalnetz-migrate.service", "kommunalnetz-web@.service", "kommunalnetz-jobs.service")
SYSTEM_UNITS = next((path for path in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
                     if path.is_dir()), None)


def directives(name: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    text = (UNITS / name).read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


@pytest.mark.parametrize("name", NAMES)
def test_each_unit_runs_hardened_as_its_own_user(name):
    unit = directives(name)
    service = unit["Service"]
    assert service["User"] == [name.split(".")[0].rstrip("@")]  # kommunalnetz-web, -jobs, -migrate
    assert service["EnvironmentFile"] == ["/etc/kommunalnetz/env"]
    assert service["ProtectSystem"] == ["strict"] and service["NoNewPrivileges"] == ["yes"]
    assert service["ReadWritePaths"] == ["/srv/kommunalnetz/instance"]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_migrations_run_once_before_the_web_and_job_processes():
    assert directives("kommunalnetz-migrate.service")["Service"]["Type"] == ["oneshot"]
    for name in ("kommunalnetz-web@.service", "kommunalnetz-jobs.service"):
        unit = directives(name)["Unit"]
        assert "kommunalnetz-migrate.service" in unit["Requires"][0].split()
        assert "kommunalnetz-migrate.service" in unit["After"][0].split()


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None or SYSTEM_UNITS is None:
        service_unavailable("systemd-analyze is not installed")
    root = tmp_path / "root"
    # sysinit.target and friends, copied: their symlinks point at absolute paths outside the root
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", ignore_dangling_symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    for name in NAMES:
        shutil.copy(UNITS / name, root / "etc/systemd/system" / name)
    (root / "etc/kommunalnetz").mkdir()
    (root / "etc/kommunalnetz/env").write_text("SECRET_KEY=x\n")
    (root / "srv/kommunalnetz/instance").mkdir(parents=True)
    (root / "srv/kommunalnetz/.venv/bin").mkdir(parents=True)
    for program in ("flask", "gunicorn"):
        executable = root / "srv/kommunalnetz/.venv/bin" / program
        executable.write_text("#!/bin/sh\n")
        executable.chmod(0o755)
    result = subprocess.run([analyze, "verify", "--man=no", f"--root={root}", "kommunalnetz-migrate.service",
                             "kommunalnetz-web@8001.service", "kommunalnetz-jobs.service"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_nginx_example_is_accepted_by_nginx(tmp_path):
    """deploy/nginx/kommunalnetz.conf as written (certificate paths aside) passes `nginx -t`."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None or shutil.which("openssl") is None:
        service_unavailable("nginx or openssl is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=kommunalnetz.example", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True, timeout=60)
    site = (UNITS.parent / "nginx" / "kommunalnetz.conf").read_text().replace("/etc/ssl/kommunalnetz", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr
