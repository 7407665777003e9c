"""No CPR number where a youth is known by a pseudonymous reference (domain.md: "pseudonymous
case reference (never a CPR number)"): what looks like one (``solver.caseio.privacy``), and the
reader's refusal naming file, row and column without repeating the number."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.caseio.issues import CaseError
from solver.caseio.privacy import cpr_cells, has_cpr
from solver.caseio.read import read_case

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "naestved"


@pytest.mark.parametrize(
    "text",
    ["010190-1234", "0101901234", "010190 1234", "290204-1234", "a 311299-0000 b",
     "ring om 150703-4321 i morgen", "Y-120598-1111", "0101 90 1234", "01 01 90 12 34",
     "01.01.90-1234", "99 010190 1234", "Fensmark;0101901234", "01.01.90 1234"],
)  # fmt: skip
def test_what_looks_like_a_cpr_number(text: str) -> None:
    assert has_cpr(text)


@pytest.mark.parametrize(
    "text",
    ["Y00001", "N00004", "12 34 56 78", "12345678", "kr. 1234567890", "310290-1234",
     "290203-1234", "20260101-1234", "010190-12345", "2010190-1234", "", "4700 Næstved",
     "2026-11-23", "+45 12 34 56 78", "tlf. 20 12 34 56", "1.234.567.890", "01 01 90 12 345",
     "indflytning 23.11.2026 14:30", "kl. 10.30 11.12.2026", "2026-11-23 1234"],
)  # fmt: skip
def test_what_does_not(text: str) -> None:
    assert not has_cpr(text)


@given(
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.integers(0, 9999),
    st.sampled_from(["-", " ", ""]),
    st.text(st.characters(blacklist_categories=("Nd",)), max_size=5),
)
def test_every_date_of_birth_and_serial_is_found_in_any_text(
    born: date, serial: int, separator: str, around: str
) -> None:
    number = f"{born:%d%m%y}{separator}{serial:04d}"
    assert has_cpr(around + number + around)
    cells = ["Y1", None, around + number, "", number + around, "Y2"]
    assert cpr_cells(cells) == [2, 4]


@given(st.integers(1, 12), st.integers(0, 99))
def test_the_day_after_a_months_last_is_not_a_cpr_number(month: int, year: int) -> None:
    first_of_next = date(2000 + (month == 12), month % 12 + 1, 1)
    last = (first_of_next - timedelta(days=1)).day  # 2000 is a leap year: 29 February
    assert not has_cpr(f"{last + 1:02d}{month:02d}{year:02d}-1234")
    assert has_cpr(f"{last:02d}{month:02d}{year:02d}-1234") == (month != 2 or year % 4 == 0)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(FIXTURE, folder)
    return folder


def _replace(folder: Path, file: str, row: int, column: str, value: str) -> None:
    lines = (folder / file).read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    (folder / file).write_text("\n".join(lines) + "\n")


def test_a_cpr_number_as_a_youths_reference_is_refused_without_repeating_it(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    _replace(folder, "youths.csv", 3, "ref", "120598-1111")
    _replace(folder, "youths.csv", 4, "ref", "120598-1111")  # twice: no "duplicate" quoting it
    _replace(folder, "youths.csv", 5, "case_worker", "sb 0101011234")
    _replace(folder, "youths.csv", 6, "preferred_areas", "Fensmark;01 01 90 12 34")
    with pytest.raises(CaseError) as error:
        read_case(folder)
    issues = error.value.issues
    assert [(i.file, i.row, i.column, i.code) for i in issues] == [
        ("youths.csv", 3, "ref", "cpr_number"),
        ("youths.csv", 4, "ref", "cpr_number"),
        ("youths.csv", 5, "case_worker", "cpr_number"),
        ("youths.csv", 6, "preferred_areas", "cpr_number"),
    ]
    for lang in ("en", "da"):
        lines = [f"{i.where(lang)}: {i.text(lang)}" for i in issues]
        assert not any("120598" in line or "0101011234" in line for line in lines)
    assert "CPR-nummer" in issues[0].text("da") and "pseudonyme" in issues[0].text("da")


def test_a_cpr_number_in_a_decisions_reason_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    youth = (folder / "youths.csv").read_text().splitlines()[1].split(",")[0]
    (folder / "decisions.csv").write_text(
        "youth_ref,unit_ref,kind,reason\n"
        f"{youth},,ban,aftalt med rådgiver\n"
        f"{youth},,ban,se sag for 0306021234\n"
    )
    with pytest.raises(CaseError) as error:
        read_case(folder)
    assert [(i.file, i.row, i.column, i.code) for i in error.value.issues] == [
        ("decisions.csv", 3, "reason", "cpr_number")
    ]
