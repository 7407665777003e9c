"""The case lifecycle from the console: ``boligmatch youth add|edit|withdraw|reopen`` and
``boligmatch dwelling add|edit``, checked by the import's reader, audited as ``cli``."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from service import db
from service.cli import app
from service.models import AuditEvent, DwellingRecord, YouthRecord

from .conftest import FIXTURES

runner = CliRunner()
WEEK = "2026-W48"


def _ok(*args: str) -> dict:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    return result.stderr


def test_a_youth_is_added_edited_withdrawn_and_reopened_from_the_console(
    database_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["import", str(FIXTURES / "tiny")]).exit_code == 0
    added = _ok("youth", "add", "-f", "ref=C00001", "-f", "birth_date=2004-03-02",
                "-f", "referred_on=2026-10-01", "-f", "situation=couch",
                "-f", "income_type=su", "-f", "support_method=none",
                "-f", "preferred_areas=Næstved;Fensmark")  # fmt: skip
    assert added["status"] == "waiting" and added["preferred_areas"] == ["Næstved", "Fensmark"]
    # A one-row CSV in the Danish dialect and headings, as a spreadsheet saves it.
    sheet = tmp_path / "ung.csv"
    sheet.write_text("Reference;Fødselsdato;Henvist;Boligsituation;Indkomsttype;Støttemetode\n"
                     "C00002;02-03-2005;01-10-2026;street;cash_benefit;none\n", encoding="utf-8")  # fmt: skip
    assert _ok("youth", "add", "--csv", str(sheet))["birth_date"] == "2005-03-02"
    # The import's messages, naming the column; nothing written.
    err = _refused("youth", "add", "-f", "ref=C00003", "-f", "birth_date=2004-13-01",
                   "-f", "referred_on=2026-10-01", "-f", "situation=couch",
                   "-f", "income_type=su", "-f", "support_method=none")  # fmt: skip
    assert "birth_date: '2004-13-01' is not a date (YYYY-MM-DD)" in err
    two = tmp_path / "to.csv"
    two.write_text(sheet.read_text() + "C00009;02-03-2005;01-10-2026;street;su;none\n")
    assert "exactly one row" in _refused("youth", "add", "--csv", str(two))
    assert "exists" in _refused("youth", "add", "--csv", str(sheet))
    assert "either --csv" in _refused("youth", "add")

    edited = _ok("youth", "edit", "C00001", "-f", "rent_ceiling=3100", "-f", "preferred_areas=")
    assert edited["rent_ceiling"] == 3100 and edited["preferred_areas"] == []
    assert "rent_ceiling: 'lots' is not a whole number" in _refused(
        "youth", "edit", "C00001", "-f", "rent_ceiling=lots"
    )
    assert "not found" in _refused("youth", "edit", "NOBODY", "-f", "pet=cat")

    assert "needs a text" in _refused("youth", "withdraw", "C00001", "--reason", "other")
    gone = _ok("youth", "withdraw", "C00001", "--reason", "housed_otherwise")
    assert (gone["status"], gone["withdrawn_reason"]) == ("withdrawn", "housed_otherwise")
    assert "withdrawn" in _refused("youth", "withdraw", "C00001", "--reason", "moved_away")
    assert _ok("youth", "reopen", "C00001")["status"] == "waiting"
    assert "not withdrawn" in _refused("youth", "reopen", "C00001")
    with Session(db.get_engine()) as s:
        assert s.exec(select(YouthRecord).where(YouthRecord.ref == "C00003")).first() is None
        events = s.exec(select(AuditEvent).where(AuditEvent.actor == "cli")).all()
        actions = [e.action for e in events if e.action.startswith("youth.")]
    assert actions == ["youth.create", "youth.create", "youth.edit", "youth.withdraw",
                       "youth.reopen"]  # fmt: skip


def test_a_dwelling_is_added_and_edited_from_the_console(database_url: str) -> None:
    assert runner.invoke(app, ["import", str(FIXTURES / "tiny")]).exit_code == 0
    flat = ["-f", "ref=K00001", "-f", "organisation=Privat", "-f", "area=Næstved",
            "-f", "dwelling_type=private", "-f", "rooms=1", "-f", "rent=2600",
            "-f", "available_from=2026-12-01", "-f", "address=Axeltorv 2, 4700 Næstved",
            "-f", "contact=55 00 00 00"]  # fmt: skip
    added = _ok("dwelling", "add", "--week", WEEK, *flat)
    assert added["status"] == "vacant" and added["address"] == "Axeltorv 2, 4700 Næstved"
    assert "already" in _refused("dwelling", "add", "--week", WEEK, *flat)
    assert "No import" in _refused("dwelling", "add", "--week", "2031-W02", *flat)
    assert "rooms:" in _refused("dwelling", "edit", "K00001", "--week", WEEK, "-f", "rooms=0")
    edited = _ok("dwelling", "edit", "K00001", "--week", WEEK, "-f", "rent=2700")
    assert edited["rent"] == 2700 and edited["contact"] == "55 00 00 00"
    with Session(db.get_engine()) as s:
        row = s.exec(select(DwellingRecord).where(DwellingRecord.ref == "K00001")).one()
        assert (row.week, row.rent, row.rooms) == (WEEK, 2700, 1)
