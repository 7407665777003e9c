"""Scenario files' JSON Schema: generated from the one declaration, committed under docs/, and
the declaration's messages (each naming file and key)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.planning.scenario import (
    CHANGE_KINDS,
    ScenarioError,
    change_dict,
    parse_scenario,
    scenario_schema,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_scenario_schema_is_the_generated_one() -> None:
    """docs/scenario.schema.json equals scenario_schema() (regenerate:
    python -m solver.planning.scenario > docs/scenario.schema.json)."""
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert committed == scenario_schema()


def test_the_schema_tells_changes_apart_by_kind_and_describes_every_key() -> None:
    schema = scenario_schema()
    changes = schema["properties"]["changes"]["items"]
    assert set(changes["discriminator"]["mapping"]) == set(CHANGE_KINDS)
    for name, definition in schema["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            assert "description" in prop or "$ref" in prop or key == "kind", (name, key)
    assert schema["properties"]["horizon_weeks"]["minimum"] == 1
    assert schema["$defs"]["DeclineModel"]["properties"]["pet_banned"]["maximum"] == 1


@pytest.mark.parametrize(
    ("patch", "line"),
    [
        ({"horizon_weeks": 0}, "x.toml: horizon_weeks: must be an integer of at least 1, not 0"),
        ({"seed": True}, "x.toml: seed: must be an integer, not True"),
        ({"changes": [{"rent": 1}]}, "x.toml: changes[1].kind: is required"),
        ({"changes": [{"kind": "scale_arrivals", "factor": "x"}]},
         "x.toml: changes[1].factor: must be a number, not 'x'"),
        ({"changes": [{"kind": "scale_arrivals", "factor": 1.0}, {"kind": "add_dwellings",
          "organisation": "A", "dwelling_type": "youth", "rent": -5, "count": 1}]},
         "x.toml: changes[2].rent: must be an integer of at least 0, not -5"),
        ({"changes": [{"kind": "add_dwellings", "organisation": "A", "dwelling_type": "youth",
          "rent": 5, "count": 1, "pets": "dogs"}]},
         "x.toml: changes[1].pets: must be one of none, cats, small_dogs, all, not 'dogs'"),
        ({"changes": [{"kind": "dog_friendly_share", "share": 0.5, "pets": "cats"}]},
         "x.toml: changes[1].pets: must be one of small_dogs, all, not 'cats'"),
        ({"changes": [{"kind": "rent_increase"}]},
         "x.toml: changes[1].amount: give amount (kr) or factor (or both)"),
        ({"calibration": {"decline": {"no_contact": 1.5}}},
         "x.toml: calibration.decline.no_contact: must be at most 1.0, not 1.5"),
        ({"calibration": {"icm_mean_weeks": float("nan")}},
         "x.toml: calibration.icm_mean_weeks: must be a finite number, not nan"),
        ({"changes": [{"kind": "support_team", "team": "CTI-1"}]},
         "x.toml: changes[1].workers: give workers, add_workers or caseload_cap"),
        ({"changes": [{"kind": "matching", "method": "random"}]},
         "x.toml: changes[1].method: must be one of 'optimal' or 'greedy', not 'random'"),
        ({"changes": [{"kind": "matching", "every_weeks": 0}]},
         "x.toml: changes[1].every_weeks: must be an integer of at least 1, not 0"),
        ({"changes": [{"kind": "priority", "order": ["gender", "waiting"]}]},
         "x.toml: changes[1].order: 'gender': gender and Greenlandic background are recorded"),
        ({"changes": [{"kind": "priority", "points": {"castle": 3}}]},
         "x.toml: changes[1].points.castle: unknown key (expected one of couch"),
        ({"changes": [{"kind": "priority", "preset": "points", "order": ["waiting"]}]},
         "x.toml: changes[1].preset: give preset or order/situation_rank/points, not both"),
        ({"changes": [{"kind": "lift_letting_restrictions", "organisation": "Nowhere"}]},
         "x.toml: changes[1].organisation: 'Nowhere' is not an organisation of the base case"),
    ],
)  # fmt: skip
def test_every_problem_is_one_line_naming_file_and_key(patch: dict, line: str) -> None:
    data = {"base": "naestved", "horizon_weeks": 10, "replications": 2, **patch}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="x.toml")
    assert any(issue.startswith(line) for issue in err.value.issues), err.value.issues
    # every problem is a catalogue code, so a Danish page says it in Danish (never pydantic's
    # English through the fallback), naming the same key
    for problem in err.value.problems:
        assert problem.code != "invalid", problem
        assert problem.text("da") != problem.text("en"), problem
        assert str(problem) == f"{problem.source}: {problem.key}: {problem.text('en')}"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    data = {
        "base": "naestved",
        "horizon_weeks": -1,
        "colour": "blue",
        "changes": [{"kind": "teleport"}, {"kind": "scale_arrivals", "factor": -1}],
    }
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="x.toml")
    keys = {line.split(": ")[1] for line in err.value.issues}
    assert keys == {"horizon_weeks", "colour", "changes[1].kind", "changes[2].factor"}


def test_a_change_written_back_reads_as_the_same_change() -> None:
    """change_dict writes what a file would hold: reading it again gives the same value."""
    data = {
        "base": "naestved",
        "changes": [
            {"kind": "quota_rate", "rate": "1/3", "organisation": "Boligorg-01"},
            {"kind": "add_dwellings", "organisation": "Boligorg-01", "dwelling_type": "youth",
             "rent": 2800, "count": 3, "pets": "small_dogs", "note": "new build"},
            {"kind": "rent_ceiling", "subsidy": 500, "income_type": "su"},
            {"kind": "dog_friendly_share", "share": 0.5, "pets": "small_dogs"},
        ],
    }  # fmt: skip
    spec = parse_scenario(data, source="x.toml")
    again = parse_scenario(
        {"base": "naestved", "changes": [change_dict(c) for c in spec.changes]}, source="y"
    )
    assert again.changes == spec.changes
