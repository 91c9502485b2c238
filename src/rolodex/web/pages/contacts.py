"""The contacts list: filters, search, pages, and the export of what it shows.

A page costs four queries whatever its size — the page of contacts, their count, their
labels and custom values (:func:`rolodex.store.contacts.page`), and the names of their
companies — plus the label list for the filter."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request, Response

from rolodex.store import catalog as catalog_sql
from rolodex.store import contacts as contacts_sql
from rolodex.web.api.contacts import contact_page
from rolodex.web.deps import get_store
from rolodex.web.pages.common import (
    PageSession,
    page_router,
    render,
)

router = page_router()
PER_PAGE = 50


@dataclass(frozen=True)
class ContactQuery:
    """The contacts list's filters, read leniently: a bad value means "no filter"."""

    label: str
    q: str
    page: int

    @classmethod
    def of(cls, request: Request) -> ContactQuery:
        params = request.query_params
        page = params.get("page", "1").strip()
        number = int(page) if page.isdecimal() and len(page) < 8 else 1
        return cls(
            label=_printable(params.get("label", ""))[:255],
            q=_printable(params.get("q", "")).strip()[:320],
            page=max(1, number),
        )

    def url(self, page: int) -> str:
        return "/contacts?" + urlencode({**self._filter(), "page": page})

    def export_url(self) -> str:
        """The CSV of every contact this filter finds, as ``rolodex export contacts``
        writes it (``--label``, ``--search``)."""
        params = self._filter()
        return "/api/export/contacts.csv" + ("?" + urlencode(params) if params else "")

    def _filter(self) -> dict[str, str]:
        return {k: v for k, v in (("label", self.label), ("q", self.q)) if v}


def _printable(text: str) -> str:
    """Without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(c for c in text if c >= " " or c == "\t")


@router.get("/contacts")
def contacts_page(request: Request, session: PageSession) -> Response:
    store = get_store(request)
    query = ContactQuery.of(request)
    found = contact_page(store, query.label or None, query.q or None, query.page, PER_PAGE)
    company_ids = {c["company_id"] for c in found["items"] if c["company_id"]}
    with store.read() as conn:
        labels = [label.name for label in catalog_sql.labels(conn)]
        companies = contacts_sql.company_names(conn, company_ids)
    total = found["total"]
    pages = max(1, math.ceil(total / PER_PAGE))
    first = (query.page - 1) * PER_PAGE + 1
    context = {
        "shown": (first, first + len(found["items"]) - 1) if found["items"] else None,
        "nav": "contacts",
        "query": query,
        "contacts": found["items"],
        "total": total,
        "pages": pages,
        "labels": labels,
        "companies": companies,
        "prev_url": query.url(query.page - 1) if query.page > 1 else None,
        "next_url": query.url(query.page + 1) if query.page < pages else None,
    }
    return render(request, "contacts.html", context, session)
