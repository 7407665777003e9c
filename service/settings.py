"""Service settings from ``BOLIGMATCH_*`` environment variables, with safe defaults."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from solver.resources import SCENARIOS_DIR

log = logging.getLogger(__name__)

MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    """One settings object; read once (``get_settings``)."""

    model_config = SettingsConfigDict(env_prefix="BOLIGMATCH_", extra="ignore")

    env: str = "dev"  # "production" refuses to start without a secret key of 32 bytes or more
    database_url: str = "sqlite:///./boligmatch.db"
    secret_key: str = ""
    token_minutes: int = 12 * 60
    offer_expiry_days: int = 7
    decline_pause_weeks: int = 0  # declining keeps priority by default (domain.md §6)
    run_workers: int = 1
    db_threads: int = 0  # concurrent database calls of the async read routes (0: by database)
    ephemeral_key: bool = False  # set when dev generated the key: tokens end on restart
    # Planning (service.usecases.planning): shipped scenario files, local worker processes
    # (0 = one per core) or a Dask cluster (tcp://HOST:PORT).
    scenarios_dir: Path = SCENARIOS_DIR
    scenario_workers: int = 0
    dask_scheduler: str | None = None
    # Expected waits on the queue page (service.usecases.waits); 0 replications switches them off.
    # A year and 40 replications reach the likely wait of most of the queue with a median
    # interval of a few weeks (solver.planning.expected_wait.WAIT_WEEKS, WAIT_REPLICATIONS).
    expected_wait_weeks: int = Field(default=52, ge=1, le=52)
    expected_wait_replications: int = Field(default=40, ge=0, le=200)
    expected_wait_seed: int = 0
    # Leases on background work (service.leases): renewed every heartbeat; a lease not renewed
    # for lease_seconds has expired and its work is swept (docs/security.md, "Crashes").
    heartbeat_seconds: float = 5.0
    lease_seconds: float = 30.0
    # Request bodies (service.limits): uploads (multipart) and everything else.
    max_upload_mb: float = 20.0
    max_body_kb: int = 4096
    # Sign-in throttling (service.usecases.users): failures counted per account and per client
    # address within a window; past the free failures each further one locks for a growing
    # delay (doubling from login_delay_seconds up to login_max_delay_seconds).
    login_window_minutes: int = 15
    login_free_failures_account: int = 5
    login_free_failures_address: int = 20
    login_delay_seconds: int = 30
    login_max_delay_seconds: int = 900
    # Retention (service.usecases.gdpr, `boligmatch retention apply`): closed cases (housed or
    # withdrawn, no activity since) and runs' input snapshots are erased after these many days.
    retention_closed_case_days: int = 5 * 365
    retention_snapshot_days: int = 365

    @model_validator(mode="after")
    def _secret(self) -> Settings:
        if self.env == "production" and len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            # HMAC-SHA256 signs the tokens: a shorter key is guessable offline from one token.
            raise ValueError(
                f"BOLIGMATCH_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes in production "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if not self.secret_key:
            self.secret_key = secrets.token_hex(32)
            self.ephemeral_key = True
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
