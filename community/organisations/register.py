"""The official municipal register (Destatis GV100AD) read as plain entries: one per organisation.

Pure data: no database. `read(paths)` takes either Destatis' fixed-width file (GV100AD_DDMMYYYY.txt, as
published) or the three CSV tables of data/gv100ad/ (gemeinden.csv, gemeindeverbaende.csv, kreise.csv),
and `entries(...)` turns their rows into the organisations of kind municipality: every Gemeinde, every
Gemeindeverband that is a body of its own (Amt, Samtgemeinde, Verbandsgemeinde, Verwaltungsgemeinschaft,
Verwaltungsverband, Kirchspielslandgemeinde) and every Kreis. A kreisfreie Stadt is one organisation: its
Gemeinde record (8-digit AGS), not its Kreis record as well. Sources and licence: data/gv100ad/README.md.
"""
import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from community.taxonomy import (
    GEMEINDE,
    KREISFREIE_STADT,
    LANDKREIS,
    STADT,
    VERBANDSGEMEINDE,
    population_class_of,
)

DATA = Path(__file__).with_name("data") / "gv100ad"
CSV_FILES = ("gemeinden.csv", "gemeindeverbaende.csv", "kreise.csv")

# Textkennzeichen of the register (Destatis' record layout).
CITY_KREIS_TYPES = {"41", "42"}  # kreisfreie Stadt, Stadtkreis: the city is its Gemeinde record
KREIS_TYPES = {"43": "Kreis", "44": "Landkreis", "45": ""}  # 45 Regionalverband names itself
# 50 is the pseudo-Verband of a verbandsfreie Gemeinde; 57/58 (Trägermodell, erfüllende Gemeinde) are a
# member Gemeinde doing the work for the others, so the Gemeinde is the organisation, not a second body.
VERBAND_PREFIXES = {
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
}
CITY_GEMEINDE_TYPES = {"61", "62"}
TOWN_GEMEINDE_TYPES = {"63", "67"}
GEMEINDE_TYPES = {"60", "61", "62", "63", "64", "67"}  # 65/66: unincorporated areas, no administration

# Abbreviated titles of the register ("Kösching, M") and what they stand for.
TITLE_ABBREVIATIONS = {
    "M": "Markt",
    "St": "Stadt",
    "GKSt": "Große Kreisstadt",
    "Krst.": "Kreisstadt",
}
# Titles that read well in front of the name ("Hansestadt Lübeck", "Marktgemeinde X", "Freie und
# Hansestadt Hamburg"); other epithets ("Ostseebad", "Tor zur Eifel") are dropped.
PREFIX_TITLE = re.compile(r"^([\w.-]*(stadt|gemeinde|flecken|markt)|[\w-]+ und [\w-]+(stadt|gemeinde))$", re.I)
NAME_OVERRIDES = {"11000000": "Berlin"}  # "Stadt Berlin" is not how the city-state is called
VERBAND_SHORT_FORMS = (
    ("VVG der ", "Vereinbarte Verwaltungsgemeinschaft der "),
    ("GVV ", "Gemeindeverwaltungsverband "),
)


@dataclass(frozen=True)
class Entry:
    """One organisation of the register."""

    official_key: str  # the ARS: 12 digits for a Gemeinde, 9 for a Gemeindeverband, 5 for a Kreis
    ags: str | None  # 8 digits for a Gemeinde, 5 for a Kreis, none for a Gemeindeverband
    name: str  # display name, e.g. "Stadt Flensburg"
    org_type: str  # a municipality type of the taxonomy
    land: str
    population: int | None
    postcode: str  # of the administrative seat
    seat: str = ""
    district: str = ""  # display name of the Kreis a Gemeinde or Gemeindeverband belongs to

    @property
    def population_class(self) -> str | None:
        return population_class_of(self.population)


@dataclass(frozen=True)
class Register:
    reference_date: date | None  # Gebietsstand
    entries: tuple[Entry, ...]


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


