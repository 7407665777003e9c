"""Service settings from ``BOLIGMATCH_*`` environment variables, with safe defaults."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
