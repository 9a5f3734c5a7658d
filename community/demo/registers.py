"""The real public registers behind the demo, read from data/ and tidied for display.

The Länder, the municipal IT service providers and LeiKa service names; the municipalities come from
the official register of the organisations feature (community/organisations/register.py). Pure data:
no database, no randomness. Sources and licences: data/README.md.
"""
import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

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


@cache
def laender() -> dict[str, str]:
    return {row["schlüssel"]["nummer"]: row["name"] for row in _ndjson("laender.ndjson")}


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
