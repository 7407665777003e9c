"""policy.toml's JSON Schema: generated from the one declaration, committed under docs/."""

from __future__ import annotations

import json
from pathlib import Path

from solver.caseio.policy import policy_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_policy_schema_is_the_generated_one() -> None:
    """docs/policy.schema.json equals policy_schema() (regenerate: python -m solver.caseio.policy)."""
    committed = json.loads((DOCS / "policy.schema.json").read_text(encoding="utf-8"))
    assert committed == policy_schema()


def test_the_schema_describes_every_key_of_the_file_layout() -> None:
    props = policy_schema()["properties"]
    assert {"run_date", "week", "limits", "weights", "priority", "deposit_ceiling"} <= set(props)
    assert set(props["limits"]["properties"]) == {"per_department", "new_moveins_per_worker"}
    assert all("description" in p for name, p in props.items() if name != "limits")
