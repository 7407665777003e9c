"""Reading and validating case folders: every bad cell is named, nothing half-read."""

from __future__ import annotations

import tempfile
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.caseio.issues import CaseError
from solver.caseio.policy import policy_toml
from solver.caseio.read import read_case, read_case_files
from solver.caseio.weeks import parse_week
from solver.caseio.write import write_case
from solver.domain import (
    Case,
    DwellingType,
    FitWeights,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    QuotaGroup,
    SupportMethod,
)

from ..helpers import (
    make_case,
    make_team,
    make_unit,
    make_youth,
    quota_row,
    team_row,
    unit_row,
    write_csvs,
    write_folder,
    youth_row,
)
from .strategies import cases as _cases

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


def test_a_reference_longer_than_the_services_addresses_take_is_named(tmp_path: Path) -> None:
    """A youth's or a dwelling's reference is part of its address in the service (at most 64
    characters): a longer one is refused by every import and form, not stored unreachable."""
    long = "Y" * 65
    case = make_case(youths=[make_youth("Y" * 64), make_youth(long)], units=[make_unit("U" * 70)])
    write_folder(tmp_path, case)
    with pytest.raises(CaseError) as error:
        read_case(tmp_path)
    where = [(i.file, i.row, i.column, i.code) for i in error.value.issues]
    assert where == [
        ("youths.csv", 3, "ref", "ref_too_long"),
        ("units.csv", 2, "ref", "ref_too_long"),
    ]
    assert error.value.issues[0].text("da") == f"'{long}' er længere end 64 tegn"


def test_a_reference_that_would_split_the_services_addresses_is_named(tmp_path: Path) -> None:
    """A reference is one segment of its page's address: with a '/' (or a '\\', which browsers
    read as one) or as '.' or '..' the page could never be opened, so it is refused."""
    bad = ["SAG-2026/123", "<b>X</b>", "A\\B", ".", "..", "A B?", "#1", "50%"]
    youths = [make_youth(ref) for ref in ["SAG-2026-123", *bad]]
    case = make_case(youths=youths, units=[make_unit("B/100"), make_unit("B.100")])
    write_folder(tmp_path, case)
    with pytest.raises(CaseError) as error:
        read_case(tmp_path)
    where = [(i.file, i.row, i.code) for i in error.value.issues]
    assert where == [("youths.csv", row, "ref_in_address") for row in range(3, 11)] + [
        ("units.csv", 2, "ref_in_address")
    ]
    assert (
        error.value.issues[0]
        .text("da")
        .startswith("'SAG-2026/123' kan ikke indgå i en sides adresse")
    )


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


