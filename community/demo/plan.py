"""The organisations of the demo world and their needs and offers, planned as plain records.

Each plan_* function is one section of the seeding (see seed.py): it appends DemoOrganisation
records to the world, drawing every choice from the world's seeded random source, so the same seed
gives the same organisations, needs and offers.
"""
import itertools
import random
import re
from dataclasses import dataclass, field

from community.demo import content, registers
from community.organisations import register
from community.taxonomy import COMPANY, FEDERAL, LAENDER, MUNICIPALITY, STATE

GEMEINDEN_SAMPLE = 480  # of ~11,800 Gemeinden and Gemeindeverbände: those with needs; the rest stay empty
GEMEINDEN_MIN_PER_LAND = 8
NEEDS_PER_MUNICIPALITY = {1: 4, 2: 4, 3: 2}  # number of needs: weight
EXPERIENCE_SHARE = 1 / 3
OFFERS_PER_COMPANY = (2, 5)
ONLINE_SERVICE_THEME = "ozg_online"
ONLINE_SERVICES_PER_PROVIDER = (1, 2)
PROGRAMMES_PER_LAND = (2, 3)
UNVERIFIED_MUNICIPALITY_SHARE = 0.02
# Primary topics that municipal IT service providers offer (not energy or mobility hardware).
IT_PROVIDER_FOCUS = ("ozg", "eakte", "organisation", "infrastruktur", "sicherheit", "daten", "bildung",
                     "soziales", "finanzen")

# Invented regional companies, so that a filter by Land and kind of company never shows an empty
# Land: (org_type, name pattern, description, focus topics). Only where no company of that type is
# in the Land already (the real IT service providers are all in NRW).
REGIONAL_COMPANIES = (
    ("hersteller", "Muster Software {land} GmbH",
     "Fachverfahren, Bürgerportal und E-Akte für Kommunen in {land}.", ("ozg", "eakte", "infrastruktur")),
    ("beratung", "Exempla Kommunalberatung {land}",
     "Beratung zu Digitalstrategie, Informationssicherheit und Fördermitteln in {land}.",
     ("organisation", "sicherheit", "finanzen")),
    ("it_dienstleister", "Beispiel Kommunal-IT {land}",
     "IT-Betrieb, Rechenzentrum und Fachverfahren für Städte, Gemeinden und Kreise in {land}.",
     IT_PROVIDER_FOCUS),
)
REGIONAL_OFFERS = (2, 3)

GEMEINDE_KIND_LABELS = {"gemeinde": "Gemeinde", "stadt": "Stadt", "verbandsgemeinde": "Gemeindeverband"}
GEMEINDE_TYPES = frozenset(GEMEINDE_KIND_LABELS)


@dataclass
class DemoOrganisation:
    record: dict  # importer record: organisation fields plus "needs" and "offers" lists
    verified: bool = True
    written: object = None  # the Organisation row, once written


@dataclass
class DemoWorld:
    seed: int
    rng: random.Random = field(init=False)
    writer: content.Writer = field(init=False)
    organisations: list[DemoOrganisation] = field(default_factory=list)
    needed_themes: set[str] = field(default_factory=set)  # keys of the themes some need is about
    password: str = ""  # of the demo accounts, set by seed.create_accounts
    accounts: list = field(default_factory=list)  # (DemoAccount, organisation name), likewise
    register_report: object = None  # of the official register's import, set by seed.write_register

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.writer = content.Writer(self.rng)

    def of(self, kind: str, org_type: str | None = None) -> list[DemoOrganisation]:
        return [org for org in self.organisations if org.record["kind"] == kind
                and (org_type is None or org.record.get("org_type") == org_type)]

    def count(self, what: str) -> int:
        """How many organisations of a kind, or "needs" or "offers", the world holds."""
        if what in ("needs", "offers"):
            return sum(len(org.record[what]) for org in self.organisations)
        return len(self.of(what))


def _record(kind: str, name: str, org_type: str, needs=(), offers=(), topics=(), **fields) -> dict:
    entry_topics = [topic for entry in (*needs, *offers) for topic in entry["topics"]]
    return {"kind": kind, "name": name, "org_type": org_type, **fields,
            "topics": list(dict.fromkeys([*topics, *entry_topics])),
            "needs": list(needs), "offers": list(offers)}


def _slug(name: str) -> str:
    name = re.sub(r"\b(GmbH|AG)\b", "", name)
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.lower().replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


