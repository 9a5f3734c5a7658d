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
    # Municipalities (or the Länder through them) provide it: at least one of its LeiKa services is not of
    # LeiKa type 1 (regulated and provided by the Bund alone, e.g. "Alkopopsteuer"). See data/README.md.
    municipal: bool = True


def _load() -> dict[int, OzgService]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            int(row["ozg_id"]): OzgService(int(row["ozg_id"]), row["name"], row["lebenslage"], row["themenfeld"],
                                           row.get("municipal", "1") == "1")
            for row in csv.DictReader(handle)
        }


SERVICES: dict[int, OzgService] = _load()
SERVICE_IDS = frozenset(SERVICES)
# The services municipalities provide, by name: what filters over municipal work (good examples) offer.
MUNICIPAL = sorted((service for service in SERVICES.values() if service.municipal), key=lambda s: s.name.casefold())


def find_municipal(text: str) -> OzgService | None:
    """The municipal service of this name (any case), else the only one whose name contains the text."""
    text = text.casefold().strip()
    if not text:
        return None
    exact = [service for service in MUNICIPAL if service.name.casefold().strip() == text]
    if exact:
        return exact[0]
    partial = [service for service in MUNICIPAL if text in service.name.casefold()]
    return partial[0] if len(partial) == 1 else None


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
