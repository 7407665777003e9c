"""HTTP routes under /api/v1. Thin: validation, access control, audit; the work is elsewhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from solver.caseio.read import read_case_files
from solver.caseio.uploads import upload_files
from solver.caseio.weeks import parse_week

from .audit import audit, audit_read
from .auth import hash_password, issue_token, verify_password
from .db import get_engine, read_connection, run_db
from .deps import (
    PERSON_ROLES,
    Admin,
    AggregateReader,
    Allocator,
    CurrentUser,
    PersonReader,
    SessionDep,
    end_sessions,
    oauth2,
    person_read,
)
from .models import (
    TEAM_PATTERN,
    USERNAME_PATTERN,
    AuditEvent,
    DeclineReason,
    Offer,
    Proposal,
    QuotaRecord,
    Role,
    Run,
    TeamRecord,
    User,
    YouthRecord,
    YouthStatus,
)
from .offers import expire_due, make_offer, transition
from .poolcache import queue_info
from .runs import request_run
from .settings import get_settings
from .store import import_week
from .waitcache import expected_wait

router = APIRouter(prefix="/api/v1")

MAX_ID = 2**31 - 1  # the database's integer range: anything larger cannot exist
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


# ----------------------------------------------------------------------------- login, users
class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/login/access-token", tags=["login"])
def login(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    user = session.exec(select(User).where(User.username == form.username)).first()
    if user is None or not user.active or not verify_password(form.password, user.password_hash):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Incorrect username or password")
    settings = get_settings()
    return Token(
        access_token=issue_token(user.username, settings.secret_key, settings.token_minutes)
    )


class UserPublic(BaseModel):
    username: str
    role: Role
    teams: list[str]


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="Letters, digits, . _ @ -")
    password: str = Field(min_length=8, max_length=256)
    role: Role
    teams: list[Annotated[str, Field(pattern=TEAM_PATTERN)]] = Field(default=[], max_length=50)


@router.post("/logout", tags=["auth"], status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, user: CurrentUser) -> Response:
    """End every token issued to this user so far (all devices); log in again for a new one."""
    end_sessions(session, user.username)
    audit(session, user.username, "logout", "user", user.username)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/me", tags=["users"])
def me(user: CurrentUser) -> UserPublic:
    return UserPublic(username=user.username, role=Role(user.role), teams=user.teams)


@router.get("/users", tags=["users"])
def list_users(session: SessionDep, admin: Admin) -> list[UserPublic]:
    users = session.exec(select(User).order_by(col(User.username))).all()
    return [UserPublic(username=u.username, role=Role(u.role), teams=u.teams) for u in users]


@router.post("/users", tags=["users"], status_code=201)
def create_user(session: SessionDep, admin: Admin, body: UserCreate) -> UserPublic:
    if session.exec(select(User).where(User.username == body.username)).first():
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Username already exists")
    session.add(User(username=body.username, role=body.role.value,
                     password_hash=hash_password(body.password), teams=body.teams))  # fmt: skip
    audit(session, admin.username, "user.create", "user", body.username, body.role.value)
    session.commit()
    return UserPublic(username=body.username, role=body.role, teams=body.teams)


# ----------------------------------------------------------------------------- import
class ImportResult(BaseModel):
    week: str
    youths_created: int
    youths_updated: int
    dwellings: int


@router.post("/imports", tags=["imports"], status_code=201)
async def create_import(
    session: SessionDep,
    user: Allocator,
    files: Annotated[list[UploadFile], File(description="Case files, one zip, or one workbook")],
) -> ImportResult:
    """Import a week: all or nothing. A bad row answers 422 with every issue."""
    uploads = [(f.filename or "upload", await f.read()) for f in files]
    case = read_case_files(upload_files(uploads))
    week, counts = import_week(session, case, user.username)
    return ImportResult(week=week, **counts)


# ----------------------------------------------------------------------------- runs
class RunRequest(BaseModel):
    week: str = Field(pattern=r"^\d{4}-W\d{2}$", examples=["2026-W48"])
    force: bool = False

    @field_validator("week")
    @classmethod
    def _real_week(cls, value: str) -> str:
        parse_week(value)  # raises ValueError for 2026-W00, 0000-W01, 2026-W54, ...
        return value


class RunPublic(BaseModel):
    id: int
    week: str
    generation: int
    status: str
    progress: str
    result_status: str | None
    objective: dict[str, Any]
    timings: dict[str, Any]
    input_hash: str
    solver_version: str
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def _run_public(run: Run) -> RunPublic:
    assert run.id is not None
    return RunPublic(**run.model_dump(include=set(RunPublic.model_fields) - {"id"}), id=run.id)


@router.post("/runs", tags=["runs"], status_code=202)
def start_run(
    request: Request, session: SessionDep, user: Allocator, body: RunRequest
) -> RunPublic:
    """Start the week's matching (or return the week's existing run unless ``force``)."""
    from .db import get_engine

    expire_due(session, user.username)
    session.commit()
    run, created = request_run(get_engine(), body.week, user.username, body.force)
    if created:
        request.app.state.start_run(run.id)
    return _run_public(run)


@router.get("/runs/{run_id}", tags=["runs"])
def get_run(session: SessionDep, user: AggregateReader, run_id: Id) -> RunPublic:
    run = session.get(Run, run_id)
    if run is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Run not found")
    return _run_public(run)


class ProposalPublic(BaseModel):
    id: int
    youth_ref: str
    dwelling_ref: str | None
    cost: int | None
    fit: dict[str, int]
    reason: str | None
    detail: str | None
    outranked_by: int


@router.get("/runs/{run_id}/proposals", tags=["runs"])
def get_proposals(session: SessionDep, user: Allocator, run_id: Id) -> list[ProposalPublic]:
    if session.get(Run, run_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Run not found")
    rows = session.exec(
        select(Proposal).where(Proposal.run_id == run_id).order_by(col(Proposal.id))
    ).all()
    audit(session, user.username, "read.proposals", "run", str(run_id))
    session.commit()
    return [ProposalPublic(**p.model_dump(exclude={"run_id"})) for p in rows]


# ----------------------------------------------------------------------------- offers
class OfferCreate(BaseModel):
    proposal_id: int = Field(ge=1, le=MAX_ID)


class OfferAction(BaseModel):
    reason: DeclineReason | None = None
    text: str | None = Field(default=None, max_length=500)


class OfferPublic(BaseModel):
    id: int
    proposal_id: int
    youth_ref: str
    dwelling_ref: str
    week: str
    state: str
    decline_reason: str | None
    decline_text: str | None
    expires_on: date


def _offer_public(offer: Offer) -> OfferPublic:
    return OfferPublic(**offer.model_dump(include=set(OfferPublic.model_fields)))


@router.post("/offers", tags=["offers"], status_code=201)
def create_offer(session: SessionDep, user: Allocator, body: OfferCreate) -> OfferPublic:
    offer = make_offer(session, body.proposal_id, user.username, get_settings().offer_expiry_days)
    session.commit()
    return _offer_public(offer)


@router.get("/offers", tags=["offers"])
def list_offers(
    session: SessionDep, user: Allocator, state: str | None = None
) -> list[OfferPublic]:
    query = select(Offer).order_by(col(Offer.id))
    if state:
        query = query.where(Offer.state == state)
    audit(session, user.username, "read.offers", "offer", state or "*")
    session.commit()
    return [_offer_public(o) for o in session.exec(query).all()]


@router.post("/offers/{offer_id}/{action}", tags=["offers"])
def act_on_offer(
    session: SessionDep,
    user: Allocator,
    offer_id: Id,
    action: Annotated[str, Path(pattern="^(accept|decline|expire|sign|move_in)$")],
    body: OfferAction | None = None,
) -> OfferPublic:
    """accept / decline (reason) / expire / sign / move_in; 409 when the state forbids it."""
    body = body or OfferAction()
    offer = transition(session, offer_id, action, user.username, body.reason, body.text,
                       get_settings().decline_pause_weeks)  # fmt: skip
    session.commit()
    return _offer_public(offer)


# ----------------------------------------------------------------------------- youths, queue
class YouthPublic(BaseModel):
    ref: str
    status: str
    support_method: str
    support_team: str | None
    referred_on: date
    urgent_by: date | None


@router.get("/youths", tags=["youths"])
def list_youths(session: SessionDep, user: PersonReader) -> list[YouthPublic]:
    """Allocators see every youth; case workers only those of their own teams."""
    query = select(YouthRecord).order_by(col(YouthRecord.ref))
    if user.role == Role.CASEWORKER.value:
        query = query.where(col(YouthRecord.support_team).in_(user.teams or [""]))
    rows = session.exec(query).all()
    audit(session, user.username, "read.youths", "youth", "*", f"{len(rows)} listed")
    session.commit()
    return [YouthPublic(**y.model_dump(include=set(YouthPublic.model_fields))) for y in rows]


BearerToken = Annotated[str, Depends(oauth2)]


def _json(model: BaseModel) -> Response:
    """The model as its ``response_model`` would serialise it, without validating it again."""
    return Response(model.model_dump_json(), media_type="application/json")


def youth_page(token: str, ref: str) -> tuple[str, YouthPublic]:
    with read_connection() as conn:
        read = person_read(conn, token, PERSON_ROLES, ref)
    return read.user.username, YouthPublic(**read.youth)


@router.get("/youths/{ref}", tags=["youths"], response_model=YouthPublic)
async def get_youth(token: BearerToken, ref: str) -> Response:
    """One youth (admin, allocator, or a case worker of the youth's team; others 404)."""
    username, youth = await run_db(youth_page, token, ref)
    await audit_read(get_engine(), username, "read.youth", "youth", ref)
    return _json(youth)


class ExpectedWait(BaseModel):
    """Weeks until housed under current conditions, simulated (``service.waitcache``)."""

    status: str = Field(description="ready | stale | computing | unavailable")
    reason: str | None = None
    weeks: int | None = Field(default=None, description="Simulated horizon in weeks.")
    replications: int | None = None
    p_housed_within_horizon: float | None = None
    quantiles: dict[str, int | None] | None = Field(
        default=None, description="Week by which the chance of being housed reaches q."
    )
    cdf: list[float] | None = Field(default=None, description="P(housed by week k), k = 0…")
    housed_share: float | None = None
    left_share: float | None = None


class QueuePublic(BaseModel):
    youth_ref: str
    status: str
    position: int | None
    ahead: int | None
    eligible_dwellings: int
    pool_size: int
    excluded_by_rule: dict[str, int]
    blocks: list[str]
    nearest_miss: str | None
    what_would_help: str | None
    expected_wait: ExpectedWait
    proposals: list[ProposalPublic]
    offers: list[OfferPublic]


_PROPOSALS = (
    core_select(*(col(getattr(Proposal, f)) for f in ProposalPublic.model_fields))
    .where(col(Proposal.youth_ref) == bindparam("ref"))
    .order_by(col(Proposal.id))
)
_OFFERS = (
    core_select(*(col(getattr(Offer, f)) for f in OfferPublic.model_fields))
    .where(col(Offer.youth_ref) == bindparam("ref"))
    .order_by(col(Offer.id))
)


def queue_page(token: str, ref: str) -> tuple[str, QueuePublic]:
    """Everything but the audit, on one connection: the user (401/403), the youth (404), the
    cached queue info, the history."""
    with read_connection() as conn:
        read = person_read(conn, token, PERSON_ROLES, ref)
        version, youth_status = read.pool_version, read.youth["status"]
        info = queue_info(conn, ref, version)
        proposals = conn.execute(_PROPOSALS, {"ref": ref}).all()
        offers = conn.execute(_OFFERS, {"ref": ref}).all()
        waiting = youth_status == YouthStatus.WAITING.value
        if waiting:
            with Session(bind=conn) as session:  # the version was read in this transaction
                wait = ExpectedWait(**expected_wait(session, ref, token=version))
        else:
            wait = ExpectedWait(status="unavailable", reason=f"youth is {youth_status}")
    return read.user.username, QueuePublic(
        youth_ref=ref,
        status=youth_status,
        position=info.position if info and waiting else None,
        ahead=info.ahead if info and waiting else None,
        eligible_dwellings=info.eligible_dwellings if info else 0,
        pool_size=info.pool_size if info else 0,
        excluded_by_rule=info.excluded_by_rule if info else {},
        blocks=list(info.blocks) if info else [],
        nearest_miss=info.nearest_miss.text() if info and info.nearest_miss else None,
        what_would_help=info.what_would_help.text() if info and info.what_would_help else None,
        expected_wait=wait,
        proposals=[ProposalPublic(**p._mapping) for p in proposals],
        offers=[OfferPublic(**o._mapping) for o in offers],
    )


@router.get("/youths/{ref}/queue", tags=["youths"], response_model=QueuePublic)
async def get_queue(token: BearerToken, ref: str) -> Response:
    """Queue position (``solver.engine.queue``), what excludes the youth, the nearest miss, and the
    youth's history of proposals and offers. Answered once the read is audited."""
    username, page = await run_db(queue_page, token, ref)
    await audit_read(get_engine(), username, "read.queue", "youth", ref)
    return _json(page)


# ----------------------------------------------------------------------------- aggregates, audit
@router.get("/quotas", tags=["aggregates"])
def list_quotas(session: SessionDep, user: AggregateReader) -> list[dict[str, Any]]:
    return [q.model_dump() for q in session.exec(select(QuotaRecord)).all()]


@router.get("/teams", tags=["aggregates"])
def list_teams(session: SessionDep, user: AggregateReader) -> list[dict[str, Any]]:
    return [t.model_dump() for t in session.exec(select(TeamRecord)).all()]


@router.get("/audit", tags=["audit"])
def list_audit(
    session: SessionDep,
    admin: Admin,
    actor: str | None = None,
    action: str | None = None,
    object_ref: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if object_ref:
        query = query.where(AuditEvent.object_ref == object_ref)
    return [e.model_dump(mode="json") for e in session.exec(query).all()]
