"""The service's console commands: db upgrade, import, run, user add, serve."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from service import db, settings
from service.cli import app
from service.models import Run, User

from .conftest import FIXTURES, PASSWORD

runner = CliRunner()


def test_import_and_run_print_the_summary_and_a_second_run_is_the_same_run(
    database_url: str,
) -> None:
    """db upgrade is idempotent; tiny's expected matches; run again → the week's run; --force →
    the next generation."""
    tiny = FIXTURES / "tiny"
    youths = len((tiny / "youths.csv").read_text().splitlines()) - 1
    housed = len((tiny / "expected_matches.csv").read_text().splitlines()) - 1
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    imported = runner.invoke(app, ["import", str(tiny)])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["youths_created"] == youths
    first = runner.invoke(app, ["run", "--week", "2026-W48"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["status"], summary["housed"], summary["created"]) == ("done", housed, True)
    assert summary["unmatched_by_reason"]["support_capacity"] >= 1
    again = json.loads(runner.invoke(app, ["run", "--week", "2026-W48"]).stdout)
    assert (again["run"], again["created"]) == (summary["run"], False)
    forced = json.loads(runner.invoke(app, ["run", "--week", "2026-W48", "--force"]).stdout)
    assert forced["run"] != summary["run"] and forced["created"]
    with Session(db.get_engine()) as s:
        assert sorted(r.generation for r in s.exec(select(Run)).all()) == [1, 2]


def test_a_bad_folder_or_week_exits_2_and_imports_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """A bad cell is named by file, row and column; nothing is stored; a bad week is refused."""
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURES / "tiny", folder)
    youths = folder / "youths.csv"
    youths.write_text(youths.read_text().replace("2025-01-15", "15-01-2025", 1))
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 2
    assert "youths.csv row 3, column referred_on" in result.stderr
    assert runner.invoke(app, ["import", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["run", "--week", "2026-W99"]).exit_code == 2
    with Session(db.get_engine()) as s:
        assert s.exec(select(Run)).all() == []


def test_user_add_stores_an_argon2_hash_that_logs_in(database_url: str) -> None:
    """A case worker with two teams; the password is read from stdin and never stored."""
    result = runner.invoke(
        app,
        ["user", "add", "kim", "--role", "caseworker", "--teams", "ICM-1; CTI-Syd",
         "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Session(db.get_engine()) as s:
        user = s.exec(select(User).where(User.username == "kim")).one()
    assert user.teams == ["ICM-1", "CTI-Syd"] and user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash
    from service.app import create_app

    with TestClient(create_app()) as client:
        login = client.post("/api/v1/login/access-token",
                            data={"username": "kim", "password": PASSWORD})  # fmt: skip
        assert login.status_code == 200


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "boss"], PASSWORD, "role 'boss' is not one of"),
        (["--role", "planner"], "short", "at least 12 characters"),
    ],
)
def test_user_add_refuses_a_bad_role_or_a_short_password(
    database_url: str, args: list[str], password: str, message: str
) -> None:
    """Exit 2 with the reason on stderr; no user stored."""
    result = runner.invoke(
        app, ["user", "add", "x", *args, "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code == 2 and message in result.stderr
    with Session(db.get_engine()) as s:
        assert s.exec(select(User)).all() == []


def test_user_add_refuses_an_existing_username(database_url: str) -> None:
    """The second add of the same name exits 2."""
    args = ["user", "add", "x", "--role", "planner", "--password-stdin"]
    assert runner.invoke(app, args, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(app, args, input=PASSWORD + "\n")
    assert again.exit_code == 2 and "exists" in again.stderr


@pytest.fixture
def no_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An empty BOLIGMATCH_SECRET_KEY (restored afterwards, whatever ``serve`` sets), and
    uvicorn.run recorded instead of served."""
    monkeypatch.setenv("BOLIGMATCH_SECRET_KEY", "")
    settings.get_settings.cache_clear()
    calls: dict[str, Any] = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.update(kw))
    yield calls
    settings.get_settings.cache_clear()


def test_serve_with_several_workers_shares_one_ephemeral_key(no_secret: dict[str, Any]) -> None:
    """In dev without a key, the workers get one generated key (else tokens fail across them)."""
    result = runner.invoke(app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert no_secret["workers"] == 2 and no_secret["host"] == "127.0.0.1"
    assert len(os.environ["BOLIGMATCH_SECRET_KEY"]) == 64
    assert "ephemeral key shared by the 2 workers" in result.stderr


def test_serve_in_production_without_a_key_refuses_to_start(
    no_secret: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BOLIGMATCH_ENV=production and no key: exit 2, uvicorn never started."""
    monkeypatch.setenv("BOLIGMATCH_ENV", "production")
    result = runner.invoke(app, ["serve"])
    assert (
        result.exit_code == 2 and "BOLIGMATCH_SECRET_KEY must be at least 32 bytes" in result.stderr
    )
    assert no_secret == {}


def test_scenario_run_from_the_cli_can_start_from_the_live_database(
    database_url: str, tmp_path: Path
) -> None:
    """``base = "database"``: the latest imported week; before any import, exit 2 naming base."""
    f = tmp_path / "live.toml"
    f.write_text('base = "database"\nhorizon_weeks = 3\nreplications = 2\n', encoding="utf-8")
    out = tmp_path / "out"
    empty = runner.invoke(app, ["scenario", "run", str(f), "--out", str(out), "-q"])
    assert empty.exit_code == 2 and "base: the database: nothing has been imported" in empty.stderr
    assert runner.invoke(app, ["import", str(FIXTURES / "naestved")]).exit_code == 0
    done = runner.invoke(
        app, ["scenario", "run", str(f), "--out", str(out), "-q", "--workers", "1"]
    )
    assert done.exit_code == 0, done.output
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["baselines"][0]["spec"]["base"] == "database"
    assert len(result["baselines"][0]["replications"]) == 2


def test_user_add_applies_the_same_name_rules_as_the_api(database_url: str) -> None:
    for args, needle in [(["a b", "--role", "planner"], "user name"),
                         (["cw", "--role", "caseworker", "--teams", "ICM-1,Bad/Team"], "team")]:  # fmt: skip
        r = runner.invoke(app, ["user", "add", *args, "--password-stdin"], input="long-password\n")
        assert r.exit_code == 2 and needle in r.stderr, r.output
    ok = runner.invoke(app, ["user", "add", "cw", "--role", "caseworker", "--teams", "ICM-1, CTI-2",
                             "--password-stdin"], input="long-password\n")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    with Session(db.get_engine()) as s:
        user = s.exec(select(User).where(User.username == "cw")).one()
        assert user.teams == ["ICM-1", "CTI-2"]
