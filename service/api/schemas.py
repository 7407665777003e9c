"""JSON Schemas of the files people write: ``policy.toml`` and the planners' scenario files,
generated from their one declaration (``solver.caseio.policy``, ``solver.planning.scenario``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from solver.caseio.policy import policy_schema
from solver.planning.scenario import scenario_schema

from .errors import responses

router = APIRouter(prefix="/schemas", tags=["schemas"])


@router.get("/policy.json", responses=responses(auth=False))
def read_policy_schema() -> dict[str, Any]:
    """The JSON Schema of ``policy.toml`` (docs/policy.schema.json)."""
    return policy_schema()


@router.get("/scenario.json", responses=responses(auth=False))
def read_scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (docs/scenario.schema.json)."""
    return scenario_schema()
