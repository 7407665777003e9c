"""Import a week: case-folder files (loose, zipped or a workbook) → validated case → tables.

All or nothing: a bad cell raises :class:`~solver.caseio.issues.CaseError` listing every issue
(file, row, column) and nothing is written; a good case is stored, audited and committed in one
transaction. The one import path of the API, the pages and the CLI.
"""

from __future__ import annotations

from sqlmodel import Session

from solver.caseio.read import read_case_files
from solver.caseio.uploads import upload_files
from solver.caseio.weeks import week_of
from solver.domain import Case

from .audit import audit
from .data import import_case
from .decisions import replace_imported


def import_week(session: Session, case: Case, actor: str) -> tuple[str, dict[str, int]]:
    """Store a validated case for its run week, audit it and commit. Returns the week and the
    counts (``youths_created``, ``youths_updated``, ``dwellings``)."""
    counts = import_case(session, case)
    week = week_of(case.policy.run_date)
    replace_imported(session, week, case.decisions)
    detail = f"{len(case.youths)} youths, {len(case.units)} dwellings"
    audit(session, actor, "import", "week", week, detail)
    session.commit()
    return week, counts


def import_uploads(
    session: Session, uploads: list[tuple[str, bytes]], actor: str
) -> tuple[str, dict[str, int]]:
    """Read uploaded ``(file name, contents)`` as a case and import it (:func:`import_week`)."""
    case = read_case_files(upload_files(uploads))
    return import_week(session, case, actor)
