"""Long lists as pages: search, filters, sort and pagination done by the database, with counts.

A list is declared once as a :class:`ListSpec` — which columns it sorts by, which it searches,
which it filters on — over a base ``SELECT`` that already holds who may see what (a case
worker's teams). :func:`fetch` answers one :class:`ListPage` for a :class:`ListRequest`.

Guarantees:

- **Stable order**: every sort ends with the spec's unique ``tiebreak`` column, so a row never
  appears on two pages or on none while the data stands still. Empty values sort last in both
  directions.
- **Counts**: ``total`` is the number of rows matching the search and filters, ``scope`` the
  number before them (what the user may see at all), and ``facets`` the count per value of each
  counted filter (under the search and the *other* filters, as a shop's facets count).
- **Never an error for a bad request**: an unknown sort key falls back to the default, a filter
  value outside its allowed values is dropped (and not echoed back), a page past the end shows
  the last page. The normalised request is on the answer, so the page shows what it applied.
- A *computed* sort (a value that is not a column, e.g. a youth's queue position) is supplied
  by the caller as ``computed``: every matching row is fetched (search and filters still in
  SQL), sorted in Python by that key, then sliced; used where the value costs nothing per row
  once computed for the whole pool.
- A list whose rows are not a table's (a run's proposals, read from the run's own input
  snapshot: what was solved, whatever was imported since) is answered by :func:`fetch_rows`
  from the rows in memory, under the same request, normalisation and counts: the spec's
  columns are then the rows' keys, and a filter's ``where(value)`` returns a predicate on a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlmodel import Session

PER_PAGE_CHOICES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 50
MAX_SEARCH = 100


@dataclass(frozen=True)
class Filter:
    """A filter: ``column == value``, or ``where(value)`` when given; ``values``: the allowed
    values (``None``: any text, e.g. a user name); ``counted``: count the rows per value."""

    column: Any
    values: tuple[str, ...] | None = None
    counted: bool = False
    where: Callable[[str], Any] | None = None  # the condition, when not ``column == value``


@dataclass(frozen=True)
class ListSpec:
    """How one list sorts, searches and filters. ``sorts`` maps a sort key to a column
    expression; a key in ``computed_sorts`` is sorted by the caller's key function instead."""

    sorts: Mapping[str, Any]
    default_sort: str
    tiebreak: Any
    search: tuple[Any, ...] = ()
    filters: Mapping[str, Filter] = field(default_factory=dict)
    default_descending: bool = False
    computed_sorts: frozenset[str] = frozenset()

    def sort_keys(self) -> frozenset[str]:
        return frozenset(self.sorts) | self.computed_sorts