def _number(text: str) -> int | None:
    return int(text) if text and text.strip() else None


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


# --- reading -------------------------------------------------------------------------------------


def _field(line: str, start: int, end: int) -> str:
    """Positions of Destatis' record layout: 1-based, inclusive, in characters (the file is UTF-8)."""
    return line[start - 1:end].strip()


def _read_fixed_width(path: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows of the three tables from Destatis' own file, as data/gv100ad/convert.py makes them."""
    gemeinden, verbaende, kreise = [], [], []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if len(line) != 220:
                raise ValueError(f"{path.name}, line {number}: a GV100AD record has 220 characters")
            kind, stand = line[0:2], _field(line, 3, 10)
            reference = f"{stand[0:4]}-{stand[4:6]}-{stand[6:8]}"
            land, rb, kreis = _field(line, 11, 12), _field(line, 13, 13), _field(line, 14, 15)
            name, seat, type_code = _field(line, 23, 72), _field(line, 73, 122), _field(line, 123, 124)
            kreis_key = land + rb + kreis
            if kind == "40":
                kreise.append({"key": kreis_key, "name": name, "type_code": type_code, "land": land,
                               "seat": seat, "reference_date": reference})
            elif kind == "50":
                verbaende.append({"key": kreis_key + _field(line, 19, 22), "name": name, "type_code": type_code,
                                  "kreis": kreis_key, "seat": seat, "reference_date": reference})
            elif kind == "60":
                gemeinden.append({
                    "ags": kreis_key + _field(line, 16, 18),
                    "ars": kreis_key + _field(line, 19, 22) + _field(line, 16, 18),
                    "name": name, "type_code": type_code, "land": land, "kreis": kreis_key,
                    "gemeindeverband": kreis_key + _field(line, 19, 22),
                    "population": _field(line, 140, 150), "postcode": _field(line, 166, 170),
                    "reference_date": reference,
                })
    return gemeinden, verbaende, kreise


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read(paths) -> Register:
    """The register from one GV100AD file, or from the three CSV tables (in any order)."""
    paths = [Path(path) for path in paths]
    if len(paths) == 1 and paths[0].is_dir():
        paths = [paths[0] / name for name in CSV_FILES]
    if len(paths) == 1:
        return build(*_read_fixed_width(paths[0]))
    tables = {}
    for path in paths:
        rows = _read_csv(path)
        columns = set(rows[0]) if rows else set()
        table = "gemeinden" if "ags" in columns else "verbaende" if "kreis" in columns else "kreise"
        tables[table] = rows
    missing = {"gemeinden", "verbaende", "kreise"} - set(tables)
    if missing:
        raise ValueError("give gemeinden.csv, gemeindeverbaende.csv and kreise.csv, or one GV100AD file")
    return build(tables["gemeinden"], tables["verbaende"], tables["kreise"])


@cache
def bundled() -> Register:
    """The register copied into this repository (Gebietsstand 30.11.2025)."""
    return read([DATA / name for name in CSV_FILES])


# --- entries -------------------------------------------------------------------------------------


def _kreis_name(row: dict) -> str:
    raw, type_code = row["name"], row["type_code"]
    if type_code in CITY_KREIS_TYPES:
        return tidy_name(raw)[0] if "," in raw else f"Stadt {raw}"
    prefix = KREIS_TYPES.get(type_code, "")
    has_own_word = re.search(r"kreis|region", raw, re.I)
    return raw if has_own_word or not prefix else f"{prefix} {raw}"


def _verband_name(raw: str, type_code: str) -> str:
    name = re.sub(r", (Stadt|Flecken|Gemeinde)$", "", raw.removesuffix(" (VGem)"))
    for short, long in VERBAND_SHORT_FORMS:
        if name.startswith(short):
            return long + name[len(short):]
    prefix = VERBAND_PREFIXES[type_code]
    if name.lower().startswith(prefix.lower()) or name.startswith("Gemeindeverwaltungsverband"):
        return name
    return f"{prefix} {name}"


def _gemeinde(row: dict, district: str) -> Entry:
    name, is_town = tidy_name(row["name"])
    if row["type_code"] in CITY_GEMEINDE_TYPES:
        org_type = KREISFREIE_STADT
        name = name if is_town or name != row["name"] else f"Stadt {name}"
    elif row["type_code"] in TOWN_GEMEINDE_TYPES or is_town:
        org_type = STADT
        name = name if name != row["name"] else f"Stadt {name}"
    else:
        org_type = GEMEINDE
        name = name if name != row["name"] else f"Gemeinde {name}"
    return Entry(official_key=row["ars"], ags=row["ags"], name=NAME_OVERRIDES.get(row["ags"], name),
                 org_type=org_type, land=row["land"], population=_number(row.get("population", "")),
                 postcode=row.get("postcode") or "", district="" if org_type == KREISFREIE_STADT else district)


def _plain(name: str) -> str:
    return name.split(",")[0].strip().lower()


def _seat_postcode(seat: str, members: list[dict], land: list[dict]) -> str:
    """The postcode of the Gemeinde named as seat (a Landkreis may sit in a kreisfreie Stadt outside
    it, "Bamberg"), else of the largest member."""
    wanted = _plain(seat)
    for rows in (members, land):
        for row in rows:
            if wanted and _plain(row["name"]) == wanted and row.get("postcode"):
                return row["postcode"]
    if not members:
        return ""
    largest = max(members, key=lambda row: _number(row.get("population", "")) or 0)
    return largest.get("postcode") or ""


def build(gemeinden: list[dict], verbaende: list[dict], kreise: list[dict]) -> Register:
    kreis_names = {row["key"]: _kreis_name(row) for row in kreise}
    kreis_lands = {row["key"]: row.get("land") or row["key"][:2] for row in kreise}
    by_verband: dict[str, list[dict]] = {}
    by_kreis: dict[str, list[dict]] = {}
    by_land: dict[str, list[dict]] = {}
    found: list[Entry] = []
    for row in gemeinden:
        if row["type_code"] not in GEMEINDE_TYPES:
            continue
        by_verband.setdefault(row["gemeindeverband"], []).append(row)
        by_kreis.setdefault(row["kreis"], []).append(row)
        by_land.setdefault(row["land"], []).append(row)
        found.append(_gemeinde(row, kreis_names.get(row["kreis"], "")))
    for row in verbaende:
        if row["type_code"] not in VERBAND_PREFIXES:
            continue
        members = by_verband.get(row["key"], [])
        found.append(Entry(
            official_key=row["key"], ags=None, name=_verband_name(row["name"], row["type_code"]),
            org_type=VERBANDSGEMEINDE, land=row["key"][:2],
            population=sum(_number(member.get("population", "")) or 0 for member in members) or None,
            postcode=_seat_postcode(row.get("seat", ""), members, by_land.get(row["key"][:2], [])),
            seat=row.get("seat", ""), district=kreis_names.get(row["kreis"], "")))
    for row in kreise:
        if row["type_code"] in CITY_KREIS_TYPES:
            continue
        members = by_kreis.get(row["key"], [])
        found.append(Entry(
            official_key=row["key"], ags=row["key"], name=kreis_names[row["key"]], org_type=LANDKREIS,
            land=kreis_lands[row["key"]],
            population=sum(_number(member.get("population", "")) or 0 for member in members) or None,
            postcode=_seat_postcode(row.get("seat", ""), members, by_land.get(kreis_lands[row["key"]], [])),
            seat=row.get("seat", "")))
    dates = {row.get("reference_date") for row in gemeinden if row.get("reference_date")}
    return Register(_date(max(dates)) if dates else None, tuple(sorted(found, key=lambda e: e.official_key)))