def test_the_default_run_date_is_the_office_s_date_in_copenhagen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case without a run date runs on today in Copenhagen, whatever the machine's zone: at
    23:30 UTC on Sunday 7 March 2027 it is already Monday 8 March (2027-W10) in Copenhagen;
    ``date.today()`` on a UTC server said Sunday, in the week before."""
    from datetime import UTC, datetime

    from solver.caseio import weeks

    instant = datetime(2027, 3, 7, 23, 30, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)

    monkeypatch.setattr(weeks, "datetime", Clock)
    (tmp_path / "youths.csv").write_text(YOUTHS_HEADER + GOOD_YOUTH)
    (tmp_path / "units.csv").write_text(
        "ref,organisation,area,dwelling_type,rooms,rent,available_from\n"
        "U1,BoligA,Centrum,youth,1,2900,2027-03-01\n"
    )
    case = read_case(tmp_path)
    assert case.policy.run_date == date(2027, 3, 8)
    assert weeks.week_of(case.policy.run_date) == "2027-W10"
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert read_case_files(files).policy.run_date == date(2027, 3, 8)


# --------------------------------------------------------------------------- more reading


def test_uploaded_file_contents_read_the_same_as_the_folder(tmp_path: Path) -> None:
    """read_case_files (the service's path) gives the same Case as read_case."""
    write_case(_full_case(), tmp_path)
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert read_case_files(files) == read_case(tmp_path) == _full_case()


@pytest.mark.parametrize(
    ("tables", "file", "row", "column", "shown"),
    [
        ({"youths": [youth_row(), youth_row()]}, "youths.csv", 3, "ref", "'Y1'"),
        ({"units": [unit_row(), unit_row(rent="100")]}, "units.csv", 3, "ref", "'U1'"),
        ({"support": [team_row(), team_row(workers="2")]}, "support.csv", 3, "team", "'CTI-1'"),
        ({"quotas": [quota_row(), quota_row(), quota_row(dwelling_type="family")]},
         "quotas.csv", 3, "dwelling_type", "'BoligA/youth'"),
    ],
)  # fmt: skip
def test_duplicate_key_in_any_file_is_an_error_naming_the_first_row(
    tmp_path: Path, tables: dict, file: str, row: int, column: str, shown: str
) -> None:
    """Youth refs, unit refs, team names and (organisation, dwelling_type) are unique."""
    write_csvs(tmp_path, **tables)
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert (
        str(err.value) == f"{file} row {row}, column {column}: duplicate {shown} (first on row 2)"
    )


def test_icm_youth_without_a_team_is_read_without_error() -> None:
    """An empty support_team is allowed for ICM: support is not in place (an eligibility block)."""
    case = _read(youths=[youth_row(support_method="ICM", support_team="")])
    assert case.youths[0].support_method is SupportMethod.ICM
    assert case.youths[0].support_team is None


def test_team_whose_own_method_is_bad_is_reported_once(tmp_path: Path) -> None:
    """A youth pointing at a team with a bad method cell gets no second, confusing issue."""
    write_csvs(
        tmp_path,
        youths=[youth_row(support_method="CTI", support_team="T")],
        support=[team_row(team="T", method="XYZ")],
    )
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert [str(i) for i in err.value.issues] == [
        "support.csv row 2, column method: 'XYZ' is not one of ICM, CTI, ACT"
    ]


def test_unreadable_support_file_does_not_make_every_team_reference_dangle(tmp_path: Path) -> None:
    """support.csv without its method column: one issue, not one per youth with a team."""
    write_csvs(
        tmp_path,
        youths=[
            youth_row(ref=f"Y{i}", support_method="CTI", support_team="CTI-1") for i in range(3)
        ],
        support=[{"team": "CTI-1", "workers": "1", "current_caseload": "0"}],
    )
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert [str(i) for i in err.value.issues] == [
        "support.csv row 1, column method: required column is missing"
    ]


def test_blank_rows_are_skipped_but_counted_like_a_spreadsheet(tmp_path: Path) -> None:
    """Empty lines and all-empty rows (as Excel leaves them) are not youths; rows keep numbers."""
    write_csvs(tmp_path)
    text = (tmp_path / "youths.csv").read_text()
    bad = youth_row(ref="Y2", birth_date="x")
    line = ",".join(bad.values()) + "\n"
    (tmp_path / "youths.csv").write_text(text + "\n,,,,,\n" + line + ",,,,,\n")
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value) == "youths.csv row 5, column birth_date: 'x' is not a date (YYYY-MM-DD)"
    (tmp_path / "youths.csv").write_text(text + "\n,,,,,\n")
    assert len(read_case(tmp_path).youths) == 1


def test_row_with_more_cells_than_the_header_is_named(tmp_path: Path) -> None:
    """A stray delimiter (e.g. a comma in an unquoted area name) is not silently shifted."""
    write_csvs(tmp_path)
    text = (tmp_path / "units.csv").read_text()
    (tmp_path / "units.csv").write_text(text.replace("Centrum", "Centrum,Nord"))
    with pytest.raises(CaseError, match=r"^units\.csv row 2: has 9 cells but the header has 8$"):
        read_case(tmp_path)


def test_row_with_fewer_cells_than_the_header_has_empty_trailing_cells(tmp_path: Path) -> None:
    """Missing trailing cells are empty: a missing required value is named."""
    write_csvs(tmp_path)
    text = (tmp_path / "units.csv").read_text()
    (tmp_path / "units.csv").write_text(text.rsplit(",", 1)[0] + "\n")
    with pytest.raises(
        CaseError, match=r"^units\.csv row 2, column available_from: required value"
    ):
        read_case(tmp_path)


