"""The texts of demo needs and offers: the themes of data/themes.toml, filled in per organisation."""
import random
import tomllib
from dataclasses import dataclass
from functools import cache

from community.demo.registers import DATA, laender, leika_services
from community.profiles.catalogue import SERVICES

OFFICES = ("Bauamt", "Ordnungsamt", "Personalamt", "Sozialamt", "Jugendamt", "Standesamt", "Steueramt")
URGENCY_WEIGHTS = {"low": 3, "medium": 5, "high": 2}
SOLVED_SHARE = 0.08
CLOSED_SHARE = 0.03
MEMBERS_ONLY_SHARE = 0.1


@dataclass(frozen=True)
class Theme:
    key: str
    topics: tuple[str, ...]
    ozg_ids: tuple[int, ...]
    municipality_types: frozenset[str] | None  # None: every type
    needs: tuple[tuple[str, str], ...]
    offers: tuple[tuple[str, str, str], ...]
    experiences: tuple[tuple[str, str], ...]
    programmes: tuple[tuple[str, str], ...]

    def suits(self, org_type: str) -> bool:
        return self.municipality_types is None or org_type in self.municipality_types


@cache
def _themes_file() -> dict:
    with (DATA / "themes.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def themes() -> tuple[Theme, ...]:
    data = _themes_file()
    pool = tuple(data["ozg_pool"]["ids"])
    return tuple(
        Theme(
            key=theme["key"],
            topics=tuple(theme["topics"]),
            ozg_ids=pool if theme.get("ozg") == "pool" else tuple(theme.get("ozg", ())),
            municipality_types=frozenset(theme["for"]) if "for" in theme else None,
            needs=tuple(map(tuple, theme.get("needs", ()))),
            offers=tuple(map(tuple, theme.get("offers", ()))),
            experiences=tuple(map(tuple, theme.get("experiences", ()))),
            programmes=tuple(map(tuple, theme.get("programmes", ()))),
        )
        for theme in data["theme"]
    )


@cache
def organisations_file() -> dict:
    with (DATA / "organisations.toml").open("rb") as handle:
        return tomllib.load(handle)


class Writer:
    """Fills theme templates for one organisation; every choice comes from the seeded random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _values(self, theme: Theme, org_name: str, land: str | None,
                ozg_id: int | None = None) -> tuple[dict, list[int]]:
        rng = self.rng
        if ozg_id is None and theme.ozg_ids:
            ozg_id = rng.choice(theme.ozg_ids)
        service = SERVICES[ozg_id].name if ozg_id else ""
        leika = leika_services().get(ozg_id, (service,)) if ozg_id else ()
        picked = rng.sample(leika, min(2, len(leika)))
        values = {
            "org": org_name,
            "land": laender().get(land or "", "Deutschland"),
            "service": service,
            "leika": " und ".join(f"„{name}“" for name in picked),
            "dept": rng.choice(OFFICES),
            "n": rng.randint(3, 12),
            "pct": rng.randint(8, 35),
            "year": rng.randint(2019, 2024),
        }
        return values, [ozg_id] if ozg_id else []

    def _entry(self, theme: Theme, template: tuple[str, str], org_name: str, land: str | None,
               ozg_id: int | None = None) -> dict:
        values, ozg_ids = self._values(theme, org_name, land, ozg_id)
        title, body = template
        return {
            "title": title.format_map(values),
            "body": body.format_map(values),
            "topics": list(theme.topics),
            "ozg_ids": ozg_ids,
            "visibility": "members" if self.rng.random() < MEMBERS_ONLY_SHARE else "public",
        }

    def need(self, theme: Theme, org_name: str, land: str | None) -> dict:
        entry = self._entry(theme, self.rng.choice(theme.needs), org_name, land)
        entry["urgency"] = self.rng.choices(list(URGENCY_WEIGHTS), weights=list(URGENCY_WEIGHTS.values()))[0]
        entry["status"] = "solved" if self.rng.random() < SOLVED_SHARE else "open"
        return entry

    def offer(self, theme: Theme, org_name: str, land: str | None, ozg_id: int | None = None) -> dict:
        """An offer of the theme; `ozg_id` picks the OZG service it is about (else a random one)."""
        offer_kind, title, body = self.rng.choice(theme.offers)
        return self._offer(self._entry(theme, (title, body), org_name, land, ozg_id), offer_kind)

    def experience(self, theme: Theme, org_name: str, land: str | None) -> dict:
        return self._offer(self._entry(theme, self.rng.choice(theme.experiences), org_name, land), "experience")

    def programme(self, theme: Theme, org_name: str, land: str | None) -> dict:
        return self._offer(self._entry(theme, self.rng.choice(theme.programmes), org_name, land), "programme")

    def written_offer(self, offer: list, land: str | None) -> dict:
        """An offer written out in organisations.toml: [offer_kind, title, body, topics]."""
        offer_kind, title, body, topics = offer
        values = {"land": laender().get(land or "", "Deutschland")}
        entry = {"title": title.format_map(values), "body": body.format_map(values), "topics": list(topics)}
        return self._offer(entry, offer_kind)

    def _offer(self, entry: dict, offer_kind: str) -> dict:
        entry["offer_kind"] = offer_kind
        entry["status"] = "closed" if self.rng.random() < CLOSED_SHARE else "open"
        return entry
