"""The week's proposals for the allocation meeting: a printable page and an Excel workbook.

Both list a finished run's proposed matches with the dwelling and the youth as the meeting
knows them (``usecases.proposal_view``) and the fit in plain Danish; reading them is audited as
``read.proposals``. The page prints on A4 without the site's navigation.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from solver.caseio.write import xlsx_table
from solver.i18n.render import label, text

from ..models import MAX_ID, Run, WorkStatus
from ..usecases.errors import ConflictError, NotFoundError
from ..usecases.gdpr import TOMBSTONE_PREFIX
from ..usecases.proposal_view import WeekProposals, week_proposals
from ..usecases.runs import is_stale
from .common import AllocatorUser, SessionDep, context
from .render import dk_week, render
from .session import PageError, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = ("youth", "situation", "weeks_waited", "support", "team", "urgent_by", "minor",
           "dwelling", "address", "organisation", "department", "area", "dwelling_type", "rooms",
           "size_m2", "rent", "utilities", "monthly_cost", "deposit", "pets", "accessible",
           "available_from", "contact", "fit", "offer")  # fmt: skip
KRONER = tuple(COLUMNS.index(c) for c in ("rent", "utilities", "monthly_cost", "deposit"))


def _load(session: SessionDep, user: AllocatorUser, run_id: int) -> WeekProposals:
    try:
        return week_proposals(session, run_id, user.username)
    except NotFoundError:
        raise PageError(404, "Kørslen findes ikke.", "Ikke fundet") from None
    except ConflictError:
        run = session.get(Run, run_id)
        if run is not None and run.status == WorkStatus.FAILED.value:
            raise PageError(409, "Kørslen fejlede, så den har ingen forslag til mødet.",
                            "Kørslen fejlede") from None  # fmt: skip
        raise PageError(409, "Kørslen er ikke færdig endnu.", "Ikke færdig") from None


def _present(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The proposals of youths still on record (one erased on request is not for the meeting)."""
    return [r for r in rows if not r["proposal"].youth_ref.startswith(TOMBSTONE_PREFIX)]


def fit_sentence(words: list[tuple[str, dict[str, Any]]]) -> str:
    return "; ".join(text(key, "da", **params) for key, params in words)


@router.get("/anvisning/koersler/{run_id}/moede")
def meeting_page(request: Request, session: SessionDep, user: AllocatorUser, run_id: Id):
    """The week's proposals as a printable page for the allocation meeting."""
    week = _load(session, user, run_id)
    return render(
        request,
        "allocator/meeting.html",
        context(
            request,
            user,
            run=week.run,
            rows=_present(week.rows),
            fit_sentence=fit_sentence,
            stale=is_stale(session, week.run),
        ),
    )


def _row(row: dict[str, Any]) -> list[Any]:
    y, d, offer = row.get("youth") or {}, row.get("dwelling") or {}, row.get("offer")
    return [
        row["proposal"].youth_ref, label("situation", y.get("situation"), "da"),
        y.get("weeks_waited"), label("support_method", y.get("support_method"), "da"),
        y.get("support_team"), y.get("urgent_by"), y.get("minor"),
        row["proposal"].dwelling_ref, d.get("address"), d.get("organisation"),
        d.get("department"), d.get("area"), label("dwelling_type", d.get("dwelling_type"), "da"),
        d.get("rooms"), d.get("size_m2"), d.get("rent"), d.get("utilities"),
        d.get("monthly_cost"), d.get("deposit"), label("pet_policy", d.get("pets"), "da"),
        d.get("accessible"), d.get("available_from"), d.get("contact"),
        fit_sentence(row.get("fit_words") or []),
        label("offer_state", offer.state, "da") if offer is not None else "",
    ]  # fmt: skip


@router.get("/anvisning/koersler/{run_id}/forslag.xlsx")
def meeting_workbook(session: SessionDep, user: AllocatorUser, run_id: Id) -> Response:
    """The week's proposals as an Excel workbook (Danish headings and words, kroner and dates as
    numbers and dates)."""
    week = _load(session, user, run_id)
    header = [label("column_meeting", c, "da") for c in COLUMNS]
    title = f"Forslag {dk_week(week.run.week)}"
    data = xlsx_table(title, header, (_row(r) for r in _present(week.rows)), kroner=KRONER)
    name = f"forslag-{week.run.week}-koersel-{run_id}.xlsx"
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
