"""The generic core reproduces the published optima of the OR-Library assignment instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.core.check import check_allocation
from solver.core.lap import published_optima, read_lap
from solver.core.problem import Status
from solver.core.solve import solve

LAP = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "lap"
OPTIMA = published_optima(LAP / "assignopt.txt") if LAP.exists() else {}
INSTANCES = [
    "assign100", "assign200", "assign300", "assign400", "assign500", "assign600",
    "assign700", "assign800", "assignp800", "assignp1500", "assignp3000", "assignp5000",
]  # fmt: skip


def test_all_twelve_published_optima_are_known() -> None:
    """The optima file lists every instance (guards against a missing shared/ folder)."""
    assert sorted(OPTIMA) == sorted(INSTANCES)


@pytest.mark.slow
@pytest.mark.parametrize("name", INSTANCES)
def test_assignment_instance_reaches_its_published_optimum(name: str) -> None:
    """Every row assigned (stage 1), at the published minimum cost (stage 3)."""
    problem = read_lap(LAP / f"{name}.txt")
    result = solve(problem)
    assert result.status is Status.OPTIMAL
    assert result.housed == problem.n_candidates
    assert result.fit_cost == OPTIMA[name]
    assert check_allocation(problem, result) == []