@dataclass(frozen=True)
class ListRequest:
    """What the user asked for; :func:`normalise` makes it valid for a spec."""

    search: str = ""
    sort: str = ""
    descending: bool | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class ListPage:
    """One page of a list: ``rows`` (mappings of the base query's columns) and the counts."""

    rows: list[dict[str, Any]]
    request: ListRequest  # normalised: what was applied
    total: int
    scope: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.request.per_page))

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when there is none)."""
        return (self.request.page - 1) * self.request.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def normalise(spec: ListSpec, request: ListRequest) -> ListRequest:
    """The request made valid for ``spec`` (see the module docstring)."""
    sort = request.sort if request.sort in spec.sort_keys() else spec.default_sort
    # The list's default direction belongs to its default sort; another column without a
    # direction sorts ascending.
    descending = request.descending
    if request.sort not in spec.sort_keys():
        descending = spec.default_descending
    elif descending is None:
        descending = spec.default_descending if sort == spec.default_sort else False
    filters = {}
    for name, value in request.filters.items():
        f = spec.filters.get(name)
        value = value.strip()
        if f is None or not value or len(value) > 200:
            continue
        if f.values is not None and value not in f.values:
            continue
        filters[name] = value
    per_page = request.per_page if request.per_page in PER_PAGE_CHOICES else DEFAULT_PER_PAGE
    return ListRequest(
        search=request.search.strip()[:MAX_SEARCH],
        sort=sort,
        descending=descending,
        filters=filters,
        page=max(1, request.page),
        per_page=per_page,
    )


def _where(
    spec: ListSpec, query: Select[Any], request: ListRequest, skip: str | None = None
) -> Select[Any]:
    if request.search:
        needle = request.search.lower()
        query = query.where(
            or_(*(func.lower(c).contains(needle, autoescape=True) for c in spec.search))
        )
    for name, value in request.filters.items():
        if name != skip:
            f = spec.filters[name]
            query = query.where(f.where(value) if f.where is not None else f.column == value)
    return query


def _count(session: Session, query: Select[Any]) -> int:
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int(session.execute(counted).scalar_one())


def _order(column: Any, descending: bool) -> ColumnElement[Any]:
    ordered = column.desc() if descending else column.asc()
    return ordered.nulls_last()


def fetch(
    session: Session,
    base: Select[Any],
    spec: ListSpec,
    request: ListRequest,
    *,
    computed: Callable[[dict[str, Any]], Any] | None = None,
    everything: bool = False,
) -> ListPage:
    """One page of ``base`` under ``request`` (normalised first), with the counts.

    ``computed``: the key of a computed sort (required when the request's sort is one of
    ``spec.computed_sorts``); rows whose key is ``None`` come last. ``everything``: every
    matching row in the list's order on one page (a spreadsheet export).
    """
    request = normalise(spec, request)
    scope = _count(session, base)
    filtered = _where(spec, base, request)
    total = _count(session, filtered)
    facets = {}
    for name, f in spec.filters.items():
        if not f.counted:
            continue
        by_value = (
            _where(spec, base, request, skip=name)
            .with_only_columns(f.column, func.count())
            .group_by(f.column)
            .order_by(None)
        )
        facets[name] = {str(v): int(n) for v, n in session.execute(by_value).all() if v is not None}
    pages = max(1, math.ceil(total / request.per_page))
    request = replace(request, page=1 if everything else min(request.page, pages))
    offset = (request.page - 1) * request.per_page
    limit = total if everything else request.per_page
    if request.sort in spec.computed_sorts:
        if computed is None:
            raise ValueError(f"the sort {request.sort!r} needs its key function")
        rows = [dict(r._mapping) for r in session.execute(filtered.order_by(spec.tiebreak))]
        keyed = [(computed(r), i, r) for i, r in enumerate(rows)]
        present = [k for k in keyed if k[0] is not None]
        # A stable sort, also when reversed: equal keys keep the tie-break's ascending order.
        present.sort(key=lambda k: k[0], reverse=bool(request.descending))
        ordered = [r for _, _, r in present] + [r for k, _, r in keyed if k is None]
        page_rows = ordered[offset : offset + limit]
    else:
        query = filtered.order_by(
            _order(spec.sorts[request.sort], bool(request.descending)), spec.tiebreak
        )
        query = query.offset(offset).limit(limit)
        page_rows = [dict(r._mapping) for r in session.execute(query)]
    return ListPage(page_rows, request, total, scope, facets)


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value.lower() if isinstance(value, str) else value)


def fetch_rows(rows: list[dict[str, Any]], spec: ListSpec, request: ListRequest) -> ListPage:
    """One page of ``rows`` (already in the tie-break's order) under ``request``, with the
    counts, as :func:`fetch` answers a query: search (case-insensitive, in the spec's
    ``search`` keys), filters (``row[column] == value`` or ``where(value)(row)``), the facets,
    a stable sort with empty values last in both directions, and the page."""
    request = normalise(spec, request)

    def keep(row: dict[str, Any], skip: str | None = None) -> bool:
        if request.search:
            needle = request.search.lower()
            if not any(needle in str(row.get(k) or "").lower() for k in spec.search):
                return False
        for name, value in request.filters.items():
            if name == skip:
                continue
            f = spec.filters[name]
            if f.where is not None:
                if not f.where(value)(row):
                    return False
            elif str(row.get(f.column)) != value:
                return False
        return True

    matching = [r for r in rows if keep(r)]
    facets: dict[str, dict[str, int]] = {}
    for name, f in spec.filters.items():
        if f.counted:
            counts: dict[str, int] = {}
            for r in rows:
                v = r.get(f.column)
                if v is not None and keep(r, skip=name):
                    counts[str(v)] = counts.get(str(v), 0) + 1
            facets[name] = counts
    column = spec.sorts[request.sort]
    present = [r for r in matching if r.get(column) is not None]
    # A stable sort, also reversed (Python keeps equal keys in the tie-break's order).
    present.sort(key=lambda r: _sort_key(r[column]), reverse=bool(request.descending))
    ordered = present + [r for r in matching if r.get(column) is None]
    total = len(ordered)
    pages = max(1, math.ceil(total / request.per_page))
    request = replace(request, page=min(request.page, pages))
    offset = (request.page - 1) * request.per_page
    return ListPage(ordered[offset : offset + request.per_page], request, total, len(rows), facets)
