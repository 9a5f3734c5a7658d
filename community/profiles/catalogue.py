"""The OZG service catalogue: a read-only public register, loaded once from the CSV beside it."""
import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data") / "ozg_services.csv"


@dataclass(frozen=True)
class OzgService:
    id: int
    name: str
    lebenslage: str
    themenfeld: str


def _load() -> dict[int, OzgService]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            int(row["ozg_id"]): OzgService(int(row["ozg_id"]), row["name"], row["lebenslage"], row["themenfeld"])
            for row in csv.DictReader(handle)
        }


SERVICES: dict[int, OzgService] = _load()
SERVICE_IDS = frozenset(SERVICES)


def names(ids) -> list[str]:
    return [SERVICES[i].name for i in ids if i in SERVICES]


def search(term: str, limit: int = 20) -> list[OzgService]:
    term = term.casefold().strip()
    if not term:
        return []
    return [service for service in SERVICES.values() if term in service.name.casefold()][:limit]


def grouped_by_themenfeld() -> dict[str, list[OzgService]]:
    """The services by topic area, both in alphabetical order, for grouped pick lists."""
    groups: dict[str, list[OzgService]] = {}
    for service in sorted(SERVICES.values(), key=lambda s: (s.themenfeld.casefold(), s.name.casefold())):
        groups.setdefault(service.themenfeld, []).append(service)
    return groups
