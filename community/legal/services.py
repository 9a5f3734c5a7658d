"""What the legal pages say: the operator's facts from the configuration (or invented demo facts,
marked as such), an operator's own Markdown text for a page, and the facts of the accessibility check.

The texts themselves are whole documents per language (templates/legal/<page>.<locale>.html), as
lawyers write and review them, not sentence by sentence through the message catalogue.
"""
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from community.rendering import render_markdown

PAGES = ("impressum", "barrierefreiheit", "privacy")

# Invented facts, shown until the operator configures its own: clearly a demo, never a real body.
DEMO_FACTS = {
    "name": "Kompetenzzentrum Digitalisierung (Demo)",
    "address": ("Musterstraße 1", "12345 Musterstadt"),
    "email": "kontakt@kommunalnetz.example",
    "phone": "+49 30 1234567-0",
    "representative": "Erika Mustermann (Leitung)",
    "content_responsible": "Max Mustermann, Musterstraße 1, 12345 Musterstadt",
    "vat_id": "",
    "register": "",
    "privacy_officer": ("Datenschutzbeauftragte des Kompetenzzentrums (Demo)", "Musterstraße 1",
                        "12345 Musterstadt", "datenschutz@kommunalnetz.example"),
    "supervisory_authority": ("Die oder der Bundesbeauftragte für den Datenschutz und die "
                              "Informationsfreiheit (BfDI)", "Graurheindorfer Straße 153", "53117 Bonn",
                              "https://www.bfdi.bund.de"),
    "accessibility_contact": ("barrierefreiheit@kommunalnetz.example", "+49 30 1234567-0"),
    "accessibility_enforcement": ("Schlichtungsstelle nach § 16 BGG beim Beauftragten der Bundesregierung "
                                  "für die Belange von Menschen mit Behinderungen", "Mauerstraße 53",
                                  "10117 Berlin", "info@schlichtungsstelle-bgg.de",
                                  "https://www.schlichtungsstelle-bgg.de"),
}

_CONFIG_KEYS = {
    "name": "OPERATOR_NAME", "address": "OPERATOR_ADDRESS", "email": "OPERATOR_EMAIL",
    "phone": "OPERATOR_PHONE", "representative": "OPERATOR_REPRESENTATIVE",
    "content_responsible": "OPERATOR_CONTENT_RESPONSIBLE", "vat_id": "OPERATOR_VAT_ID",
    "register": "OPERATOR_REGISTER", "privacy_officer": "PRIVACY_OFFICER",
    "supervisory_authority": "SUPERVISORY_AUTHORITY", "accessibility_contact": "ACCESSIBILITY_CONTACT",
    "accessibility_enforcement": "ACCESSIBILITY_ENFORCEMENT",
}
_LINES = {"address", "privacy_officer", "supervisory_authority", "accessibility_contact",
          "accessibility_enforcement"}


@dataclass(frozen=True)
class Operator:
    """Who runs this Kommunalnetz; `demo` is true while the operator has not named itself."""

    name: str
    address: tuple[str, ...]
    email: str
    phone: str
    representative: str
    content_responsible: str
    vat_id: str
    register: str
    privacy_officer: tuple[str, ...]
    supervisory_authority: tuple[str, ...]
    accessibility_contact: tuple[str, ...]
    accessibility_enforcement: tuple[str, ...]
    demo: bool


def _lines(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def operator(config) -> Operator:
    """The operator's facts: each configured value, or, while no OPERATOR_NAME is set, the demo's."""
    demo = not (config.get("OPERATOR_NAME") or "").strip()
    facts = {}
    for field, key in _CONFIG_KEYS.items():
        raw = (config.get(key) or "").strip()
        if raw:
            facts[field] = _lines(raw) if field in _LINES else raw
        elif demo or field in {"supervisory_authority", "accessibility_enforcement"}:
            # The federal Schlichtungsstelle and the BfDI are real and right for federal bodies;
            # a Land's operator names its own.
            facts[field] = DEMO_FACTS[field]
        else:
            facts[field] = () if field in _LINES else ""
    if not facts["accessibility_contact"]:
        facts["accessibility_contact"] = tuple(value for value in (facts["email"], facts["phone"]) if value)
    return Operator(demo=demo, **facts)


def override(config, page: str, locale: str) -> Markup | None:
    """The operator's own text for the page (LEGAL_TEXTS_DIR/<page>.<locale>.md) as safe HTML, if any."""
    if page not in PAGES or locale not in config.get("LANGUAGES", ()):
        return None
    path = Path(config.get("LEGAL_TEXTS_DIR") or "") / f"{page}.{locale}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return Markup(render_markdown(text))


# How the pages are checked: tests/e2e/test_accessibility_browser.py takes its page lists from here, and
# tests/test_legal.py keeps the other figures equal to what the check really does.
AXE_VERSION = "4.10.3"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_BLOCKING = ("serious", "critical")
AXE_VIEWPORTS = ((1280, 720), (375, 740))
AXE_PAGE_GROUPS = {
    "public": ("/", "/login", "/register", "/reset-password", "/privacy", "/impressum", "/barrierefreiheit",
               "/organisations", "/organisations/1", "/forums/", "/search?q=E-Akte",
               "/search?q=Software&kind=offer&land=09", "/organisations?kind=company&land=09",
               "/register/find?q=Gemeinde", "/register/join/1", "/examples/", "/examples/?topic=ozg&q=Bauantrag",
               "/examples/1", "/events/"),
    "member": ("/suggestions", "/contacts", "/contacts/new?to=1", "/rooms", "/notifications", "/account/",
               "/account/sanctions", "/join-requests/mine", "/", "/examples/new", "/examples/2"),
    # "/" as a moderator: the start page with the moderators' queues (#26)
    "moderator": ("/", "/moderation/queue", "/moderation/log", "/examples/review"),
}
