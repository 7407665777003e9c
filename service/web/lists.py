"""The list component of the pages: query parameters → :class:`ListRequest`, and the links a list
page needs (sort headers, pages, filters kept) as :class:`ListView`.

URL parameters (the same on every list): ``q`` the search text, ``sorter`` the sort key,
``orden`` ``stigende``/``faldende``, ``side`` the page, ``pr_side`` rows per page, and one
parameter per filter with the Danish name the page gives it. A value that cannot be read (a
page ``abc``) is taken as not given: a list page never answers an error for its parameters; the
use case normalises the rest (``service.usecases.listing``). The templates' macros are in
``templates/_list.html``.

Two lists on one page (the run page's proposals and its youths not housed) keep apart by a
``prefix`` on the second one's parameters (``u_q``, ``u_side``, …; its filters' URL names carry
it too), and each keeps the other's parameters in its links and forms (``others``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from ..usecases.listing import PER_PAGE_CHOICES, ListPage, ListRequest

ASCENDING, DESCENDING = "stigende", "faldende"
_MAX_PARAM = 200


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text and len(text) <= 9 else default
    except ValueError:
        return default


def list_request(
    request: Request | Mapping[str, str], filters: Mapping[str, str], prefix: str = ""
) -> ListRequest:
    """The list request in ``request``'s query (or in query parameters given as they are);
    ``filters`` maps each filter's URL name to its key in the list's spec; ``prefix``: the
    list's parameters are ``prefix + "q"`` and so on."""
    query = request.query_params if isinstance(request, Request) else request
    direction = query.get(prefix + "orden", "")
    return ListRequest(
        search=query.get(prefix + "q", "")[:_MAX_PARAM],
        sort=query.get(prefix + "sorter", "")[:_MAX_PARAM],
        descending=True if direction == DESCENDING else False if direction == ASCENDING else None,
        filters={key: query.get(name, "")[:_MAX_PARAM] for name, key in filters.items()},
        page=_int(query.get(prefix + "side"), 1),
        per_page=_int(query.get(prefix + "pr_side"), 0),
    )


@dataclass(frozen=True)
class ListView:
    """A list page's rows, counts and links. ``filters``: URL name → spec key, as given to
    :func:`list_request`; ``noun``: ``(one, other)``, what the rows are (``ung``, ``unge``)."""

    page: ListPage
    path: str
    filters: Mapping[str, str] = field(default_factory=dict)
    noun: tuple[str, str] = ("række", "rækker")
    default_sort: str = ""
    prefix: str = field(default="", kw_only=True)
    # another list's parameters, kept in this one's links and forms
    others: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    anchor: str = field(default="", kw_only=True)  # where its links land (``#unmatched-h``)

    def name(self, param: str) -> str:
        """The URL name of one of the list's own parameters (``q``, ``side``, …)."""
        return self.prefix + param

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.page.rows

    @property
    def applied(self) -> ListRequest:
        return self.page.request

    def value(self, name: str) -> str:
        """The applied value of the filter with URL name ``name`` ('' when none)."""
        return self.applied.filters.get(self.filters.get(name, name), "")

    def facet(self, name: str, value: str) -> int | None:
        return self.page.facets.get(self.filters.get(name, name), {}).get(value)

    def params(self, **changes: Any) -> dict[str, str]:
        """The applied request as URL parameters (defaults left out), with ``changes``."""
        r, n = self.applied, self.name
        out: dict[str, str] = {k: v for k, v in self.others.items() if v}
        if r.search:
            out[n("q")] = r.search
        for name, key in self.filters.items():
            if r.filters.get(key):
                out[name] = r.filters[key]
        if r.sort and r.sort != self.default_sort:
            out[n("sorter")] = r.sort
        if r.descending:
            out[n("orden")] = DESCENDING
        elif r.sort != self.default_sort:
            out[n("orden")] = ASCENDING
        if r.per_page != PER_PAGE_CHOICES[1]:
            out[n("pr_side")] = str(r.per_page)
        if r.page > 1:
            out[n("side")] = str(r.page)
        for key, value in changes.items():
            key = key if key in self.filters or key in self.others else n(key)
            if value is None or value == "":
                out.pop(key, None)
            else:
                out[key] = str(value)
        return out

    def url(self, **changes: Any) -> str:
        query = urlencode(self.params(**changes))
        return (f"{self.path}?{query}" if query else self.path) + self.anchor

    def export_url(self, path: str, **changes: Any) -> str:
        """``path`` with this list's search, filters and sort (not the page): a download of
        everything the list matches."""
        query = urlencode(self.params(side=None, pr_side=None, **changes))
        return f"{path}?{query}" if query else path

    def reset_url(self) -> str:
        """The list as it first opens (another list's parameters kept)."""
        query = urlencode({k: v for k, v in self.others.items() if v})
        return f"{self.path}?{query}" if query else self.path

    def page_url(self, number: int) -> str:
        return self.url(side=number if number > 1 else None)

    def sort_url(self, key: str) -> str:
        """The link of a column header: sort by ``key`` from the first page; the current sort
        column's link turns the direction around."""
        r = self.applied
        descending = not r.descending if r.sort == key else False
        return self.url(sorter=key, orden=DESCENDING if descending else ASCENDING, side=None)

    def aria_sort(self, key: str) -> str | None:
        r = self.applied
        if r.sort != key:
            return None
        return "descending" if r.descending else "ascending"

    def hidden(self, *keep: str) -> list[tuple[str, str]]:
        """Hidden fields for a filter form: the sort and page size (a new search starts on
        page 1 and keeps them), and the parameters named in ``keep``."""
        params = self.params(side=None)
        kept = (*(self.name(k) for k in ("sorter", "orden", "pr_side", *keep)), *self.others)
        return [(k, v) for k, v in params.items() if k in kept]

    @property
    def pages(self) -> int:
        return self.page.pages

    def page_numbers(self) -> list[int | None]:
        """The page links to show: the first, the last and two either side of the current
        one; ``None`` where pages are left out."""
        current, last = self.applied.page, self.page.pages
        wanted = {1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}
        out: list[int | None] = []
        previous = 0
        for n in sorted(wanted):
            if n - previous > 1:
                out.append(None)
            out.append(n)
            previous = n
        return out

    @property
    def per_page_choices(self) -> tuple[int, ...]:
        return PER_PAGE_CHOICES

    def noun_for(self, count: int) -> str:
        return self.noun[0] if count == 1 else self.noun[1]


@dataclass(frozen=True)
class DatedView(ListView):
    """A list view with extra URL parameters of the page's own (the audit log's date range),
    kept in every link."""

    extra: Mapping[str, str] = field(default_factory=dict)

    def params(self, **changes: Any) -> dict[str, str]:
        out = {k: v for k, v in self.extra.items() if v}
        out.update(super().params(**changes))
        return out

    def hidden(self, *keep: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in super().hidden(*keep) if k not in self.extra]
