"""The ``boligmatch`` console script: the engine's commands (``solver.cli``) plus the service's.

The database is ``BOLIGMATCH_DATABASE_URL`` (default: ``sqlite:///./boligmatch.db``). Each command
imports the service when it runs (see ``solver.cli``), so a CLI call loads only what it uses.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from solver.cli import app
from solver.domain import Case
from solver.planning.bases import register_base_loader

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
youth_app = typer.Typer(
    help="One youth: register, edit, withdraw, reopen; access and erasure (GDPR).",
    no_args_is_help=True,
)
dwelling_app = typer.Typer(help="One vacant dwelling: register, edit.", no_args_is_help=True)
retention_app = typer.Typer(help="Retention of personal data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(youth_app, name="youth")
app.add_typer(dwelling_app, name="dwelling")
app.add_typer(retention_app, name="retention")


def _database_case(_: str) -> Case:
    """``base = "database"`` in a scenario file run from the CLI: the latest imported week."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.data import live_case

    with Session(get_engine()) as session:
        try:
            return live_case(session)
        except LookupError as exc:
            raise ValueError(f"the database: {exc}") from None


register_base_loader("database", _database_case)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest revision."""
    from .migrate import upgrade
    from .settings import get_settings

    upgrade(get_settings().database_url)
    typer.echo("database at the latest revision", err=True)


@db_app.command("grant-app")
def db_grant_app(
    role: Annotated[str, typer.Argument(help="The PostgreSQL role the service connects as")],
) -> None:
    """PostgreSQL: grant the service's role every table but no UPDATE/DELETE on the audit log
    (run as the schema's owner after each upgrade)."""
    from .migrate import grant_app_role
    from .settings import get_settings

    try:
        grant_app_role(get_settings().database_url, role)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"granted {role}", err=True)


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, allocator, planner or caseworker")],
    teams: Annotated[str, typer.Option(help="Case worker's teams, ',' or ';'-separated")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Add a user. The password is asked for (or read from stdin); it is never a default."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.errors import InvalidRequest
    from .usecases.users import NewUser, create_user

    team_list = tuple(t.strip() for t in re.split("[,;]", teams) if t.strip())
    password = _read_password(password_stdin)
    with Session(get_engine()) as session:
        try:
            create_user(session, "cli", NewUser(username, password, role, team_list))
        except InvalidRequest as exc:
            _fail("; ".join(exc.texts("en")))
    typer.echo(f"added {role} {username}", err=True)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _user_change(username: str, **change: Any) -> None:
    """Apply an admin's change to a user (``usecases.users``; audited as ``cli``)."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.errors import InvalidRequest, NotFoundError
    from .usecases.users import reset_password, update_user

    with Session(get_engine()) as session:
        try:
            if "password" in change:
                reset_password(session, "cli", username, change["password"])
            else:
                update_user(session, "cli", username, **change)
        except NotFoundError:
            _fail(f"no user {username!r}")
        except InvalidRequest as exc:
            _fail("; ".join(exc.texts("en")))


@user_app.command("list")
def user_list() -> None:
    """List the users: name, role, teams, active."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.users import list_users

    with Session(get_engine()) as session:
        for u in list_users(session):
            state = "active" if u.active else "deactivated"
            typer.echo(f"{u.username}\t{u.role}\t{','.join(u.teams)}\t{state}")


@user_app.command("deactivate")
def user_deactivate(username: str) -> None:
    """Deactivate a user: their sessions end at once and they cannot sign in."""
    _user_change(username, active=False)
    typer.echo(f"deactivated {username}", err=True)


@user_app.command("activate")
def user_activate(username: str) -> None:
    """Reactivate a user (they sign in again)."""
    _user_change(username, active=True)
    typer.echo(f"reactivated {username}", err=True)


@user_app.command("set-password")
def user_set_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Give a user a new password (the policy applies); their sessions end."""
    _user_change(username, password=_read_password(password_stdin))
    typer.echo(f"new password for {username}", err=True)


@user_app.command("set-role")
def user_set_role(
    username: str,
    role: Annotated[str, typer.Option(help="admin, allocator, planner or caseworker")],
    teams: Annotated[str, typer.Option(help="Case worker's teams, ',' or ';'-separated")] = "",
) -> None:
    """Change a user's role and teams."""
    team_list = tuple(t.strip() for t in re.split("[,;]", teams) if t.strip())
    _user_change(username, role=role, teams=team_list)
    typer.echo(f"{username} is now {role}", err=True)


@youth_app.command("export")
def youth_export(
    ref: str,
    html: Annotated[bool, typer.Option(help="The readable Danish page instead of JSON")] = False,
) -> None:
    """Everything stored about one youth (GDPR Art. 15), as JSON or a Danish page."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.errors import NotFoundError
    from .usecases.gdpr import export_youth

    with Session(get_engine()) as session:
        try:
            data = export_youth(session, "cli", ref)
        except NotFoundError:
            _fail(f"no youth {ref!r}")
            return
    if html:
        from .web.render import export_page

        typer.echo(export_page(data))
    else:
        typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


@youth_app.command("erase")
def youth_erase(
    ref: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log; no personal data)")],
) -> None:
    """Erase one youth's personal data everywhere (GDPR Art. 17)."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.errors import ConflictError, InvalidRequest, NotFoundError
    from .usecases.gdpr import erase_youth

    if not 1 <= len(reason.strip()) <= 500:
        _fail("--reason: 1-500 characters")
    with Session(get_engine()) as session:
        try:
            erasure = erase_youth(session, "cli", ref, reason.strip())
        except NotFoundError:
            _fail(f"no youth {ref!r}")
            return
        except InvalidRequest as exc:
            _fail("--reason: " + "; ".join(exc.texts("en")))
            return
        except ConflictError as exc:
            _fail(str(exc))
            return
    typer.echo(json.dumps({"tombstone": erasure.tombstone, "erased_at": str(erasure.erased_at)}))


@retention_app.command("apply")
def retention_apply(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report, change nothing")] = False,
) -> None:
    """Erase closed cases and drop old run snapshots past BOLIGMATCH_RETENTION_* days."""
    from dataclasses import asdict

    from sqlmodel import Session

    from .db import get_engine
    from .usecases.gdpr import apply_retention

    with Session(get_engine()) as session:
        report = apply_retention(session, "cli", dry_run=dry_run)
    typer.echo(json.dumps({"dry_run": dry_run, **asdict(report)}, indent=2, default=str))


# ----------------------------------------------------------------------------- the lifecycle
FieldOpt = Annotated[
    list[str] | None,
    typer.Option("--field", "-f", help="COLUMN=VALUE, as the cell in the case file (repeat)"),
]
CsvOpt = Annotated[
    Path | None, typer.Option("--csv", help="A one-row youths.csv/units.csv (any import dialect)")
]


def _fields(pairs: list[str] | None) -> dict[str, str | None]:
    """``--field column=value`` pairs; an empty value empties an optional column."""
    out: dict[str, str | None] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            _fail(f"--field {pair!r}: write COLUMN=VALUE")
        out[name.strip()] = value.strip() or None
    return out


def _lifecycle(action: Any, *args: Any) -> Any:
    """Run a lifecycle use case as ``cli``; its errors as one line on stderr (exit 2)."""
    from sqlmodel import Session

    from .db import get_engine
    from .usecases.errors import ConflictError, InvalidRequest, NotFoundError

    with Session(get_engine()) as session:
        try:
            return action(session, "cli", *args)
        except InvalidRequest as exc:
            _fail("; ".join(exc.issues))
        except (ConflictError, NotFoundError) as exc:
            _fail(str(exc))


def _echo_record(record: Any, fields: tuple[str, ...]) -> None:
    out = {k: getattr(record, k) for k in ("ref", "status", *fields)}
    typer.echo(json.dumps(out, default=str, ensure_ascii=False))


def _source(fields: list[str] | None, csv: Path | None) -> tuple[Any, bytes | None]:
    if (csv is None) == (not fields):
        _fail("give either --csv FILE or --field COLUMN=VALUE flags")
    if csv is not None:
        if not csv.is_file():
            _fail(f"{csv}: no such file")
        return None, csv.read_bytes()
    return _fields(fields), None


@youth_app.command("add")
def youth_add(field: FieldOpt = None, csv: CsvOpt = None) -> None:
    """Register one waiting youth: the columns of youths.csv, checked as an import checks them."""
    from .usecases.lifecycle import YOUTH_FIELDS, register_youth

    values, raw = _source(field, csv)
    _echo_record(_lifecycle(register_youth, values, raw), YOUTH_FIELDS[1:])


@youth_app.command("edit")
def youth_edit(ref: str, field: FieldOpt = None) -> None:
    """Change some columns of a youth (--field COLUMN=VALUE; an empty VALUE empties it)."""
    from .usecases.lifecycle import YOUTH_FIELDS, edit_youth

    if not field:
        _fail("give at least one --field COLUMN=VALUE")
    _echo_record(_lifecycle(edit_youth, ref, _fields(field)), YOUTH_FIELDS[1:])


@youth_app.command("withdraw")
def youth_withdraw(
    ref: str,
    reason: Annotated[str, typer.Option(help="housed_otherwise, moved_away, left_target_group, "
                                        "no_contact or other")],
    text: Annotated[str, typer.Option(help="Why, in words (required for other)")] = "",
) -> None:  # fmt: skip
    """Withdraw (close) a waiting or offered youth; their live offers are withdrawn with them."""
    from .usecases.lifecycle import withdraw_youth

    record, offers = _lifecycle(withdraw_youth, ref, reason, text or None)
    _echo_record(record, ("withdrawn_reason",))
    for offer in offers:
        typer.echo(f"offer {offer.id} withdrawn", err=True)


@youth_app.command("reopen")
def youth_reopen(ref: str) -> None:
    """A withdrawn youth waits again."""
    from .usecases.lifecycle import reopen_youth

    _echo_record(_lifecycle(reopen_youth, ref), ())


@dwelling_app.command("add")
def dwelling_add(
    week: Annotated[str, typer.Option(help="ISO week of an import, e.g. 2026-W48")],
    field: FieldOpt = None,
    csv: CsvOpt = None,
) -> None:
    """Register one vacant dwelling in an imported week (the columns of units.csv)."""
    from .usecases.lifecycle import UNIT_FIELDS, register_dwelling

    values, raw = _source(field, csv)
    _echo_record(_lifecycle(register_dwelling, week, values, raw), ("week", *UNIT_FIELDS[1:]))


@dwelling_app.command("edit")
def dwelling_edit(
    ref: str,
    week: Annotated[str, typer.Option(help="ISO week of an import, e.g. 2026-W48")],
    field: FieldOpt = None,
) -> None:
    """Change some columns of a vacant dwelling (--field COLUMN=VALUE)."""
    from .usecases.lifecycle import UNIT_FIELDS, edit_dwelling

    if not field:
        _fail("give at least one --field COLUMN=VALUE")
    record = _lifecycle(edit_dwelling, week, ref, _fields(field))
    _echo_record(record, ("week", *UNIT_FIELDS[1:]))


@app.command("import")
def import_command(case_dir: Path) -> None:
    """Import a case folder into the database (all or nothing)."""
    from sqlmodel import Session

    from solver.caseio.issues import CaseError
    from solver.caseio.read import read_case

    from .db import get_engine
    from .usecases.imports import import_week

    if not case_dir.is_dir():
        _fail(f"{case_dir}: not a folder")
    try:
        case = read_case(case_dir)
    except CaseError as exc:
        _fail(str(exc))
        return
    with Session(get_engine()) as session:
        week, counts = import_week(session, case, "cli")
    typer.echo(json.dumps({"week": week, **counts}))


@app.command("run")
def run_command(
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48")],
    force: Annotated[bool, typer.Option(help="Run again even if the week has a run")] = False,
) -> None:
    """Run the week's matching (the same as POST /api/v1/runs) and print its summary."""
    from sqlmodel import Session

    from solver.caseio.weeks import parse_week

    from .db import get_engine
    from .jobs import Heartbeat
    from .models import Proposal, Run
    from .usecases.runs import execute_run, request_run

    try:
        parse_week(week)
    except ValueError as exc:
        _fail(str(exc))
    from .usecases.errors import ConflictError

    engine = get_engine()
    try:
        run, created = request_run(engine, week, "cli", force)
    except ConflictError as exc:
        _fail(str(exc))
        return
    assert run.id is not None
    if created:
        with Heartbeat(get_engine):  # the run's lease, renewed while it is solved here
            execute_run(engine, run.id)
    with Session(engine) as session:
        done = session.get(Run, run.id)
        assert done is not None
        from sqlmodel import select

        rows = session.exec(select(Proposal).where(Proposal.run_id == run.id)).all()
        reasons: dict[str, int] = {}
        for p in rows:
            if p.reason:
                reasons[p.reason] = reasons.get(p.reason, 0) + 1
        summary = {
            "run": run.id,
            "week": week,
            "created": created,
            "status": done.status,
            "result": done.result_status,
            "housed": sum(1 for p in rows if p.dwelling_ref),
            "unmatched_by_reason": dict(sorted(reasons.items())),
            "error": done.error,
        }
    typer.echo(json.dumps(summary, indent=2))
    if done.status == "failed":
        raise typer.Exit(code=1)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core)")] = 1,
) -> None:
    """Serve the API (OpenAPI docs at /api/docs)."""
    import os

    import uvicorn
    from pydantic import ValidationError

    from .settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        _fail(exc.errors()[0]["msg"])
        return
    if settings.ephemeral_key and workers > 1:
        # Each worker process reads its own settings: without this, every worker would sign
        # with a different ephemeral key and reject the others' tokens.
        os.environ["BOLIGMATCH_SECRET_KEY"] = settings.secret_key
        typer.echo(f"no BOLIGMATCH_SECRET_KEY: an ephemeral key shared by the {workers} workers "
                   "(tokens end on restart)", err=True)  # fmt: skip
    # httptools + uvloop (uvicorn[standard]); no access log (a line per request costs CPU and
    # the structured logs carry what matters).
    uvicorn.run("service.cli:serving_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, http="httptools", loop="uvloop")  # fmt: skip


def serving_app() -> Any:
    """``create_app()`` for ``serve``, with everything loaded at start-up moved out of the
    garbage collector's sight (``gc.freeze``): a full collection otherwise walks those ~140,000
    long-lived objects and stops the worker for ~45 ms, a visible share of the p99), and the
    import process started."""
    import gc

    from .app import create_app
    from .db import get_engine
    from .jobs import start_import_process

    app = create_app()
    # loads and connects while the server starts: the first import does not wait
    start_import_process(get_engine().url.render_as_string(hide_password=False))
    gc.collect()
    gc.freeze()
    return app


def main() -> None:  # pragma: no cover - exercised through the console script
    app(prog_name="boligmatch")
