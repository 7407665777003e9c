"""Matching and priority as scenario changes (issue 14 item 1): greedy against the engine in the
same world, matching every n weeks, and a priority scheme from a start week."""

from __future__ import annotations

import math
from pathlib import Path

from solver.caseio.read import read_case
from solver.domain import Criterion, PriorityScheme
from solver.planning import changes
from solver.planning.replications import run_replications, run_scenarios
from solver.planning.scenario import Matching, PriorityChange, ScenarioSpec, parse_scenario
from solver.planning.world import World

ROOT = Path(__file__).resolve().parents[2]
NAESTVED = read_case(ROOT / "data" / "fixtures" / "naestved")


def spec(*changes_: object, horizon: int = 12, reps: int = 6, seed: int = 3) -> ScenarioSpec:
    return ScenarioSpec(name="m", base="naestved", case=NAESTVED, horizon_weeks=horizon,
                        replications=reps, seed=seed, changes=tuple(changes_))  # fmt: skip


def test_in_the_same_world_greedy_never_houses_more_than_the_engine_beyond_noise() -> None:
    """Same seed, same replications: the paired difference greedy − engine in youths housed is
    not above zero beyond noise; and greedy does change what happens."""
    result = run_scenarios([spec(Matching("greedy"), seed=1)], workers=1)
    row = next(r for r in result.table() if r.kpi == "housed")
    assert row.difference.lo <= 0, row
    [greedy] = result.scenarios
    [engine] = result.baselines

    # The recalibrated naestved weeks are rarely contested enough for the counts to move in 12
    # weeks (seed 3: greedy and the engine agree in every replication); who is housed when does.
    def same(a: dict[str, float], b: dict[str, float]) -> bool:
        return all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)

    assert not all(
        same(g.end, e.end) for g, e in zip(greedy.replications, engine.replications, strict=True)
    )


def test_matching_every_two_weeks_offers_nothing_in_the_weeks_between() -> None:
    [reps] = run_replications([spec(Matching("optimal", every_weeks=2, start_week=3))], workers=1)
    for r in reps:
        offers = r.weekly["offers"]
        assert all(offers[w] == 0 for w in range(3, 12, 2)), offers
        assert sum(offers[w] for w in range(2, 12, 2)) > 0, offers


def test_a_priority_change_sets_the_scheme_from_its_start_week() -> None:
    change = PriorityChange(order=(Criterion.URGENCY, Criterion.SITUATION, Criterion.WAITING),
                            start_week=2)  # fmt: skip
    world = World(spec(change), 0)
    assert world.policy.priority == PriorityScheme()
    changes.apply(world, 0, change, 1, world.run_date(1))
    assert world.policy.priority.order == change.order
    assert world.case_for_week(1).policy.priority == change.scheme()


def test_a_priority_scheme_changes_who_is_housed_not_how_many_beyond_noise() -> None:
    """Putting the situation first reorders the queue: more of the homeless are housed, the
    total stays within noise (the engine houses the most youths under any scheme)."""
    points = parse_scenario(
        {"base": "naestved", "horizon_weeks": 12, "replications": 6, "seed": 3,
         "changes": [{"kind": "priority", "order": ["points", "waiting"],
                      "points": {"street": 60, "shelter": 50, "couch": 40}}]},
        source="x.toml", base_case=NAESTVED,
    )  # fmt: skip
    result = run_scenarios([points], workers=1)
    housed = next(r for r in result.table() if r.kpi == "housed").difference
    homeless = next(r for r in result.table() if r.kpi == "still_homeless_end").difference
    assert housed.lo <= 0 <= housed.hi or housed.n == 0 or housed.mean == 0, housed
    assert homeless.mean <= 0, homeless