def test_windows_1252_file_from_danish_excel_keeps_its_letters(tmp_path: Path) -> None:
    """A semicolon file in Windows-1252 (not UTF-8) reads 'Nørrebro', not a replacement char."""
    write_csvs(tmp_path, units=[unit_row(area="Nørrebro", organisation="FSB Ærø")], sep=";",
               encoding="cp1252")  # fmt: skip
    unit = read_case(tmp_path).units[0]
    assert (unit.area, unit.organisation) == ("Nørrebro", "FSB Ærø")


def test_empty_file_is_named(tmp_path: Path) -> None:
    """A youths.csv with no header row at all."""
    write_csvs(tmp_path)
    (tmp_path / "youths.csv").write_text("")
    with pytest.raises(CaseError, match=r"^youths\.csv row 1: the header row is missing$"):
        read_case(tmp_path)


def test_known_column_given_twice_is_an_error_and_extra_columns_are_ignored(
    tmp_path: Path,
) -> None:
    """Two 'rent' columns are ambiguous; an unknown 'note' column is not read."""
    write_csvs(tmp_path, units=[unit_row(note="ring twice")])
    assert read_case(tmp_path).units[0] == make_unit()
    text = (tmp_path / "units.csv").read_text().replace("note", "rent")
    (tmp_path / "units.csv").write_text(text)
    with pytest.raises(CaseError, match=r"^units\.csv row 1, column rent: column appears more"):
        read_case(tmp_path)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("true", True), ("TRUE", True), ("1", True), ("ja", True), ("Ja", True),
     ("false", False), ("False", False), ("0", False), ("nej", False), ("NEJ", False)],
)  # fmt: skip
def test_booleans_accept_true_false_one_zero_ja_nej_in_any_case(cell: str, value: bool) -> None:
    """needs_accessible read from each documented spelling."""
    assert _read(youths=[youth_row(needs_accessible=cell)]).youths[0].needs_accessible is value


@pytest.mark.parametrize("cell", ["2005-W22-1", "20050601", "2005-6-1", "2005-02-30", "01-06-2005"])
def test_dates_must_be_exactly_year_month_day(tmp_path: Path, cell: str) -> None:
    """Other ISO-8601 spellings Python would accept, and impossible days, are errors."""
    write_csvs(tmp_path, youths=[youth_row(birth_date=cell)])
    with pytest.raises(CaseError, match=r"^youths\.csv row 2, column birth_date: .* is not a date"):
        read_case(tmp_path)


@pytest.mark.parametrize(
    ("cell", "message"),
    [("1_000", "'1_000' is not a whole number"), ("3.000", "'3.000' is not a whole number"),
     ("2800.0", "'2800.0' is not a whole number"), ("1e3", "'1e3' is not a whole number"),
     ("+5", "'+5' is not a whole number"), ("99999999999999999", "'99999999999999999' is too large"),
     ("-1", "'-1': an amount must be at least 0")],
)  # fmt: skip
def test_money_is_plain_non_negative_digits(tmp_path: Path, cell: str, message: str) -> None:
    """No separators, decimals, exponents or signs in money; the cell is quoted."""
    write_csvs(tmp_path, units=[unit_row(rent=cell)])
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value) == f"units.csv row 2, column rent: {message}"


def test_cells_are_trimmed_and_lists_split_on_semicolons() -> None:
    """' 2800 ' is 2800; ' Nord ; Syd;;' is ('Nord', 'Syd')."""
    case = _read(
        youths=[youth_row(preferred_areas=" Nord ; Syd;;", excluded_areas="")],
        units=[unit_row(rent=" 2800 ")],
    )
    assert case.youths[0].preferred_areas == ("Nord", "Syd")
    assert case.youths[0].excluded_areas == ()
    assert case.units[0].rent == 2800


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab1 \t\xa0\u2003\x00'=;-\n"), max_size=6),
                min_size=1, max_size=8))  # fmt: skip
def test_a_column_is_cleaned_exactly_as_each_cell_alone(cells: list[str]) -> None:
    """The column-at-once shortcut (skip a column no cell of which needs it) trims and
    unescapes exactly as the plain per-cell statement: Unicode spaces, NULs, quotes."""
    import re

    import pandas as pd

    from solver.caseio.read import _ESCAPED_FORMULA, _clean

    expected = [re.sub(_ESCAPED_FORMULA, "", c.strip()) for c in cells]
    assert _clean(pd.Series(cells, dtype=str)).tolist() == expected


