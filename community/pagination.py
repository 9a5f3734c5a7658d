"""One page of a query's results, in the shape the HTML lists and the API share."""
from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa

from community.extensions import db

MAX_PER_PAGE = 100
# Beyond any real list; keeps OFFSET arithmetic inside the databases' integer range.
MAX_PAGE = 1_000_000


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def to_dict(self, serialise) -> dict:
        return {
            "items": [serialise(item) for item in self.items],
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
        }


def page_args(page, per_page, default_per_page: int = 20) -> tuple[int, int]:
    """Clamp page numbers from a query string: bad values fall back to defaults, never a 500."""
    try:
        page = min(MAX_PAGE, max(1, int(page)))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = default_per_page
    return page, per_page


def paginate(select: sa.Select, page: int, per_page: int) -> Page:
    total = db.session.execute(sa.select(sa.func.count()).select_from(select.order_by(None).subquery())).scalar_one()
    items = db.session.execute(select.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)
