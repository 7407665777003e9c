"""The greedy matcher (today's practice) against a brute-force statement of what it does, and
against the engine on the same weeks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings

from solver.caseio.read import read_case
from solver.core.problem import MatchProblem, Side
from solver.domain import Pet, PetPolicy
from solver.engine.build import build_problem
from solver.engine.greedy import greedy_assign, greedy_week, unit_order
from solver.engine.week import run_case

from ..core.oracle import brute_force
from ..core.strategies import problems
from ..helpers import RUN_DATE, make_case, make_unit, make_youth

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures"


def _feasible(problem: MatchProblem, pairs: list[tuple[int, int]]) -> bool:
    """No candidate or unit twice, every capacity group kept (stated on the pairs alone)."""
    cands = [c for c, _ in pairs]
    units = [u for _, u in pairs]
    if len(set(cands)) < len(cands) or len(set(units)) < len(units):
        return False
    for g in problem.groups:
        members = set(g.members.tolist())
        used = sum(1 for c, u in pairs if (c if g.side is Side.CANDIDATE else u) in members)
        if used > g.capacity:
            return False
    return True


def _allocations(problem: MatchProblem) -> list[list[tuple[int, int]]]:
    """Every feasible allocation, by enumeration over the candidates."""
    arcs = {c: [] for c in range(problem.n_candidates)}  # type: dict[int, list[int]]
    for c, u in zip(problem.arc_candidate.tolist(), problem.arc_unit.tolist(), strict=True):
        arcs[c].append(u)
    out: list[list[tuple[int, int]]] = []

    def visit(c: int, chosen: list[tuple[int, int]]) -> None:
        if c == problem.n_candidates:
            out.append(list(chosen))
            return
        visit(c + 1, chosen)
        for u in arcs[c]:
            if _feasible(problem, [*chosen, (c, u)]):
                visit(c + 1, [*chosen, (c, u)])

    visit(0, [])
    return out


def _is_greedy(problem: MatchProblem, order: list[int], pairs: list[tuple[int, int]]) -> bool:
    """The statement: taking the units in ``order``, each unit holds the best-ranked candidate
    who has an arc to it, is not yet placed and can be added within every capacity — or nobody
    when no candidate can."""
    arc_set = set(zip(problem.arc_candidate.tolist(), problem.arc_unit.tolist(), strict=True))
    holder = {u: c for c, u in pairs}
    before: list[tuple[int, int]] = []
    for u in order:
        placed = {c for c, _ in before}
        possible = [
            c
            for c in range(problem.n_candidates)
            if (c, u) in arc_set and c not in placed and _feasible(problem, [*before, (c, u)])
        ]
        best = min(possible, key=lambda c: int(problem.rank[c])) if possible else None
        if holder.get(u) != best:
            return False
        if best is not None:
            before.append((best, u))
    return True


@settings(max_examples=150, deadline=None)
@given(problems(max_candidates=5, max_units=4, side_constraints=True))
def test_greedy_is_the_one_allocation_the_statement_describes(problem: MatchProblem) -> None:
    order = list(range(problem.n_units))[::-1]  # any order; the statement takes the same
    arcs = greedy_assign(problem, order)
    got = sorted((int(problem.arc_candidate[a]), int(problem.arc_unit[a])) for a in arcs)
    described = [sorted(m) for m in _allocations(problem) if _is_greedy(problem, order, m)]
    assert described == [got]
    assert len(got) <= brute_force(problem).housed  # the engine's stage 1 by definition


def test_greedy_can_house_fewer_than_the_engine() -> None:
    """The first dwelling to come free goes to the first in line, though only the second in
    line could use it and the first fits the other dwelling too: greedy houses one, the
    engine two."""
    first = make_youth("A")
    second = make_youth("B", referred_on=first.referred_on + timedelta(days=30), pet=Pet.SMALL_DOG)
    dogs = make_unit("U1", pets=PetPolicy.ALL)
    later = make_unit("U2", available_from=RUN_DATE + timedelta(days=1))
    case = make_case([first, second], [later, dogs])
    assert unit_order(case) == [1, 0]
    assert [(m.youth_ref, m.unit_ref) for m in greedy_week(case)] == [("A", "U1")]
    assert {(m.youth_ref, m.unit_ref) for m in run_case(case).matches} == {
        ("A", "U2"),
        ("B", "U1"),
    }


def test_on_the_fixtures_greedy_keeps_every_rule_and_capacity_and_never_beats_the_engine() -> None:
    for name in ("tiny", "naestved"):
        case = read_case(FIXTURES / name)
        week = build_problem(case)
        eligible = {
            (case.youths[int(c)].ref, case.units[int(u)].ref)
            for c, u in zip(
                week.eligibility.youth_idx.tolist(), week.eligibility.unit_idx.tolist(), strict=True
            )
        }
        greedy = greedy_week(case)
        pairs = [(m.youth_ref, m.unit_ref) for m in greedy]
        assert set(pairs) <= eligible, name
        index_c = {y.ref: i for i, y in enumerate(case.youths)}
        index_u = {u.ref: j for j, u in enumerate(case.units)}
        assert _feasible(week.problem, [(index_c[y], index_u[u]) for y, u in pairs]), name
        assert 0 < len(greedy) <= len(run_case(case).matches), name
