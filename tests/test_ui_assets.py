"""Every page loads its stylesheets and scripts from our own /static/, and none loads Bootstrap.

Pages are on KERN (docs/ui.md); a page that links a CDN, another host or a leftover Bootstrap file
fails here without a browser.
"""
import re

import pytest

from tests.factories import login, make_need, make_org, make_user

ASSET = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]*)"')


def assets(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return ASSET.findall(response.get_data(as_text=True))


def assert_own_and_kern(path: str, found: list[str]) -> None:
    assert found, f"{path}: no stylesheet at all"
    found = [url.partition("?")[0] for url in found]  # static URLs carry a version (?v=<content hash>)
    for url in found:
        assert url.startswith("/static/"), f"{path} links {url}"
        assert "bootstrap" not in url.lower(), f"{path} links {url}"
    assert "/static/vendor/kern/kern.min.css" in found, path


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/reset-password", "/privacy", "/organisations",
                                  "/forums/", "/search?q=Akte", "/does-not-exist"])
def test_public_pages_link_only_our_own_assets(client, path):
    response = client.get(path)
    assert_own_and_kern(path, ASSET.findall(response.get_data(as_text=True)))


def test_member_pages_link_only_our_own_assets(client):
    org = make_org(name="Gemeinde Eigen")
    need = make_need(org, title="E-Akte")
    login(client, make_user(org, is_org_admin=True))
    for path in ("/suggestions", "/contacts", "/rooms", "/notifications", "/account/", f"/organisations/{org.id}",
                 f"/organisations/{org.id}/edit", f"/organisations/{org.id}/members", f"/needs/{need.id}",
                 f"/organisations/{org.id}/needs/new"):
        assert_own_and_kern(path, assets(client, path))


def test_no_page_uses_bootstrap_classes(client):
    org = make_org()
    login(client, make_user(org, is_org_admin=True))
    for path in ("/", "/organisations", f"/organisations/{org.id}", "/account/"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r'class="[^"]*\b(?:btn-primary|form-control|navbar|text-bg-\w+)\b', page), path


def test_kopfzeile_only_when_a_public_body_runs_the_site(app, client):
    """KERN's Kopfzeile says "official website"; a private operator must not claim it."""
    assert app.config["OPERATOR_IS_PUBLIC_BODY"] is False
    page = client.get("/").get_data(as_text=True)
    assert "kern-kopfzeile" not in page
    assert "Official website" not in page

    app.config.update(OPERATOR_IS_PUBLIC_BODY=True, OPERATOR_NAME="Land Musterland")
    for path in ("/", "/login", "/organisations"):
        page = client.get(path).get_data(as_text=True)
        assert 'class="kern-kopfzeile"' in page, path
        assert "Official website – Land Musterland" in page, path

    app.config["OPERATOR_NAME"] = ""
    assert "Official website of a public body" in client.get("/").get_data(as_text=True)



BOOTSTRAP_CLASS = re.compile(
    r"^(?:btn(?:-[a-z-]+)?|form-(?:control|select|label|text|check(?:-[a-z]+)?)(?:-sm|-lg)?|list-group(?:-[a-z-]+)?"
    r"|d-(?:flex|none|block|inline(?:-block)?|grid)|(?:justify-content|align-items|align-self)-[a-z]+|g[xy]?-\d|gap-\d"
    r"|[mp][tbsexy]?-(?:\d|auto)|w-(?:auto|\d+)|text-(?:muted|bg-[a-z]+|body-secondary|end|center)|border-(?:bottom|top)"
    r"|card(?:-[a-z]+)?|navbar(?:-[a-z-]+)?|badge|alert(?:-[a-z]+)?|table(?:-[a-z]+)?|row|col(?:-[a-z]+)?(?:-\d+)?|container)$")


def test_no_template_keeps_bootstrap_class_names():
    """Classes left over from Bootstrap look like styling but do nothing on KERN (e.g. `btn btn-sm`)."""
    from pathlib import Path

    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "templates").rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for value in re.findall(r'class(?:_)?=["\']([^"\']*)["\']', line):
                value = re.sub(r"{{.*?}}|{%.*?%}", " ", value)
                found += [f"{path.name}:{lineno}: {token}" for token in value.split() if BOOTSTRAP_CLASS.match(token)]
    assert found == [], "\n".join(found)


def test_static_urls_carry_a_version_of_their_content(app, client):
    found = assets(client, "/login")
    kern = next(url for url in found if url.startswith("/static/vendor/kern/kern.min.css"))
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256((Path(app.static_folder) / "vendor/kern/kern.min.css").read_bytes()).hexdigest()[:12]
    assert kern == f"/static/vendor/kern/kern.min.css?v={digest}"
    assert client.get(kern).status_code == 200
