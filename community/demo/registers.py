"""The real public registers behind the demo, read from data/ and tidied for display.

Länder, Kreise and Gemeinden come from the official municipality register (GV100), the municipal IT
service providers and LeiKa service names from the NRW OZG database. Pure data: no database, no
randomness. Sources and licences: data/README.md.
"""
import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

# Abbreviated titles of the register ("Kösching, M") and what they stand for.
TITLE_ABBREVIATIONS = {
    "M": "Markt",
    "St": "Stadt",
    "GKSt": "Große Kreisstadt",
    "Krst.": "Kreisstadt",
    "Stadtkreis": "Stadt",
    "kreisfreie Stadt": "Stadt",
}
# Titles that read well in front of the name ("Hansestadt Lübeck", "Marktgemeinde X", "Freie und
# Hansestadt Hamburg"); other epithets ("Stadt der FernUniversität", "Tor zur Eifel") are dropped.
PREFIX_TITLE = re.compile(r"^([\w.-]*(stadt|gemeinde|flecken|markt)|[\w-]+ und [\w-]+(stadt|gemeinde))$", re.I)
NOT_A_MUNICIPALITY = re.compile(r"gemfr|gdefr|gemeindefrei|Küstengewässer|Forstgutsbez", re.I)
NAME_OVERRIDES = {"11000": "Berlin"}  # "Stadt Berlin" is not how the city-state is called

ASSOCIATION_PREFIXES = {
    "amt": "Amt",
    "verbandsgemeinde": "Verbandsgemeinde",
    "samtgemeinde": "Samtgemeinde",
    "verwaltungsgemeinschaft": "Verwaltungsgemeinschaft",
    "verwaltungsverband": "Verwaltungsverband",
}
ASSOCIATION_SHORT_FORMS = (
    ("VVG der ", "Vereinbarte Verwaltungsgemeinschaft der "),
    ("GVV ", "Gemeindeverwaltungsverband "),
)
CITY_KREIS_TYPES = {"kreisfreie-stadt", "stadtkreis"}

# Slips in the provider list, see data/README.md.
SWAPPED_PROVIDERS = ("LWL", "LWV Hessen")  # each row carries the other's address and web address
URL_TYPOS = {
    "jkreis-mettmann.de": "kreis-mettmann.de",
    "emscheid.de": "remscheid.de",
    "jstadt.wuppertal.de": "wuppertal.de",
}
PROVIDER_LAND = {"LWV Hessen": "06"}  # the list is NRW's; this one provider sits in Hessen
NRW = "05"


@dataclass(frozen=True)
class Place:
    key: str  # official key: 5 digits for a Kreis, 9 for a Gemeindeverband
    name: str  # display name, e.g. "Stadt Flensburg"
    org_type: str  # municipality type slug of the taxonomy
    land: str
    seat: str
    district: str = ""  # display name of the Kreis a Gemeinde belongs to


@dataclass(frozen=True)
class Provider:
    name: str
    street: str
    zip_code: str
    town: str
    website: str
    land: str


def _ndjson(filename: str) -> list[dict]:
    with (DATA / filename).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def tidy_name(raw: str) -> tuple[str, bool]:
    """Display name and whether it is a town: "Flensburg, Stadt" -> ("Stadt Flensburg", True).

    Of several titles ("Korbach, Kreisstadt, Hansestadt") the last one is used.
    """
    name, _, titles = raw.partition(", ")
    if not titles:
        return raw.strip(), False
    title = titles.split(", ")[-1]
    title = TITLE_ABBREVIATIONS.get(title, title)
    is_town = "stadt" in title.lower()
    if PREFIX_TITLE.match(title) or title in TITLE_ABBREVIATIONS.values():
        return f"{title} {name}", is_town
    return (f"Stadt {name}" if is_town else name), is_town


@cache
def laender() -> dict[str, str]:
    return {row["schlüssel"]["nummer"]: row["name"] for row in _ndjson("laender.ndjson")}


