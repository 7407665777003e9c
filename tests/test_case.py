"""Reading and validating case folders: every bad cell is named, nothing half-read."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from solver.case import CaseError, parse_week, read_case, write_case
from solver.domain import DwellingType, Pet, PetPolicy, QuotaGroup, SupportMethod

from .helpers import make_case, make_team, make_unit, make_youth, write_folder

YOUTHS_HEADER = (
    "ref,birth_date,referred_on,situation,income_type,monthly_income,rent_ceiling,pet,"
    "household_size,needs_accessible,support_method,support_team,urgent_by\n"
)
GOOD_YOUTH = "Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,none,,\n"


def _full_case():
    youths = [
        make_youth("Y1", pet=Pet.LARGE_DOG, preferred_areas=("A", "B"), monthly_income=6767),
        make_youth(
            "Y2",
            support_method=SupportMethod.CTI,
            support_team="CTI-1",
            urgent_by=date(2026, 12, 1),
        ),
        make_youth("Y3", support_method=SupportMethod.ICM, support_team=None, greenlandic=True),
    ]
    units = [
        make_unit("U1", pets=PetPolicy.ALL, deposit=9000, size_m2=40),
        make_unit("U2", department="D2"),
    ]
    quotas = [QuotaGroup("BoligA", DwellingType.YOUTH, 12, 1, Fraction(1, 3))]
    return make_case(youths, units, [make_team()], quotas, per_department=2)


def test_written_case_reads_back_equal(tmp_path: Path) -> None:
    """write_case then read_case gives the same Case, policy included."""
    case = _full_case()
    write_case(case, tmp_path)
    assert read_case(tmp_path) == case


def test_optional_files_and_columns_take_their_defaults(tmp_path: Path) -> None:
    """No support/quotas/policy files; empty optional cells become the format's defaults."""
    (tmp_path / "youths.csv").write_text(YOUTHS_HEADER + GOOD_YOUTH)
    (tmp_path / "units.csv").write_text(
        "ref,organisation,area,dwelling_type,rooms,rent,available_from\n"
        "U1,BoligA,Centrum,youth,1,2900,2026-12-01\n"
    )
    case = read_case(tmp_path, today=date(2026, 11, 23))
    unit = case.units[0]
    assert (unit.department, unit.utilities, unit.pets, unit.accessible) == (
        "BoligA", 0, PetPolicy.NONE, False)  # fmt: skip
    assert case.youths[0].household_size == 1
    assert case.teams == () and case.quotas == ()
    assert case.policy.run_date == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Y1,2004-13-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,none,,", "birth_date",
         "is not a date"),
        ("Y1,2004-03-01,2025-01-10,sofa,cash_benefit,6767,,none,1,false,none,,", "situation",
         "is not one of"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,-5,,none,1,false,none,,", "monthly_income",
         "must be at least 0"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,lots,,none,1,false,none,,", "monthly_income",
         "is not a whole number"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,0,false,none,,", "household_size",
         "must be at least 1"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,maybe,none,,", "needs_accessible",
         "is not a boolean"),
        ("Y1,2004-03-01,,couch,cash_benefit,6767,,none,1,false,none,,", "referred_on",
         "required value is empty"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,CTI,Ghost,", "support_team",
         "is not a team in support.csv"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,CTI,,", "support_team",
         "required for CTI"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,none,CTI-1,", "support_team",
         "must be empty"),
        ("Y1,2004-03-01,2025-01-10,couch,cash_benefit,6767,,none,1,false,ACT,CTI-1,", "support_team",
         "is a CTI team, not ACT"),
    ],
)  # fmt: skip
def test_bad_youth_cell_is_named_by_file_row_and_column(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    """Each kind of bad cell gives an error naming youths.csv, row 2 and the column."""
    write_folder(tmp_path, make_case(teams=[make_team()]), youths_csv=YOUTHS_HEADER + row + "\n")
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value).startswith(f"youths.csv row 2, column {column}: ")
    assert message in str(err.value)


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    """A required column absent from the header is reported on row 1."""
    header = YOUTHS_HEADER.replace("situation,", "")
    row = GOOD_YOUTH.replace("couch,", "")
    write_folder(tmp_path, youths_csv=header + row)
    with pytest.raises(CaseError, match=r"^youths.csv row 1, column situation: required column"):
        read_case(tmp_path)


