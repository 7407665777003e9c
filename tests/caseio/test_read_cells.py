"""Reading a case from the cells it was written from (a run's snapshot, issue 15): the same
Case, and the same errors, as reading the written files."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.caseio.issues import CaseError
from solver.caseio.policy import policy_toml
from solver.caseio.read import read_case_files, read_cells
from solver.caseio.schema import COLUMNS
from solver.domain import Case, Decision, DecisionKind, Pet, SupportMethod

from ..helpers import make_case, make_unit, make_youth
from .strategies import cases

OBJECTS = {
    "youths.csv": "youths",
    "units.csv": "units",
    "support.csv": "teams",
    "quotas.csv": "quotas",
    "decisions.csv": "decisions",
}


def _values(case: Case) -> dict[str, list[list[Any]]]:
    """Each CSV's rows of values, as the service holds them (every column, the format's order)."""
    return {
        name: [[getattr(o, c.name) for c in COLUMNS[name]] for o in getattr(case, OBJECTS[name])]
        for name in OBJECTS
    }


def _written(case: Case) -> tuple[dict[str, list[list[str]]], dict[str, bytes]]:
    from solver.caseio.write import cells_csv, cells_of

    cells = {name: cells_of(rows) for name, rows in _values(case).items()}
    files = {name: cells_csv([c.name for c in COLUMNS[name]], rows).encode()
             for name, rows in cells.items()}  # fmt: skip
    files["policy.toml"] = policy_toml(case.policy).encode()
    return cells, files


@settings(max_examples=80, deadline=None)
@given(cases())
def test_cells_read_as_their_files_do(case: Case) -> None:
    """read_cells(cells, files) == read_case_files(files) == the case, and the cells' CSV is
    the one writer's text (csv_text of the values) byte for byte."""
    from solver.caseio.write import cells_csv, cells_of, csv_text

    for name, rows in _values(case).items():
        header = [c.name for c in COLUMNS[name]]
        assert cells_csv(header, cells_of(rows)) == csv_text(header, rows)
    cells, files = _written(case)
    assert read_cells(cells, files) == read_case_files(files) == case


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=6),
            st.integers(-5, 10**6),
            st.booleans(),
            st.dates(),
            st.lists(st.text(max_size=4), max_size=3),
            st.fractions(0, 1, max_denominator=9),
            st.sampled_from(list(Pet) + list(SupportMethod)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_a_column_of_any_values_is_written_as_cell_by_cell(values: list[Any]) -> None:
    """The column-at-a-time formatter agrees with the one cell formatter for every mix of
    types (None among text, numbers, dates, lists, enums), formula starts included."""
    from solver.caseio.write import cell, cells_of

    assert [row[0] for row in cells_of([[v] for v in values])] == [cell(v) for v in values]


def test_text_a_spreadsheet_would_run_is_escaped_and_read_back() -> None:
    youths = [make_youth(f"Y{i}", case_worker=text) for i, text in
              enumerate(["=1+1", "'=quoted", "-minus", "@at", "+plus", "''=two", "plain"])]  # fmt: skip
    units = [make_unit("U1", area="=HYPERLINK(x)", address="'kept", contact="+45 11 22 33 44")]
    case = make_case(youths, units)
    case = Case(case.youths, case.units, case.teams, case.quotas, case.policy,
                (Decision(DecisionKind.BAN, "=reason", "Y1", "U1", 2),))  # fmt: skip
    cells, files = _written(case)
    assert cells["youths.csv"][0][-1] == "'=1+1"
    assert read_cells(cells, files) == read_case_files(files) == case


BAD = [
    ("youths.csv", "birth_date", "20030101"),  # date.fromisoformat reads it; the format does not
    ("youths.csv", "birth_date", "2003-02-30"),
    ("youths.csv", "household_size", "0"),  # below the minimum
    ("youths.csv", "household_size", "+2"),  # int() reads it; the format does not
    ("youths.csv", "monthly_income", "-1"),
    ("youths.csv", "monthly_income", "1_000"),
    ("youths.csv", "monthly_income", "1" * 16),
    ("youths.csv", "situation", "sofa"),
    ("youths.csv", "needs_accessible", "maybe"),
    ("youths.csv", "ref", ""),  # required
    ("youths.csv", "ref", "   "),  # blank after trimming
    ("units.csv", "rooms", "٣"),  # a digit, but not an ASCII one
    ("quotas.csv", "rate", "5/4"),
]


@pytest.mark.parametrize(("name", "column", "text"), BAD)
def test_a_cell_the_format_refuses_gives_the_readers_own_error(
    name: str, column: str, text: str
) -> None:
    """Cells not as the writer writes a valid value: read_cells raises exactly the issues
    reading the files raises (file, row, column, code), never a case."""
    from solver.caseio.write import cells_csv
    from solver.domain import QuotaGroup

    case = make_case([make_youth("Y1"), make_youth("Y2")], [make_unit("U1")])
    case = Case(case.youths, case.units, case.teams,
                (QuotaGroup("Org", make_unit("U1").dwelling_type, 4, 0, Fraction(1, 4)),),
                case.policy)  # fmt: skip
    cells, files = _written(case)
    at = [c.name for c in COLUMNS[name]].index(column)
    cells[name][-1][at] = text
    files[name] = cells_csv([c.name for c in COLUMNS[name]], cells[name]).encode()
    with pytest.raises(CaseError) as expected:
        read_case_files(files)
    with pytest.raises(CaseError) as got:
        read_cells(cells, files)
    assert got.value.issues == expected.value.issues


def test_a_row_of_the_wrong_width_reads_the_files() -> None:
    case = make_case([make_youth("Y1")], [make_unit("U1")])
    cells, files = _written(case)
    cells["youths.csv"][0] = cells["youths.csv"][0][:-1]  # the cells lie about the file
    assert read_cells(cells, files) == read_case_files(files) == case


def test_cross_row_checks_are_the_readers() -> None:
    """A duplicate reference and a birth after referral: the same issues either way."""
    youths = [make_youth("Y1"), make_youth("Y1"),
              make_youth("Y2", birth_date=date(2010, 1, 1), referred_on=date(2009, 1, 1))]  # fmt: skip
    cells, files = _written(make_case(youths, [make_unit("U1")]))
    with pytest.raises(CaseError) as expected:
        read_case_files(files)
    with pytest.raises(CaseError) as got:
        read_cells(cells, files)
    assert got.value.issues == expected.value.issues
    assert {i.code for i in got.value.issues} == {"duplicate", "born_after_referral"}


def test_cells_as_written_never_read_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Good cells are converted, not parsed: the fallback is not taken (it would raise here)."""
    import solver.caseio.read as read

    youths = [make_youth("Y1", case_worker="=x", preferred_areas=("Syd", "Nord, øst"))]
    cells, files = _written(make_case(youths, [make_unit("U1", address="  spaced  ")]))

    def refuse(*_: Any, **__: Any) -> Case:
        raise AssertionError("read the files")

    monkeypatch.setattr(read, "read_case_files", refuse)
    assert read.read_cells(cells, files) == read_case_files(files)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789-/+ T٣", max_size=12) | st.dates().map(date.isoformat))
def test_one_date_is_read_as_a_column_of_dates_is(text: str) -> None:
    """parse_date (a policy's run date, without pandas) accepts exactly the cells the column
    check accepts, with the same value."""
    import pandas as pd

    from solver.caseio.cells import DATE, parse_date

    refused = DATE.check(pd.Series([text], dtype=object)).iloc[0] is not None
    if refused:
        with pytest.raises(ValueError):
            parse_date(text)
    else:
        assert parse_date(text) == date.fromisoformat(text)


@given(
    st.lists(
        st.lists(
            st.sampled_from(["", "a", ",", '"', "\r", "\n", "\r\n", "a b", "ø;å", "'x"]),
            min_size=1,
            max_size=4,
        ),
        max_size=5,
    )
)
def test_cells_csv_is_the_csv_writers_text(rows: list[list[str]]) -> None:
    """Joined directly or written by the csv module, the text is the csv writer's: cells it
    quotes (separators, quotes, line breaks alone or in pairs) and rows of one empty cell."""
    import csv
    import io

    from solver.caseio.write import cells_csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["h1", "h2"])
    writer.writerows(rows)
    assert cells_csv(["h1", "h2"], rows) == buf.getvalue()


@pytest.mark.parametrize(
    "areas",
    [
        "Nord",
        "Nord;Syd",
        "Nord; Syd",
        "Nord ;Syd",
        "Nord;;Syd",
        ";Nord",
        "Nord;",
        "Nord;\xa0Syd",
        "Nord;\x1fSyd",
        "Nord; ;Syd",
        "",
    ],
)
def test_list_cells_read_as_their_files_do(areas: str) -> None:
    """Items beside a separator with whitespace (Unicode's too), empty items, an empty cell:
    read_cells splits a column of lists as list_cell does, as reading the files does."""
    from solver.caseio.write import cells_csv

    youth = make_youth(ref="Y1", excluded_areas=())
    cells, files = _written(make_case([youth], [make_unit(ref="U1")]))
    at = [c.name for c in COLUMNS["youths.csv"]].index("excluded_areas")
    cells["youths.csv"][0][at] = areas
    files["youths.csv"] = cells_csv(
        [c.name for c in COLUMNS["youths.csv"]], cells["youths.csv"]
    ).encode()
    assert read_cells(cells, files) == read_case_files(files)
    assert read_cells(cells, files).youths[0].excluded_areas == tuple(
        a.strip() for a in areas.split(";") if a.strip()
    )
