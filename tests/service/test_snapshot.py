"""A run solves exactly the snapshot it stores (issue 15): the case built from the week's
stored rows (``usecases.data.week_snapshot``, no CSV parse) is the case its stored files read
as, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

import solver.caseio.read
from service import db
from service.usecases import data, decisions, runs
from service.usecases.imports import import_week
from service.usecases.lifecycle import register_youth
from solver.caseio.read import read_case, read_case_files
from solver.caseio.write import cells_of
from solver.domain import Case
from solver.engine.week import WeekResult, run_case

from .conftest import FIXTURES


def _week_with_everything(session: Session) -> str:
    """Copenhagen, with text a spreadsheet would run, Danish letters, a registered youth and
    the allocator's decisions (a ban and a withholding) in force."""
    case = read_case(FIXTURES / "copenhagen")
    odd = replace(case.youths[0], case_worker="=HYPERLINK(x)", preferred_areas=("Nord, øst", "Syd"))
    unit = replace(case.units[0], address="'Vej 1", contact="+45 11 22 33 44")
    case = replace(case, youths=(odd, *case.youths[1:]), units=(unit, *case.units[1:]))
    week, _ = import_week(session, case, "alloc")
    register_youth(session, "alloc", {
        "ref": "REG-1", "birth_date": "2005-02-03", "referred_on": "2026-01-05",
        "situation": "couch", "income_type": "su", "support_method": "none",
        "monthly_income": "6800", "preferred_areas": "Østerbro;Amager", "case_worker": "-kim",
    })  # fmt: skip
    youth, other = case.youths[1].ref, case.youths[2].ref
    decisions.add(session, week, "alloc", "ban", youth, case.units[1].ref, "=ban reason")
    decisions.add(session, week, "alloc", "ban", other, None, "venter på svar")  # withheld
    return week


def test_the_snapshots_case_is_what_its_files_read_as(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """...built from the stored values' cells: the files are not parsed back (that cost more
    than the engine on a city's week)."""
    with Session(db.get_engine()) as session:
        week = _week_with_everything(session)
        snapshot = data.week_snapshot(session, week)
    assert "decisions.csv" in snapshot.files
    expected = read_case_files(snapshot.files)

    def refuse(*_: Any, **__: Any) -> Case:
        raise AssertionError("the snapshot's files were parsed")

    monkeypatch.setattr(solver.caseio.read, "read_case_files", refuse)
    case = snapshot.case()
    assert case == expected
    assert "REG-1" in {y.ref for y in case.youths}
    assert [(d.unit_ref is None) for d in case.decisions] == [False, True]


def test_a_run_solves_the_case_its_stored_snapshot_reads_as(database_url: str) -> None:
    """The case the engine was given equals reading the run's stored input back (what the run
    page, a re-run and an export read), and its hash is of those files."""
    solved: list[Case] = []

    def spy(case: Case, **kwargs: Any) -> WeekResult:
        solved.append(case)
        return run_case(case, **kwargs)

    engine = db.get_engine()
    with Session(engine) as session:
        week = _week_with_everything(session)
    run, created = runs.request_run(engine, week, "alloc")
    assert created and run.id is not None
    runs.execute_run(engine, run.id, solver=spy)
    with Session(engine) as session:
        stored = runs.get_run(session, run.id)
        assert stored.status == "done", stored.error
        files = data.files_from_json(stored.input_snapshot)
        assert stored.input_hash == data.snapshot_hash(files)
    assert solved == [read_case_files(files)]


@given(
    st.lists(st.lists(st.text(max_size=8), max_size=5), min_size=1, max_size=6),
    st.booleans(),
)
def test_stored_lists_give_the_cells_of_their_decoded_lists(
    lists: list[list[str]], ascii_only: bool
) -> None:
    """A column of stored lists gives the cells ``json.loads`` of each would be written as,
    whether the cells are cut from the text or the lists decoded: quotes, backslashes, ``", "``
    and ``;`` inside an item, control characters, letters beyond ASCII written escaped or not,
    and surrogate pairs."""
    texts = [json.dumps(items, ensure_ascii=ascii_only) for items in lists]
    decoded = [json.loads(t) for t in texts]
    assert cells_of([[v] for v in data._list_cells(texts)]) == cells_of([[v] for v in decoded])


def test_plain_lists_are_cut_and_others_decoded() -> None:
    plain = ["[]", '["A", "B"]', '["x"]', '["Omr\\u00e5de-06", "\u00d8", "\\u00e5"]']
    assert data._cut_cells("\x00".join(plain), 4) == ["", "A;B", "x", "Område-06;Ø;å"]
    others = ['["a\\"b"]', "[1, 2]", '["A","B"]', '["\\u0022"]', '["\\ud83d\\ude00"]',
              '["a\\\\u00e5"]', '["a" ]', '["a\x00b"]', '["a"b"]', "null"]  # fmt: skip
    for other in others:
        assert data._cut_cells(other, 1) is None, other
    for other in others[:6]:
        assert data._list_cells([other]) == [json.loads(other)]
