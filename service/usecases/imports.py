"""Import a week: case-folder files (loose, zipped or a workbook) → validated case → tables.

All or nothing: a bad cell raises :class:`~solver.caseio.issues.CaseError` listing every issue
(file, row, column) and nothing is written; a good case is stored, audited and committed in one
transaction. The one import path of the API, the pages and the CLI.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.read import read_case_files
from solver.caseio.uploads import complete_policy, upload_files
from solver.caseio.weeks import week_of
from solver.domain import Case

from ..models import WeekPolicy
from .audit import audit
from .data import import_case
from .decisions import replace_imported
from .gdpr import erased_on_request


def import_week(session: Session, case: Case, actor: str) -> tuple[str, dict[str, Any]]:
    """Store a validated case for its run week, audit it and commit. Returns the week and the
    counts (``youths_created``, ``youths_updated``, ``dwellings``) and the references of the
    ``missing_youths`` (waiting youths the import no longer lists: the allocator confirms)."""
    refuse_erased(session, case)
    counts = import_case(session, case)
    week = week_of(case.policy.run_date)
    replace_imported(session, week, case.decisions)
    detail = f"{len(case.youths)} youths, {len(case.units)} dwellings"
    audit(session, actor, "import", "week", week, detail)
    session.commit()
    return week, counts


def refuse_erased(session: Session, case: Case) -> None:
    """A CaseError naming the row of each youth erased on request (GDPR Art. 17) whom the case
    lists again: importing them would bring back what the erasure removed
    (``usecases.gdpr``)."""
    erased = erased_on_request(session, (y.ref for y in case.youths))
    if not erased:
        return
    rows: tuple[int | None, ...] = case.youth_rows
    if len(rows) != len(case.youths):  # a case not read from files
        rows = (None,) * len(case.youths)
    issues = [
        CaseIssue("youths.csv", row, "ref", "ref_erased",
                  {"cell": y.ref, "erased_on": erased[y.ref].erased_at.date()})
        for y, row in zip(case.youths, rows, strict=True)
        if y.ref in erased
    ]  # fmt: skip
    raise CaseError(issues)


def import_uploads(
    session: Session,
    uploads: list[tuple[str, bytes]],
    actor: str,
    *,
    ask: bool = False,
    week: str | None = None,
    policy: str = "",
) -> tuple[str, dict[str, Any]]:
    """Read uploaded ``(file name, contents)`` as a case and import it (:func:`import_week`).

    ``ask`` (the pages): files without a week or a policy (a workbook has no ``policy.toml``)
    are not given today's week and the default policy silently; they take ``week`` (an ISO
    week) and ``policy`` (``"latest"``: the latest imported week's, ``"default"``), or a
    CaseError asks for them (``solver.caseio.uploads.complete_policy``). Without ``ask`` (the
    API and the CLI) a missing ``policy.toml`` means every default, as the case format says.
    """
    files = upload_files(uploads)
    if ask:
        base = None
        if policy == "latest":
            latest = session.exec(
                select(WeekPolicy).order_by(col(WeekPolicy.week).desc()).limit(1)
            ).first()
            if latest is None and "policy.toml" not in files:
                raise CaseError([CaseIssue("policy.toml", None, None, "no_latest_policy")])
            base = latest.policy_toml.encode() if latest is not None else None
        files = complete_policy(files, week=week, base_policy=base, use_default=policy == "default")
    case = read_case_files(files)
    return import_week(session, case, actor)
