"""``boligmatch scenario report``: engine vs greedy vs hindsight and the priority schemes as
Markdown, written between the README's markers (again and again, the rest untouched)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from service.cli import app
from solver.reports.policy import END, START

runner = CliRunner()

HEAD = 'base = "naestved"\nhorizon_weeks = 4\nreplications = 2\nseed = 3\n'


def _files(tmp: Path) -> list[str]:
    files = {
        "baseline": "",
        "greedy-matching": '[[changes]]\nkind = "matching"\nmethod = "greedy"\n',
        "priority-points": '[[changes]]\nkind = "priority"\norder = ["points", "waiting"]\n'
        "[changes.points]\nstreet = 40\nshelter = 30\nper_week_waiting = 1\n",
    }
    out = []
    for name, body in files.items():
        f = tmp / f"{name}.toml"
        f.write_text(f'name = "{name}"\n{HEAD}{body}', encoding="utf-8")
        out.append(str(f))
    return out


def test_the_report_compares_engine_greedy_hindsight_and_schemes(tmp_path: Path) -> None:
    files = _files(tmp_path)
    r = runner.invoke(app, ["scenario", "report", *files, "--workers", "1"])
    assert r.exit_code == 0, r.output
    md = r.stdout
    assert "engine vs greedy vs hindsight" in md and "Which priority scheme serves whom" in md
    assert "| Youths housed |" in md and "hindsight bound" in md
    assert "| couch |" in md and "priority-points − standard" in md
    assert "2 replications, seed 3" in md and "boligmatch scenario report" in md

    readme = tmp_path / "README.md"
    readme.write_text("# Results\n\nIntro.\n", encoding="utf-8")
    for _ in range(2):  # idempotent: replaced between the markers
        r = runner.invoke(app, ["scenario", "report", *files, "--workers", "1", "--readme",
                                "--readme-path", str(readme)])  # fmt: skip
        assert r.exit_code == 0, r.output
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nIntro.\n") and text.count(START) == text.count(END) == 1
    body = md.strip().split("\n", 1)[1]  # the first line names the command (with --readme)
    assert body in text and "--readme" in text


def test_the_report_needs_one_shared_baseline(tmp_path: Path) -> None:
    files = _files(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(f'name = "other"\n{HEAD.replace("seed = 3", "seed = 4")}', encoding="utf-8")
    r = runner.invoke(app, ["scenario", "report", *files, str(other), "--workers", "1"])
    assert r.exit_code == 2 and "one baseline" in r.stderr
