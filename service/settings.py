"""Service settings from ``BOLIGMATCH_*`` environment variables, with safe defaults."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from solver.resources import SCENARIOS_DIR

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """One settings object; read once (``get_settings``)."""

    model_config = SettingsConfigDict(env_prefix="BOLIGMATCH_", extra="ignore")

    env: str = "dev"  # "production" refuses to start without a secret key
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
    expected_wait_weeks: int = 26
    expected_wait_replications: int = 20
    expected_wait_seed: int = 0

    @model_validator(mode="after")
    def _secret(self) -> Settings:
        if not self.secret_key:
            if self.env == "production":
                raise ValueError("BOLIGMATCH_SECRET_KEY must be set in production.")
            self.secret_key = secrets.token_hex(32)
            self.ephemeral_key = True
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
