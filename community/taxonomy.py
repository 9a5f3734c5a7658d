"""The shared vocabularies: topics, organisation kinds, Länder, population classes.

One source of truth: models, forms, the API, the importer, the demo data and the
matching records all import from here. Slugs are stable identifiers stored in the
database and used in URLs and the API; labels are translated for display.
"""
from dataclasses import dataclass

from community.i18n import lazy_plain as _l


@dataclass(frozen=True)
class Choice:
    slug: str
    label: object  # a lazy string, translated when rendered

    def __str__(self) -> str:
        return str(self.label)


def _index(choices: tuple[Choice, ...]) -> dict[str, Choice]:
    return {choice.slug: choice for choice in choices}


TOPICS = (
    Choice("ozg", _l("Citizen services / OZG")),
    Choice("eakte", _l("E-files & internal processes")),
    Choice("organisation", _l("Organisation & staff")),
    Choice("infrastruktur", _l("IT infrastructure & broadband")),
    Choice("sicherheit", _l("IT security")),
    Choice("daten", _l("Data & smart city")),
    Choice("energie", _l("Energy & climate")),
    Choice("mobilitaet", _l("Mobility")),
    Choice("bildung", _l("Education & schools")),
    Choice("soziales", _l("Health & social affairs")),
    Choice("finanzen", _l("Procurement & finance")),
)
TOPIC_BY_SLUG = _index(TOPICS)

# Organisation kinds and, per kind, the finer type an organisation declares.
MUNICIPALITY = "municipality"
STATE = "state"
FEDERAL = "federal"
COMPANY = "company"
ORG_KINDS = (
    Choice(MUNICIPALITY, _l("Municipality")),
    Choice(STATE, _l("State body")),
    Choice(FEDERAL, _l("Federal body")),
    Choice(COMPANY, _l("Company")),
)
ORG_KIND_BY_SLUG = _index(ORG_KINDS)
PUBLIC_BODY_KINDS = frozenset({MUNICIPALITY, STATE, FEDERAL})

# Municipality types, derived from the official register (community/organisations/register.py); the
# Digital-Check compares peers by them.
GEMEINDE, STADT, KREISFREIE_STADT, VERBANDSGEMEINDE, LANDKREIS = (
    "gemeinde", "stadt", "kreisfreie_stadt", "verbandsgemeinde", "landkreis")
ORG_TYPES = {
    MUNICIPALITY: (
        Choice(GEMEINDE, _l("Municipality (Gemeinde)")),
        Choice(STADT, _l("Town or city")),
        Choice(KREISFREIE_STADT, _l("District-free city")),
        Choice(VERBANDSGEMEINDE, _l("Association of municipalities (Verbandsgemeinde/Amt)")),
        Choice(LANDKREIS, _l("District (Landkreis)")),
    ),
    STATE: (
        Choice("ministerium", _l("Ministry")),
        Choice("behoerde", _l("Agency")),
        Choice("foerderprogramm", _l("Funding programme")),
    ),
    FEDERAL: (
        Choice("ministerium", _l("Ministry")),
        Choice("behoerde", _l("Agency")),
        Choice("foerderprogramm", _l("Funding programme")),
    ),
    COMPANY: (
        Choice("hersteller", _l("Vendor")),
        Choice("beratung", _l("Consultancy")),
        Choice("it_dienstleister", _l("Municipal IT service provider")),
    ),
}
ORG_TYPE_SLUGS = {kind: {choice.slug for choice in types} for kind, types in ORG_TYPES.items()}


def org_type_label(kind: str, slug: str | None):
    for choice in ORG_TYPES.get(kind, ()):
        if choice.slug == slug:
            return choice.label
    return ""


# Keyed by the two-digit official state key (Länderschlüssel); named in the reader's language (#24: German
# names in German, English names in English), never stored by name.
LAENDER = (
    Choice("01", _l("Schleswig-Holstein")),
    Choice("02", _l("Hamburg")),
    Choice("03", _l("Lower Saxony")),
    Choice("04", _l("Bremen")),
    Choice("05", _l("North Rhine-Westphalia")),
    Choice("06", _l("Hesse")),
    Choice("07", _l("Rhineland-Palatinate")),
    Choice("08", _l("Baden-Württemberg")),
    Choice("09", _l("Bavaria")),
    Choice("10", _l("Saarland")),
    Choice("11", _l("Berlin")),
    Choice("12", _l("Brandenburg")),
    Choice("13", _l("Mecklenburg-Western Pomerania")),
    Choice("14", _l("Saxony")),
    Choice("15", _l("Saxony-Anhalt")),
    Choice("16", _l("Thuringia")),
)
LAND_BY_SLUG = _index(LAENDER)

POPULATION_CLASSES = (
    Choice("lt5k", _l("under 5,000")),
    Choice("5k-20k", _l("5,000 to 20,000")),
    Choice("20k-100k", _l("20,000 to 100,000")),
    Choice("100k-500k", _l("100,000 to 500,000")),
    Choice("gt500k", _l("over 500,000")),
)
POPULATION_CLASS_BY_SLUG = _index(POPULATION_CLASSES)
# Upper bounds (exclusive) of the classes above; the last class has none.
POPULATION_CLASS_BOUNDS = (5_000, 20_000, 100_000, 500_000)


def population_class_of(population: int | None) -> str | None:
    """The class of a real population figure (the register's); None where there is no figure."""
    if population is None:
        return None
    for bound, choice in zip(POPULATION_CLASS_BOUNDS, POPULATION_CLASSES):
        if population < bound:
            return choice.slug
    return POPULATION_CLASSES[-1].slug


URGENCIES = (
    Choice("low", _l("low")),
    Choice("medium", _l("medium")),
    Choice("high", _l("high")),
)
URGENCY_BY_SLUG = _index(URGENCIES)

NEED_STATUSES = (Choice("open", _l("open")), Choice("solved", _l("solved")))
NEED_STATUS_BY_SLUG = _index(NEED_STATUSES)

OFFER_KINDS = (
    Choice("product", _l("Product")),
    Choice("service", _l("Service")),
    Choice("programme", _l("Funding programme")),
    Choice("experience", _l("Experience / project to share")),
)
OFFER_KIND_BY_SLUG = _index(OFFER_KINDS)
PROGRAMME = "programme"
# Funding programmes belong to public funders: the Länder, the Bund and their bodies (the competence centre is
# a state body); companies and municipalities offer products, services and experience, not programmes (#24).
FUNDER_KINDS = frozenset({STATE, FEDERAL})

VISIBILITIES = (
    Choice("public", _l("public")),
    Choice("members", _l("members only")),
)
VISIBILITY_BY_SLUG = _index(VISIBILITIES)

# Needs and offers may also be kept inside the organisation: its members and, where it shares with the
# competence centre, the centre's consultants (community/profiles/visibility.py). A need can reveal a
# weakness (no backup, no security officer) that organisation descriptions and contacts never do.
ENTRY_VISIBILITIES = (
    *VISIBILITIES,
    Choice("organisation", _l("my organisation only")),
)
ENTRY_VISIBILITY_BY_SLUG = _index(ENTRY_VISIBILITIES)

# Platform roles (User.role) and the organisation-relative org_admin flag. A consultant works for the
# competence centre that runs the platform (consultations, reviews of good examples, insights).
ROLES = ("member", "org_admin", "consultant", "moderator", "admin")
