"""The legal and trust pages: Impressum, accessibility statement (BITV 2.0), privacy (DSGVO Art. 13),
filled from the operator's configuration, in German and English, linked in every footer."""
import re
from pathlib import Path

import pytest

from community import create_app
from community.legal import services
from tests.conftest import config_with
from tests.e2e import test_accessibility_browser as axe_check
from tests.factories import make_org, make_user, sign_in

PAGES = ("/impressum", "/barrierefreiheit", "/privacy")


def _german(client):
    client.post("/language/de")


@pytest.mark.parametrize("path", PAGES)
def test_every_legal_page_is_public_in_both_languages_and_marks_demo_facts(client, path):
    english = client.get(path)
    assert english.status_code == 200
    assert "invented for the demo" in english.get_data(as_text=True)
    _german(client)
    german = client.get(path).get_data(as_text=True)
    assert 'lang="de"' in german and "Kompetenzzentrum Digitalisierung (Demo)" in german


def test_the_footer_links_all_three_pages(client):
    page = client.get("/login").get_data(as_text=True)
    for path in PAGES:
        assert f'href="{path}"' in page


def test_impressum_names_the_configured_operator():
    app = create_app(config_with(OPERATOR_NAME="Landkreis Musterland", OPERATOR_ADDRESS="Amtsweg 3|99999 Musterhausen",
                                 OPERATOR_EMAIL="it@musterland.example", OPERATOR_REPRESENTATIVE="Landrätin A. B."))
    client = app.test_client()
    _german(client)
    page = client.get("/impressum").get_data(as_text=True)
    assert "Landkreis Musterland" in page and "Amtsweg 3<br>99999 Musterhausen" in page
    assert 'href="mailto:it@musterland.example"' in page and "Landrätin A. B." in page
    assert "Angaben gemäß § 5 DDG" in page and "Demo" not in page.split("<main", 1)[1].split("</main>")[0]


def test_privacy_names_controller_purposes_legal_bases_retention_recipients_rights_and_authority(client):
    _german(client)
    page = client.get("/privacy").get_data(as_text=True)
    for heading in ("Verantwortlicher", "Zwecke, Rechtsgrundlagen und Speicherdauer", "Empfänger", "Ihre Rechte",
                    "Beschwerde bei der Aufsichtsbehörde"):
        assert f">{heading}</h2>" in page
    for basis in ("Art. 6 Abs. 1 lit. b", "Art. 6 Abs. 1 lit. c", "Art. 6 Abs. 1 lit. f", "Art. 6 Abs. 1 lit. e"):
        assert basis in page
    assert "<caption" in page and '<th scope="col">Speicherdauer</th>' in page
    assert "Graurheindorfer Straße 153" in page  # the BfDI, unless the operator names its own authority


def test_accessibility_statement_has_status_checks_limitations_contact_and_conciliation(client):
    _german(client)
    page = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "teilweise vereinbar" in page and "axe-core 4.10.3" in page and "<code>wcag21aa</code>" in page
    assert "Nicht barrierefreie Inhalte" in page and "Leichter Sprache" in page
    assert 'href="mailto:barrierefreiheit@kommunalnetz.example"' in page
    assert "Schlichtungsstelle nach § 16 BGG" in page and "<code>/barrierefreiheit</code>" in page


def test_the_statement_describes_the_check_that_really_runs():
    """The statement lists what tests/e2e/test_accessibility_browser.py checks, not a wish."""
    assert services.AXE_PAGE_GROUPS["public"] == axe_check.PUBLIC_PAGES
    assert services.AXE_PAGE_GROUPS["member"] == axe_check.MEMBER_PAGES
    assert services.AXE_PAGE_GROUPS["moderator"] == axe_check.MODERATOR_PAGES
    assert set(services.AXE_BLOCKING) == axe_check.BLOCKING
    assert (axe_check.PHONE["width"], axe_check.PHONE["height"]) in services.AXE_VIEWPORTS
    source = Path(axe_check.__file__).read_text()
    assert all(f"'{tag}'" in source for tag in services.AXE_TAGS)
    version = re.search(r"axe v([\d.]+)", axe_check.AXE_SOURCE[:200]).group(1)
    assert version == services.AXE_VERSION


def test_an_operator_text_replaces_a_page_body_and_is_sanitised(tmp_path):
    (tmp_path / "impressum.de.md").write_text("## Eigene Angaben\n\nStadt X <script>alert(1)</script>", encoding="utf-8")
    app = create_app(config_with(LEGAL_TEXTS_DIR=str(tmp_path), OPERATOR_NAME="Stadt X"))
    client = app.test_client()
    _german(client)
    page = client.get("/impressum").get_data(as_text=True)
    assert "<h2>Eigene Angaben</h2>" in page and "<script>alert" not in page
    assert "Angaben gemäß § 5 DDG" not in page
    client.post("/language/en")
    assert "Information pursuant to § 5 DDG" in client.get("/impressum").get_data(as_text=True)


def test_suspended_users_still_reach_the_legal_pages(client):
    from community.extensions import db
    from community.models_base import utcnow
    from community.moderation.models import Sanction
    from datetime import timedelta

    user = make_user(make_org())
    db.session.add(Sanction(user_id=user.id, kind="suspend", reason="Spam", ends_at=utcnow() + timedelta(days=3)))
    db.session.commit()
    sign_in(client, user)
    for path in PAGES:
        assert client.get(path).status_code == 200
