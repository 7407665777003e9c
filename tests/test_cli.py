"""``boligmatch match``: outputs on success; one line, exit 2 and nothing written on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
runner = CliRunner()


def test_match_writes_the_three_outputs_and_prints_the_summary(tmp_path: Path) -> None:
    """Exit 0, three files, a JSON summary on stdout, stage timings on stderr."""
    result = runner.invoke(app, ["match", str(FIXTURES / "tiny"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "matches.csv", "summary.json", "unmatched.csv"]  # fmt: skip
    assert json.loads(result.stdout)["housed"] == 4
    assert "stage2_priority" in result.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("youths.csv", "2025-01-15", "15-01-2025", "youths.csv row 3, column referred_on: '15-01-2025' is not a date"),
        ("units.csv", "youth,1,", "castle,1,", "units.csv row 2, column dwelling_type: 'castle' is not one of"),
        ("units.csv", ",2600,", ",-2600,", "units.csv row 2, column rent: '-2600': an amount must be at least 0"),
        ("units.csv", ",2600,", ",2.6k,", "units.csv row 2, column rent: '2.6k' is not a whole number"),
        ("youths.csv", "T02,", "T01,", "youths.csv row 3, column ref: duplicate 'T01' (first on row 2)"),
        ("youths.csv", "CTI-Syd", "CTI-Vest", "youths.csv row 2, column support_team: 'CTI-Vest' is not a team"),
        ("units.csv", "benefit_restricted", "restricted", None),
    ],
)  # fmt: skip
def test_bad_case_folder_fails_with_one_line_and_writes_nothing(
    tmp_path: Path, file: str, old: str, new: str, message: str | None
) -> None:
    """Each bad input: exit code 2, one line on stderr naming file/row/column, no output."""
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "tiny", case)
    path = case / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    out = tmp_path / "out"
    result = runner.invoke(app, ["match", str(case), "--out", str(out)])
    if message is None:  # an optional column renamed: extra column ignored, default used
        assert result.exit_code == 0
        return
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
    assert not out.exists()


def test_missing_column_is_named_on_the_header_row(tmp_path: Path) -> None:
    """A required column removed: the header row and the column are named."""
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "tiny", case)
    text = (case / "support.csv").read_text().replace("current_caseload", "caseload")
    (case / "support.csv").write_text(text)
    result = runner.invoke(app, ["match", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "support.csv row 1, column current_caseload: required column is missing" in result.stderr


def test_not_a_folder_is_an_error(tmp_path: Path) -> None:
    """A path that is not a folder fails cleanly."""
    result = runner.invoke(app, ["match", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_priority_compare_prints_each_scheme_with_the_same_number_housed() -> None:
    """`boligmatch priority compare`: one row per named scheme; stage 1 comes first, so the
    count housed is the same under every scheme, and who is housed may differ."""
    result = runner.invoke(app, ["priority", "compare", str(FIXTURES / "naestved")])
    assert result.exit_code == 0, result.output
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert len(rows) == 4  # header + standard, situation, points
    housed = {row.split(" | ")[1] for row in rows[1:]}
    assert len(housed) == 1