@pytest.mark.parametrize(
    ("cell", "rate"),
    [("0.25", Fraction(1, 4)), ("1/3", Fraction(1, 3)), ("0.1", Fraction(1, 10)),
     ("0,25", Fraction(1, 4)), ("0", Fraction(0)), ("1", Fraction(1)), ("", None)],
)  # fmt: skip
def test_quota_rate_is_an_exact_fraction(cell: str, rate: Fraction | None) -> None:
    """Decimals (also with a Danish decimal comma) and fractions are kept exact; empty = policy."""
    quotas = _read(quotas=[quota_row(rate=cell)], sep=";").quotas
    assert quotas[0].rate == rate


@pytest.mark.parametrize(("cell", "message"), [("1.5", "is not between 0 and 1"),
                                               ("a quarter", "is not a rate"), ("1/0", "is not a rate")])  # fmt: skip
def test_bad_quota_rate_is_named(tmp_path: Path, cell: str, message: str) -> None:
    """Rates outside [0, 1] or not numbers are errors on the rate column."""
    write_csvs(tmp_path, quotas=[quota_row(rate=cell)])
    with pytest.raises(CaseError, match=rf"^quotas\.csv row 2, column rate: '{cell}' {message}"):
        read_case(tmp_path)


def test_birth_date_after_referral_is_an_error(tmp_path: Path) -> None:
    """Domain sanity: a youth cannot be referred before being born."""
    write_csvs(tmp_path, youths=[youth_row(birth_date="2026-01-01", referred_on="2025-11-01")])
    with pytest.raises(
        CaseError, match=r"^youths\.csv row 2, column birth_date: '2026-01-01' is after"
    ):
        read_case(tmp_path)


@pytest.mark.parametrize(
    ("table", "column", "cell"),
    [("units", "rooms", "0"), ("units", "size_m2", "0"), ("support", "workers", "-1"),
     ("support", "current_caseload", "-2"), ("support", "caseload_cap", "-1"),
     ("quotas", "vacancies", "-1"), ("quotas", "claimed", "x")],
)  # fmt: skip
def test_counts_and_sizes_out_of_range_are_named(
    tmp_path: Path, table: str, column: str, cell: str
) -> None:
    """rooms and size_m2 at least 1; workers, caseloads, vacancies and claims at least 0."""
    row = {"units": unit_row, "support": team_row, "quotas": quota_row}[table](**{column: cell})
    write_csvs(tmp_path, **{table: [row]})
    file = {"units": "units.csv", "support": "support.csv", "quotas": "quotas.csv"}[table]
    with pytest.raises(CaseError, match=rf"^{file} row 2, column {column}: '{cell}'"):
        read_case(tmp_path)


def test_issues_are_listed_in_reading_order(tmp_path: Path) -> None:
    """File order, then row, then column, whatever check found them; the first is the message."""
    write_csvs(
        tmp_path,
        youths=[
            youth_row(ref="Y1"),
            youth_row(ref="Y1", support_method="CTI", support_team="Ghost"),
            youth_row(ref="Y3", birth_date="bad", pet="horse"),
        ],
        units=[unit_row(rent="-1")],
        policy="colour = 1\n",
    )
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert [(i.file, i.row, i.column) for i in err.value.issues] == [
        ("youths.csv", 3, "ref"),
        ("youths.csv", 3, "support_team"),
        ("youths.csv", 4, "birth_date"),
        ("youths.csv", 4, "pet"),
        ("units.csv", 2, "rent"),
        ("policy.toml", None, "colour"),
    ]
    assert (
        str(err.value)
        == "youths.csv row 3, column ref: duplicate 'Y1' (first on row 2) (and 5 more)"
    )


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ("run_date = 2026-11-23T10:00:00\n", "run_date", "must be a date like 2026-11-23"),
        ('run_date = "23-11-2026"\n', "run_date", "'23-11-2026' is not a date"),
        ("run_date = 20261123\n", "run_date", "must be a date like 2026-11-23"),
        ('run_date = 2026-11-23\nweek = "2026-W48"\n', "week", "not both"),
        ("week = 48\n", "week", "must be a string"),
        ('week = "2026-W54"\n', "week", "is not an ISO week"),
        ("persons_per_room = 0\n", "persons_per_room", "must be at least 1"),
        (
            "availability_horizon_days = 1.5\n",
            "availability_horizon_days",
            "must be a whole number",
        ),
        ("urgent_within_days = true\n", "urgent_within_days", "must be a whole number"),
        ("youth_dwelling_age = [25, 17]\n", "youth_dwelling_age", "must be [lowest, highest]"),
        ("default_quota_rate = [1]\n", "default_quota_rate", "must be a rate"),
        ('default_quota_rate = "1/0"\n', "default_quota_rate", "is not a rate"),
        ("rent_ceiling = 3000\n", "rent_ceiling", "must be a table"),
        ('[weights]\narea = "high"\n', "weights.area", "must be a whole number"),
        ("[weights]\nluck = 1\n", "weights.luck", "unknown key"),
        ("[limits]\nper_area = 1\n", "limits.per_area", "unknown key"),
        ("[caseload_cap]\nnone = 3\n", "caseload_cap.none", "unknown key"),
        ("run_date = \n", None, "is not valid TOML"),
    ],
)
def test_more_bad_policy_values_are_named_by_key(
    tmp_path: Path, toml: str, key: str | None, message: str
) -> None:
    """Wrong types, impossible values and unknown keys anywhere in policy.toml."""
    write_csvs(tmp_path, policy=toml)
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value).startswith(f"policy.toml, {key}: " if key else "policy.toml: ")
    assert message in str(err.value)