@cache
def kreise() -> tuple[Place, ...]:
    places = []
    for row in _ndjson("kreise.ndjson"):
        key, kind, raw = row["schlüssel"]["nummer"], row["typ"]["name"], row["name"]
        if kind in CITY_KREIS_TYPES:
            name = tidy_name(raw)[0] if "," in raw else f"Stadt {raw}"
            org_type = "kreisfreie_stadt"
        else:
            has_own_word = re.search(r"kreis|region", raw, re.I)
            name = raw if has_own_word else f"{'Landkreis' if kind == 'landkreis' else 'Kreis'} {raw}"
            org_type = "landkreis"
        places.append(Place(key, NAME_OVERRIDES.get(key, name), org_type, row["schlüssel"]["land"], row["sitz"]))
    return tuple(places)


def _association_name(raw: str, kind: str) -> str:
    name = raw.removesuffix(" (VGem)")
    for short, long in ASSOCIATION_SHORT_FORMS:
        if name.startswith(short):
            return long + name[len(short):]
    prefix = ASSOCIATION_PREFIXES[kind]
    return name if name.startswith(prefix) else f"{prefix} {name}"


@cache
def gemeinden() -> tuple[Place, ...]:
    """Gemeindeverbände and verbandsfreie Gemeinden, without the cities already listed as Kreise."""
    districts = {place.key: place for place in kreise()}
    places = []
    for row in _ndjson("gemeindeverbaende.ndjson"):
        key, raw = row["schlüssel"]["nummer"], row["name"]
        district = districts.get(key[:5])
        if district is None or district.org_type == "kreisfreie_stadt" or NOT_A_MUNICIPALITY.search(raw):
            continue
        kind = row.get("typ", {}).get("name", "")
        if kind in ASSOCIATION_PREFIXES:
            name, org_type = _association_name(raw, kind), "verbandsgemeinde"
        else:
            name, is_town = tidy_name(raw)
            org_type = "stadt" if is_town else "gemeinde"
            if name == raw:  # no title in the register: say what it is, like "Stadt ..." does
                name = f"Gemeinde {raw}"
        places.append(Place(key, name, org_type, row["schlüssel"]["land"], row["sitz"], district.name))
    return tuple(places)


def _provider_rows() -> list[dict]:
    with (DATA / "it_dienstleister_nrw.csv").open(encoding="utf-8", newline="") as handle:
        rows = [{name: value.strip() for name, value in row.items()} for row in csv.DictReader(handle)]
    first, second = (next(row for row in rows if row["name"] == name) for name in SWAPPED_PROVIDERS)
    first["name"], second["name"] = second["name"], first["name"]
    return rows


def _provider_name(name: str, town: str, duplicated: bool) -> str:
    city, _, brand = name.partition(", ")
    if brand:
        return f"{brand} ({city})"
    if re.match(r"^(Bundesstadt|Stadt|Kreis) ", name):
        return f"{name} (IT-Dienstleistungen)"
    return f"{name} ({town})" if duplicated else name


@cache
def it_providers() -> tuple[Provider, ...]:
    rows = _provider_rows()
    counts = defaultdict(int)
    for row in rows:
        counts[row["name"]] += 1
    providers = []
    for row in rows:
        url = row["url"].removeprefix("http://")
        url = URL_TYPOS.get(url, url)
        providers.append(Provider(
            name=_provider_name(row["name"], row["town"], counts[row["name"]] > 1),
            street=row["street"],
            zip_code=row["zip_code"],
            town=row["town"],
            website=f"https://{url}",
            land=PROVIDER_LAND.get(row["name"], NRW),
        ))
    return tuple(providers)


@cache
def leika_services() -> dict[int, tuple[str, ...]]:
    """LeiKa service names per OZG id, shortest first."""
    names = defaultdict(list)
    with (DATA / "leika_services.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[int(row["ozg_id"])].append(row["leistung"])
    return {ozg_id: tuple(values) for ozg_id, values in names.items()}
