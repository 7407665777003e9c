"""Danish spreadsheets in: a case folder saved the way Danish Excel saves it, and the template
workbook filled in, read exactly like the ISO case folder they were made from."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from solver.caseio import cells
from solver.caseio.issues import CaseError
from solver.caseio.read import read_case, read_case_files
from solver.caseio.schema import COLUMNS, DANISH_HEADINGS, SHEET_ALIASES, column_name
from solver.caseio.uploads import complete_policy, upload_files
from solver.caseio.write import template_workbook
from solver.engine.week import run_case

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures"


def _danish_kroner(text: str) -> str:
    """``2450`` as Danish Excel shows kroner: ``2.450``."""
    return f"{int(text):,}".replace(",", ".")


def _danish_cell(kind: cells.Kind, text: str, row: int) -> str:
    """One ISO cell as a Danish spreadsheet writes it (alternating the date styles and the
    boolean words, so both of each are read)."""
    if text == "":
        return text
    if kind is cells.DATE:
        day = date.fromisoformat(text)
        return day.strftime("%d-%m-%Y" if row % 2 else "%d.%m.%Y")
    if kind is cells.MONEY:
        return _danish_kroner(text) + (",00" if row % 3 == 0 else "")
    if kind is cells.BOOL:
        return {"true": "ja", "false": "nej"}[text.lower()] if row % 2 else text.upper()
    if kind is cells.LIST:
        return ", ".join(part.strip() for part in text.split(";"))
    if kind is cells.RATE:
        return text.replace(".", ",")
    return text


def danish_twin(folder: Path, target: Path) -> Path:
    """The case folder as a Danish spreadsheet saves it: ``;``, Danish headings, dates
    ``dd-mm-åååå``/``dd.mm.åååå``, kroner ``2.450``, ``ja``/``nej``, lists with ``,``; youths
    as UTF-8 with a BOM, the other files in Windows-1252 (Excel's "CSV (semikolonsepareret)")."""
    target.mkdir(parents=True, exist_ok=True)
    for name, columns in COLUMNS.items():
        source = folder / name
        if not source.exists():
            continue
        kinds = {c.name: c.kind for c in columns}
        headings = DANISH_HEADINGS[name]
        with source.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([headings.get(h, h) for h in rows[0]])
        for number, row in enumerate(rows[1:], start=2):
            cells_out = zip(rows[0], row, strict=True)
            writer.writerow(
                [_danish_cell(kinds.get(h, cells.TEXT), v, number) for h, v in cells_out]
            )
        text = out.getvalue()
        data = ("\ufeff" + text).encode() if name == "youths.csv" else text.encode("cp1252")
        (target / name).write_bytes(data)
    (target / "policy.toml").write_bytes((folder / "policy.toml").read_bytes())
    return target


@pytest.mark.parametrize("fixture", ["naestved", "copenhagen"])
def test_a_case_folder_saved_the_danish_spreadsheet_way_reads_exactly_like_its_iso_twin(
    fixture: str, tmp_path: Path
) -> None:
    """Same case, same matches, same reasons for those not housed."""
    iso = read_case(FIXTURES / fixture)
    twin = danish_twin(FIXTURES / fixture, tmp_path / "dk")
    assert ";" in (twin / "units.csv").read_text(encoding="cp1252").splitlines()[0]
    assert "Fødselsdato" in (twin / "youths.csv").read_text(encoding="utf-8-sig")
    danish = read_case(twin)
    assert danish == iso
    a, b = run_case(iso), run_case(danish)
    assert [(m.youth_ref, m.unit_ref) for m in a.matches] == [
        (m.youth_ref, m.unit_ref) for m in b.matches
    ]
    assert a.matches, "the twin test needs a week with matches"
    assert [(u.youth_ref, u.reason) for u in a.unmatched] == [
        (u.youth_ref, u.reason) for u in b.unmatched
    ]


def test_a_danish_heading_and_its_format_name_are_one_column() -> None:
    """Case and spaces do not matter; giving a column under both names is 'given twice'."""
    assert column_name("youths.csv", "  fødselsDATO ") == "birth_date"
    assert column_name("units.csv", "Areal m²") == "size_m2"
    assert column_name("units.csv", "Husleje") == "rent"
    assert column_name("units.csv", "unknown") == "unknown"
    header = "ref;Reference;organisation;area;dwelling_type;rooms;rent;available_from\n"
    files = {"youths.csv": (FIXTURES / "tiny" / "youths.csv").read_bytes(),
             "units.csv": header.encode()}  # fmt: skip
    with pytest.raises(CaseError) as err:
        read_case_files(files, today=date(2026, 11, 23))
    units = [(i.column, i.code) for i in err.value.issues if i.file == "units.csv"]
    assert units == [("ref", "column_twice")]


def test_every_danish_heading_names_a_column_and_every_sheet_alias_a_file() -> None:
    for name, headings in DANISH_HEADINGS.items():
        names = {c.name for c in COLUMNS[name]}
        missing = [c for c in names if c not in headings]
        assert not missing, (name, missing)
        for column, heading in headings.items():
            if column in names:
                assert column_name(name, heading) == column
    assert set(SHEET_ALIASES.values()) == {n.removesuffix(".csv") for n in COLUMNS}


def test_the_template_workbook_filled_in_reads_like_the_case_folder() -> None:
    """Danish sheet names and headings, drop-down lists on every enumeration and yes/no column,
    dates and kroner as Excel cells: filled with naestved, it reads back to naestved."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_workbook("da")))
    assert book.sheetnames == ["vejledning", "unge", "boliger", "støtte", "kvoter",
                               "beslutninger"]  # fmt: skip
    youths = book["unge"]
    headings = [c.value for c in youths[1]]
    assert headings[:3] == ["Reference", "Fødselsdato", "Henvist"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in youths.data_validations.dataValidation}
    situation = headings.index("Boligsituation") + 1
    assert "couch" in lists[f"{chr(64 + situation)}2"]
    assert "ja,nej" in lists[f"{chr(64 + headings.index('Grønlandsk baggrund') + 1)}2"]
    guide = [[c.value for c in row] for row in book["vejledning"].iter_rows()]
    assert any(r[2] == "situation" and "couch = sofasurfer" in (r[5] or "") for r in guide)

    folder = FIXTURES / "naestved"
    for sheet, name in (("unge", "youths.csv"), ("boliger", "units.csv"),
                        ("støtte", "support.csv"), ("kvoter", "quotas.csv")):  # fmt: skip
        ws = book[sheet]
        columns = {c.name: c for c in COLUMNS[name]}
        order = [column_name(name, str(c.value)) for c in ws[1]]
        with (folder / name).open(encoding="utf-8") as fh:
            for r, row in enumerate(csv.DictReader(fh), start=2):
                for i, column in enumerate(order, start=1):
                    text = row.get(column, "")
                    kind = columns[column].kind
                    value: object = text or None
                    if text and kind is cells.DATE:
                        value = date.fromisoformat(text)
                    elif text and kind in (cells.MONEY, cells.COUNT, cells.POSITIVE):
                        value = int(text)
                    elif text and kind is cells.BOOL:
                        value = "ja" if text == "true" else "nej"
                    ws.cell(row=r, column=i, value=value)
    out = io.BytesIO()
    book.save(out)
    files = upload_files([("uge48.xlsx", out.getvalue())])
    assert set(files) == {"youths.csv", "units.csv", "support.csv", "quotas.csv",
                          "decisions.csv"}  # fmt: skip
    files["policy.toml"] = (folder / "policy.toml").read_bytes()
    assert read_case_files(files) == read_case(folder)


def test_files_without_a_week_or_a_policy_are_asked_for_them_never_given_today() -> None:
    files = {"youths.csv": b"ref\n"}
    with pytest.raises(CaseError) as err:
        complete_policy(files, week=None, base_policy=None, use_default=False)
    assert [i.code for i in err.value.issues] == ["policy_missing", "week_missing"]
    with pytest.raises(CaseError) as err:
        complete_policy(files, week=None, base_policy=None, use_default=True)
    assert [i.code for i in err.value.issues] == ["week_missing"]
    done = complete_policy(files, week="2026-W48", base_policy=None, use_default=True)
    assert done["policy.toml"] == b'week = "2026-W48"\n'
    # another week's policy, moved to the given week (its own run date dropped)
    base = b'run_date = "2026-11-16"\nurgent_within_days = 14\n'
    moved = complete_policy(files, week="2026-W48", base_policy=base, use_default=False)
    text = moved["policy.toml"].decode()
    assert 'run_date = "2026-11-23"' in text and "urgent_within_days = 14" in text
    # the files' own policy wins; a different week given is a conflict, the same is fine
    own = {**files, "policy.toml": b'week = "2026-W47"\n'}
    assert complete_policy(own, week=None, base_policy=None, use_default=False) == own
    assert complete_policy(own, week="2026-W47", base_policy=None, use_default=False) == own
    with pytest.raises(CaseError) as err:
        complete_policy(own, week="2026-W48", base_policy=None, use_default=False)
    issue = err.value.issues[0]
    assert issue.code == "week_conflict"
    assert issue.text("da") == "filerne er til uge 47, 2026, ikke uge 48, 2026"
    # a policy without a week takes the given one, before its tables
    loose = {**files, "policy.toml": b"[rent_ceiling]\ncash_benefit = 3100\n"}
    done = complete_policy(loose, week="2026-W48", base_policy=None, use_default=False)
    assert done["policy.toml"].startswith(b'week = "2026-W48"\n[rent_ceiling]')