def test_policy_toml_sets_every_key_and_reads_back_exactly(tmp_path: Path) -> None:
    """A policy with every field off its default survives policy_toml → read_case."""
    policy = Policy(
        run_date=date(2027, 3, 1),
        urgent_within_days=14,
        availability_horizon_days=30,
        youth_dwelling_age=(18, 24),
        persons_per_room=1,
        default_quota_rate=Fraction(1, 3),
        rent_ceiling={t: 4000 + i for i, t in enumerate(IncomeType)},
        caseload_cap={SupportMethod.ICM: 7, SupportMethod.CTI: 12, SupportMethod.ACT: 9},
        per_department=3,
        new_moveins_per_worker=2,
        weights=FitWeights(rent_share=2, area=3, availability=4, size=5),
    )
    write_csvs(tmp_path, policy=policy_toml(policy))
    assert read_case(tmp_path).policy == policy


def test_run_date_defaults_to_today_and_accepts_a_string_date(tmp_path: Path) -> None:
    """No run_date or week: the 'today' argument; a quoted date is read like a TOML date."""
    write_csvs(tmp_path, policy="urgent_within_days = 7\n")
    assert read_case(tmp_path, today=date(2026, 1, 5)).policy.run_date == date(2026, 1, 5)
    write_csvs(tmp_path, policy='run_date = "2026-11-25"\n')
    assert read_case(tmp_path, today=date(2026, 1, 5)).policy.run_date == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("week", "monday"),
    [("2026-W01", date(2025, 12, 29)), ("2026-W53", date(2026, 12, 28)),
     ("2027-W52", date(2027, 12, 27))],
)  # fmt: skip
def test_iso_week_is_its_monday_across_year_ends(week: str, monday: date) -> None:
    """ISO weeks may start in the previous year; 2026 has 53 weeks."""
    assert parse_week(week) == monday


@pytest.mark.parametrize("week", ["2027-W53", "2026-W00", "2026-48", "W48", "2026-W4"])
def test_impossible_iso_week_is_an_error(week: str) -> None:
    """2027 has 52 weeks; week 0 and other spellings are not weeks."""
    with pytest.raises(ValueError, match="is not an ISO week"):
        parse_week(week)


def test_case_error_needs_an_issue() -> None:
    """A CaseError always has a first issue to show."""
    with pytest.raises(ValueError, match="at least one issue"):
        CaseError([])


# --------------------------------------------------------------------------- round trip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_cases())
def test_any_valid_case_survives_write_then_read(tmp_path: Path, case: Case) -> None:
    """read_case(write_case(case)) == case for random cases (optional fields, odd text)."""
    write_case(case, tmp_path)
    assert read_case(tmp_path) == case


def _read(sep: str = ",", **tables: Any) -> Case:
    """Read a case written by write_csvs into a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        return read_case(write_csvs(Path(folder), sep=sep, **tables))