def plan_state_bodies(world: DemoWorld) -> None:
    """All 16 Länder as state bodies offering funding programmes, plus a few state programmes."""
    rng, writer = world.rng, world.writer
    extra = content.organisations_file()
    with_programmes = [theme for theme in content.themes() if theme.programmes]
    for key, land_name in registers.laender().items():
        name = extra["land_body_names"].get(key, f"Land {land_name}")
        themes = rng.sample(with_programmes, rng.randint(*PROGRAMMES_PER_LAND))
        offers = [writer.programme(theme, name, key) for theme in themes]
        description = (f"Die Landesregierung {land_name} unterstützt Städte, Gemeinden und Kreise bei der "
                       "Digitalisierung der Verwaltung mit Förderprogrammen und Beratung.")
        world.organisations.append(DemoOrganisation(_record(
            STATE, name, "ministerium", offers=offers, official_key=key, land=key, description=description)))
    programmes = extra["state_programme"]
    unverified = rng.randrange(len(programmes))
    for index, programme in enumerate(programmes):
        offers = [writer.written_offer(offer, programme["land"]) for offer in programme["offers"]]
        world.organisations.append(DemoOrganisation(_record(
            STATE, programme["name"], "foerderprogramm", offers=offers, topics=programme["topics"],
            land=programme["land"], description=programme["description"],
        ), verified=index != unverified))


def plan_federal_bodies(world: DemoWorld) -> None:
    for body in content.organisations_file()["federal"]:
        offers = [world.writer.written_offer(offer, None) for offer in body["offers"]]
        world.organisations.append(DemoOrganisation(_record(
            FEDERAL, body["name"], body["org_type"], offers=offers, topics=body["topics"],
            website=body.get("website", ""), description=body["description"])))


def _sample_gemeinden(rng: random.Random) -> list[register.Entry]:
    """A deterministic sample across all Länder, roughly proportional to their number of Gemeinden."""
    by_land: dict[str, list[register.Entry]] = {}
    for entry in register.bundled().entries:
        if entry.org_type in GEMEINDE_TYPES:
            by_land.setdefault(entry.land, []).append(entry)
    total = sum(len(entries) for entries in by_land.values())
    sample = []
    for land in sorted(by_land):
        entries = by_land[land]
        quota = max(GEMEINDEN_MIN_PER_LAND, round(GEMEINDEN_SAMPLE * len(entries) / total))
        sample += rng.sample(entries, min(quota, len(entries)))
    return sample


def _inhabitants(population: int | None) -> str:
    if not population:
        return ""
    return f" {population:,} Einwohnerinnen und Einwohner (31.12.2024).".replace(",", ".")


def _description(entry: register.Entry) -> str:
    land = registers.laender()[entry.land]
    people = _inhabitants(entry.population)
    if entry.org_type == "kreisfreie_stadt":
        return f"Kreisfreie Stadt in {land}.{people}"
    if entry.org_type == "landkreis":
        return f"Kreis in {land}, Verwaltungssitz {entry.seat}.{people}"
    article = "in der" if entry.district.startswith(("Region ", "Städteregion ")) else "im"
    seat = f" Verwaltungssitz {entry.seat}." if entry.seat else ""
    return f"{GEMEINDE_KIND_LABELS[entry.org_type]} {article} {entry.district}, {land}.{seat}{people}"


def _municipality(world: DemoWorld, entry: register.Entry) -> DemoOrganisation:
    rng, writer = world.rng, world.writer
    suitable = [theme for theme in content.themes() if theme.suits(entry.org_type) and theme.needs]
    count = rng.choices(list(NEEDS_PER_MUNICIPALITY), weights=list(NEEDS_PER_MUNICIPALITY.values()))[0]
    need_themes = rng.sample(suitable, count)
    world.needed_themes.update(theme.key for theme in need_themes)
    needs = [writer.need(theme, entry.name, entry.land) for theme in need_themes]
    offers = []
    if rng.random() < EXPERIENCE_SHARE:
        sharable = [theme for theme in suitable if theme.experiences and theme not in need_themes]
        offers.append(writer.experience(rng.choice(sharable), entry.name, entry.land))
    record = _record(MUNICIPALITY, entry.name, entry.org_type, needs=needs, offers=offers,
                     official_key=entry.official_key, land=entry.land,
                     population_class=entry.population_class, description=_description(entry))
    return DemoOrganisation(record, verified=rng.random() >= UNVERIFIED_MUNICIPALITY_SHARE)


def plan_municipalities(world: DemoWorld) -> None:
    """Every Kreis and kreisfreie Stadt of the register and a sample of Gemeinden, each with 1-3 needs.

    The other municipalities of the register are written without needs (seed.write_register)."""
    kreise = [entry for entry in register.bundled().entries if entry.org_type not in GEMEINDE_TYPES]
    planned = [_municipality(world, entry) for entry in (*kreise, *_sample_gemeinden(world.rng))]
    # Every theme is needed somewhere, so the matching shows each kind of offer at work.
    for theme in content.themes():
        if theme.needs and theme.key not in world.needed_themes:
            holder = world.rng.choice([org for org in planned if theme.suits(org.record["org_type"])
                                       and len(org.record["needs"]) < max(NEEDS_PER_MUNICIPALITY)])
            holder.record["needs"].append(world.writer.need(theme, holder.record["name"], holder.record["land"]))
            holder.record["topics"] = list(dict.fromkeys([*holder.record["topics"], *theme.topics]))
            world.needed_themes.add(theme.key)
    world.organisations += planned