def test_missing_required_file_is_named(tmp_path: Path) -> None:
    """units.csv is required."""
    write_folder(tmp_path)
    (tmp_path / "units.csv").unlink()
    with pytest.raises(CaseError, match=r"units\.csv: required file is missing"):
        read_case(tmp_path)


def test_duplicate_refs_are_reported_with_the_first_row(tmp_path: Path) -> None:
    """A repeated unit ref names both rows."""
    case = make_case(units=[make_unit("U1"), make_unit("U2"), make_unit("U1")])
    write_folder(tmp_path, case)
    with pytest.raises(
        CaseError, match=r"units.csv row 4, column ref: duplicate 'U1' \(first on row 2\)"
    ):
        read_case(tmp_path)


def test_every_bad_row_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    """Three problems in two files: all listed, the message says how many more."""
    bad_youths = (
        YOUTHS_HEADER
        + GOOD_YOUTH.replace("2004-03-01", "x")
        + GOOD_YOUTH.replace("Y1", "Y2").replace("6767", "-1")
    )
    write_folder(
        tmp_path,
        youths_csv=bad_youths,
        support_csv="team,method,workers,current_caseload\nT,XYZ,1,0\n",
    )
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    where = {(i.file, i.row, i.column) for i in err.value.issues}
    assert where == {
        ("youths.csv", 2, "birth_date"),
        ("youths.csv", 3, "monthly_income"),
        ("support.csv", 2, "method"),
    }
    assert "(and 2 more)" in str(err.value)


def test_semicolon_csv_with_byte_order_mark_reads_like_the_comma_file(tmp_path: Path) -> None:
    """Danish Excel exports (BOM, ';') read the same as plain CSV."""
    write_folder(tmp_path)
    plain = read_case(tmp_path)
    text = (tmp_path / "units.csv").read_text()
    (tmp_path / "units.csv").write_text("\ufeff" + text.replace(",", ";"), encoding="utf-8")
    assert read_case(tmp_path) == plain


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ("urgent_within_days = -1\n", "urgent_within_days", "must be at least 0"),
        ('urgent_within_days = "soon"\n', "urgent_within_days", "must be a whole number"),
        ("colour = 1\n", "colour", "unknown key"),
        ("[rent_ceiling]\nlottery = 1\n", "rent_ceiling.lottery", "unknown key"),
        ('week = "2026-48"\n', "week", "is not an ISO week"),
        ("default_quota_rate = 2\n", "default_quota_rate", "between 0 and 1"),
        ("youth_dwelling_age = [25]\n", "youth_dwelling_age", "must be [lowest, highest]"),
    ],
)
def test_bad_policy_key_is_named(tmp_path: Path, toml: str, key: str, message: str) -> None:
    """policy.toml errors name the key."""
    write_folder(tmp_path, policy_toml=toml)
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value).startswith(f"policy.toml, {key}: ")
    assert message in str(err.value)


def test_policy_keys_override_defaults(tmp_path: Path) -> None:
    """week, tables and a fraction rate are read; untouched keys keep defaults."""
    write_folder(
        tmp_path,
        policy_toml='week = "2026-W48"\ndefault_quota_rate = "1/3"\n[rent_ceiling]\nsu = 4000\n'
        "[limits]\nper_department = 2\n[weights]\narea = 7\n",
    )
    policy = read_case(tmp_path).policy
    assert policy.run_date == date(2026, 11, 23)
    assert policy.default_quota_rate == Fraction(1, 3)
    assert policy.rent_ceiling[next(k for k in policy.rent_ceiling if k.value == "su")] == 4000
    assert (
        policy.rent_ceiling[next(k for k in policy.rent_ceiling if k.value == "cash_benefit")]
        == 3000
    )
    assert (policy.per_department, policy.weights.area, policy.weights.size) == (2, 7, 100)


def test_iso_week_is_its_monday() -> None:
    """2026-W48 starts on Monday 23 November 2026."""
    assert parse_week("2026-W48") == date(2026, 11, 23)
    assert parse_week("2027-W01") == date(2027, 1, 4)