@dataclass
class _Company:
    fields: dict  # organisation fields without offers
    candidates: list
    target: int
    themes: list = field(default_factory=list)
    online_services: list = field(default_factory=list)  # OZG ids of online services it runs
    verified: bool = True


def plan_companies(world: DemoWorld) -> None:
    """The real NRW IT service providers and invented vendors, each with 2-5 offers.

    Every IT provider runs one or two online services for OZG services, dealt out so that each
    service of the pool has a provider; the other offers are dealt out theme by theme first, so
    every theme is offered by somebody.
    """
    rng, writer = world.rng, world.writer
    online = next(theme for theme in content.themes() if theme.key == ONLINE_SERVICE_THEME)
    with_offers = [theme for theme in content.themes() if theme.offers and theme is not online]
    services = itertools.cycle(rng.sample(online.ozg_ids, len(online.ozg_ids)))
    companies = []
    for provider in registers.it_providers():
        description = (f"Kommunaler IT-Dienstleister, Sitz: {provider.street}, {provider.zip_code} "
                       f"{provider.town}. Eintrag aus der OZG-Datenbank NRW (2019).")
        fields = {"kind": COMPANY, "name": provider.name, "org_type": "it_dienstleister",
                  "website": provider.website, "land": provider.land, "description": description}
        runs = [next(services) for _ in range(rng.randint(*ONLINE_SERVICES_PER_PROVIDER))]
        target = max(1, rng.randint(*OFFERS_PER_COMPANY) - len(runs))
        candidates = [theme for theme in with_offers if theme.topics[0] in IT_PROVIDER_FOCUS]
        companies.append(_Company(fields, candidates, target, online_services=runs))
    for number, vendor in enumerate(content.organisations_file()["vendor"]):
        slug = _slug(vendor["name"])
        # Dealt out over the Länder in order, so every Land has an invented vendor.
        fields = {"kind": COMPANY, "name": vendor["name"], "org_type": vendor["org_type"],
                  "land": LAENDER[number % len(LAENDER)].slug,
                  "website": f"https://www.{slug}.example", "contact_email": f"kontakt@{slug}.example",
                  "description": f"Fiktives Unternehmen (Demodaten). {vendor['description']}"}
        companies.append(_Company(fields, [t for t in with_offers if t.topics[0] in vendor["focus"]],
                                  rng.randint(*OFFERS_PER_COMPANY), verified=False))
    for theme in rng.sample(with_offers, len(with_offers)):
        takers = [c for c in companies if theme in c.candidates and len(c.themes) < c.target]
        if takers:
            rng.choice(takers).themes.append(theme)
    for company in companies:
        remaining = [theme for theme in company.candidates if theme not in company.themes]
        company.themes += rng.sample(remaining, max(0, min(len(remaining), company.target - len(company.themes))))
        name, land = company.fields["name"], company.fields.get("land")
        offers = [writer.offer(online, name, land, ozg_id) for ozg_id in company.online_services]
        offers += [writer.offer(theme, name, land) for theme in company.themes]
        world.organisations.append(DemoOrganisation(_record(**company.fields, offers=offers),
                                                    verified=company.verified))
    plan_regional_companies(world, companies, with_offers)


def plan_regional_companies(world: DemoWorld, companies: list, with_offers: list) -> None:
    """One invented company per Land and company type that the Land lacks (see REGIONAL_COMPANIES).

    Drawn from a random source of their own, so the rest of the demo world stays as it was."""
    rng = random.Random(f"regional-{world.seed}")
    writer = content.Writer(rng)
    present = {(company.fields.get("land"), company.fields["org_type"]) for company in companies}
    for land in LAENDER:
        for org_type, name, description, focus in REGIONAL_COMPANIES:
            if (land.slug, org_type) in present:
                continue
            label = registers.laender()[land.slug]  # the German name: the demo text is German, in any UI language
            org_name = name.format(land=label)
            slug = _slug(org_name)
            themes = [theme for theme in with_offers if theme.topics[0] in focus]
            chosen = rng.sample(themes, min(len(themes), rng.randint(*REGIONAL_OFFERS)))
            offers = [writer.offer(theme, org_name, land.slug) for theme in chosen]
            fields = {"kind": COMPANY, "name": org_name, "org_type": org_type, "land": land.slug,
                      "website": f"https://www.{slug}.example", "contact_email": f"kontakt@{slug}.example",
                      "description": f"Fiktives Unternehmen (Demodaten). {description.format(land=label)}"}
            world.organisations.append(DemoOrganisation(_record(**fields, offers=offers), verified=False))
