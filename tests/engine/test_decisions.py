"""The allocator's decisions (decisions.csv): pins fixed first, bans and withholdings kept, the
three stages exact on the rest — checked against an independent brute force — and every
explanation true under them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solver.caseio.issues import CaseError
from solver.caseio.read import read_case
from solver.caseio.write import write_case
from solver.core.check import check_allocation
from solver.core.problem import MatchProblem, Side
from solver.domain import (
    Case,
    Decision,
    DecisionKind,
    DwellingType,
    Pet,
    PetPolicy,
    QuotaGroup,
    SupportMethod,
)
from solver.engine.build import build_problem
from solver.engine.week import run_case

from ..helpers import RUN_DATE, make_case, make_team, make_unit, make_youth

PIN, BAN = DecisionKind.PIN, DecisionKind.BAN


def allocations(problem: MatchProblem) -> list[list[int]]:
    """Every valid allocation (arc lists) of a small problem, by plain enumeration."""
    by_candidate: list[list[int]] = [[] for _ in range(problem.n_candidates)]
    for a in range(problem.n_arcs):
        by_candidate[int(problem.arc_candidate[a])].append(a)
    out = []
    for choice in product(*[[None, *arcs] for arcs in by_candidate]):
        arcs = [a for a in choice if a is not None]
        units = [int(problem.arc_unit[a]) for a in arcs]
        if len(set(units)) != len(units):
            continue
        cands = [int(problem.arc_candidate[a]) for a in arcs]
        ok = all(
            sum(1 for x in (cands if g.side is Side.CANDIDATE else units) if x in set(g.members))
            <= g.capacity
            for g in problem.groups
        )
        if ok:
            out.append(arcs)
    return out


def best_under(case: Case) -> tuple[int, tuple[int, ...], int]:
    """The three stages by definition over the allocations of the week *without* decisions that
    contain every pin and no banned or withheld pair: (housed, sorted ranks, cost)."""
    plain = build_problem(replace(case, decisions=())).problem
    ref_y = {y.ref: i for i, y in enumerate(case.youths)}
    ref_u = {u.ref: j for j, u in enumerate(case.units)}

    def keeps(arcs: list[int]) -> bool:
        pairs = {(int(plain.arc_candidate[a]), int(plain.arc_unit[a])) for a in arcs}
        for d in case.decisions:
            y, u = ref_y.get(d.youth_ref or ""), ref_u.get(d.unit_ref or "")
            if d.kind is PIN and (y, u) not in pairs:
                return False
            if d.kind is BAN and any(
                (y is None or py == y) and (u is None or pu == u) for py, pu in pairs
            ):
                return False
        return True

    keys = [
        (
            -len(arcs),
            tuple(sorted(int(plain.rank[plain.arc_candidate[a]]) for a in arcs)),
            sum(int(plain.arc_cost[a]) for a in arcs),
        )
        for arcs in allocations(plain)
        if keeps(arcs)
    ]
    count, signature, cost = min(keys)
    return -count, signature, cost


@st.composite
def decided_cases(draw: st.DrawFn) -> Case:
    """Small weeks with a CTI team, a quota group and random valid decisions."""
    n_y, n_u = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    youths = [
        make_youth(
            f"Y{i}",
            referred_on=RUN_DATE - timedelta(days=draw(st.integers(1, 400))),
            rent_ceiling=draw(st.sampled_from([2500, 3500])),
            pet=draw(st.sampled_from([Pet.NONE, Pet.LARGE_DOG])),
            support_method=((cti := draw(st.booleans())) and SupportMethod.CTI) or SupportMethod.NONE,
            support_team="CTI-1" if cti else None,
        )
        for i in range(n_y)
    ]  # fmt: skip
    units = [
        make_unit(
            f"U{j}",
            organisation=draw(st.sampled_from(["A", "B"])),
            rent=draw(st.sampled_from([2000, 3000])),
            pets=draw(st.sampled_from([PetPolicy.NONE, PetPolicy.ALL])),
        )
        for j in range(n_u)
    ]
    teams = [
        make_team(
            "CTI-1",
            method=SupportMethod.CTI,
            workers=1,
            current_caseload=10 - draw(st.integers(0, 2)),
        )
    ]
    quotas = [QuotaGroup("A", DwellingType.YOUTH, vacancies=draw(st.integers(0, 8)), claimed=0)]
    base = make_case(youths, units, teams=teams, quotas=quotas)
    eligible = [(p, q) for p in range(n_y) for q in range(n_u)]
    decisions: list[Decision] = []
    pinned_y: set[int] = set()
    pinned_u: set[int] = set()
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["pin", "ban_pair", "ban_youth", "ban_unit"]))
        y, u = draw(st.sampled_from(eligible))
        if kind == "pin" and y not in pinned_y and u not in pinned_u:
            pinned_y.add(y), pinned_u.add(u)
            decisions.append(Decision(PIN, "office", youths[y].ref, units[u].ref))
        elif kind == "ban_pair":
            decisions.append(Decision(BAN, "landlord", youths[y].ref, units[u].ref))
        elif kind == "ban_youth":
            decisions.append(Decision(BAN, "paused", youths[y].ref, None))
        elif kind == "ban_unit":
            decisions.append(Decision(BAN, "repairs", None, units[u].ref))
    pins = {(d.youth_ref, d.unit_ref) for d in decisions if d.kind is PIN}
    contradicted = any(
        d.kind is BAN and (d.youth_ref in (None, py)) and (d.unit_ref in (None, pu))
        for d in decisions
        for py, pu in pins
    )
    assume(not contradicted)
    return replace(base, decisions=tuple(decisions))


@settings(max_examples=300, deadline=None)
@given(decided_cases())
def test_decisions_are_kept_and_the_rest_is_optimal_in_every_stage(case: Case) -> None:
    """Every pin in, no ban or withheld pair used; housed count (pins included), priority set
    and cost equal the brute force over the allocations that keep the decisions."""
    try:
        result = run_case(case)
    except CaseError as exc:  # an infeasible pin: then no allocation keeps the decisions
        assert all(i.file == "decisions.csv" for i in exc.issues)
        with pytest.raises(ValueError):
            best_under(case)
        return
    housed, signature, cost = best_under(case)
    week = build_problem(case)
    rank = {y.ref: int(week.problem.rank[i]) for i, y in enumerate(case.youths)}
    assert len(result.matches) == housed == result.summary["objective"]["stage1_housed"]
    assert tuple(sorted(rank[m.youth_ref] for m in result.matches)) == signature
    assert sum(m.cost for m in result.matches) == cost
    pairs = {(m.youth_ref, m.unit_ref) for m in result.matches}
    for d in case.decisions:
        if d.kind is PIN:
            assert (d.youth_ref, d.unit_ref) in pairs
        else:
            assert not any(d.youth_ref in (None, y) and d.unit_ref in (None, u) for y, u in pairs)


@settings(max_examples=200, deadline=None)
@given(decided_cases())
def test_every_explanation_stays_true_under_decisions(case: Case) -> None:
    """outranked: the youth's dwellings left to the optimiser all went to higher-priority
    youths; lowers_housed_count: requiring the youth housed (as a pin) houses fewer; withheld,
    pinned and banned match the decisions."""
    try:
        result = run_case(case)
    except CaseError:
        return
    week = build_problem(case)
    assert check_allocation(week.problem, _solver_part(week, result)) == []
    rank = {y.ref: int(week.problem.rank[i]) for i, y in enumerate(case.youths)}
    holder = {m.unit_ref: m.youth_ref for m in result.matches}
    withheld = {d.youth_ref for d in case.decisions if d.kind is BAN and d.unit_ref is None}
    for miss in result.unmatched:
        if miss.reason == "withheld":
            assert miss.youth_ref in withheld
        elif miss.reason == "outranked":
            units = _left_for(week, case, miss.youth_ref)
            assert units and all(u in holder for u in units)
            assert all(rank[holder[u]] < rank[miss.youth_ref] for u in units)
        elif miss.reason == "lowers_housed_count":
            # Every dwelling left to the optimiser for this youth: housing them there (as a
            # further pin) houses fewer youths, or leaves out a youth ahead of them whom the run
            # houses (the same count need not fall: a failing example had Y0 behind Y2 in one
            # CTI slot's worth of exchange), or keeps no decision at all.
            ahead = sorted(r for r in (rank[m.youth_ref] for m in result.matches)
                           if r < rank[miss.youth_ref])  # fmt: skip
            for v in _left_for(week, case, miss.youth_ref):
                forced = replace(
                    case, decisions=(*case.decisions, Decision(PIN, "t", miss.youth_ref, v))
                )
                try:
                    count, ranks, _ = best_under(forced)
                except ValueError:
                    continue
                kept = sorted(r for r in ranks if r < rank[miss.youth_ref])
                assert count < len(result.matches) or kept != ahead
        elif miss.reason in ("pinned", "banned"):
            assert case.decisions
    assert miss_refs(result) | {m.youth_ref for m in result.matches} == {y.ref for y in case.youths}


def miss_refs(result: object) -> set[str]:
    return {m.youth_ref for m in result.unmatched}  # type: ignore[attr-defined]


def _left_for(week: object, case: Case, ref: str) -> list[str]:
    """The dwellings the optimiser could give this youth (after the decisions)."""
    problem = week.problem  # type: ignore[attr-defined]
    i = next(k for k, y in enumerate(case.youths) if y.ref == ref)
    return [case.units[int(u)].ref for u in problem.arc_unit[problem.arc_candidate == i]]


def _solver_part(week: object, result: object) -> object:
    """The optimiser's own allocation (the pins taken out) as a MatchResult of the problem."""
    import numpy as np

    from solver.core.problem import MatchResult, Status

    problem = week.problem  # type: ignore[attr-defined]
    pinned = {p.youth for p in week.decisions.pins}  # type: ignore[attr-defined]
    ref = {y: i for i, y in enumerate(problem.candidate_ids)}
    uref = {u: j for j, u in enumerate(problem.unit_ids)}
    arcs = []
    for m in result.matches:  # type: ignore[attr-defined]
        c, u = ref[m.youth_ref], uref[m.unit_ref]
        if c in pinned:
            continue
        arcs.append(int(np.flatnonzero((problem.arc_candidate == c) & (problem.arc_unit == u))[0]))
    arcs_a = np.array(sorted(arcs), dtype=np.int64)
    sig = tuple(sorted(int(problem.rank[problem.arc_candidate[a]]) for a in arcs_a))
    return MatchResult(
        Status.OPTIMAL, arcs_a, len(arcs), sig, int(problem.arc_cost[arcs_a].sum()), "flow"
    )


# --------------------------------------------------------------------------- decisions.csv


def test_decisions_csv_reads_and_round_trips(tmp_path: Path) -> None:
    case = make_case(
        [make_youth("Y1"), make_youth("Y2")],
        [make_unit("U1"), make_unit("U2")],
    )
    decided = replace(
        case,
        decisions=(
            Decision(PIN, "urgent case conference", "Y1", "U1", 2),
            Decision(BAN, "landlord refused", "Y2", "U2", 3),
            Decision(BAN, "water damage", None, "U2", 4),
        ),
    )
    write_case(decided, tmp_path)
    assert read_case(tmp_path, today=RUN_DATE).decisions == decided.decisions


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        ([",,pin,x"], 2, "youth_ref", "give youth_ref, unit_ref or both"),
        (["Y1,,pin,x"], 2, "unit_ref", "a pin needs both"),
        (["Y9,U1,pin,x"], 2, "youth_ref", "'Y9' is not a youth"),
        (["Y1,U9,ban,x"], 2, "unit_ref", "'U9' is not a dwelling"),
        (["Y1,U1,pin,x", "Y1,U2,pin,x"], 3, "youth_ref", "pinned twice (first on row 2)"),
        (["Y1,U1,pin,x", ",U1,ban,x"], 3, "unit_ref", "contradicts the pin on row 2"),
        (["Y1,U1,keep,x"], 2, "kind", "is not one of pin, ban"),
        (["Y1,U1,pin,"], 2, "reason", "required value is empty"),
    ],
)
def test_a_bad_decision_row_is_named(
    tmp_path: Path, rows: list[str], row: int, column: str, message: str
) -> None:
    write_case(make_case([make_youth("Y1")], [make_unit("U1"), make_unit("U2")]), tmp_path)
    (tmp_path / "decisions.csv").write_text(
        "youth_ref,unit_ref,kind,reason\n" + "\n".join(rows) + "\n"
    )
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    first = err.value.issues[0]
    assert (first.file, first.row, first.column) == ("decisions.csv", row, column)
    assert message in first.message


def test_a_pin_that_breaks_a_rule_or_a_capacity_is_an_error_naming_the_row() -> None:
    """Not eligible (the rule named), over the team's free slots, over the quota's claims."""
    youths = [make_youth("Y1", pet=Pet.LARGE_DOG),
              make_youth("Y2", support_method=SupportMethod.CTI, support_team="CTI-1"),
              make_youth("Y3", support_method=SupportMethod.CTI, support_team="CTI-1")]  # fmt: skip
    units = [make_unit("U1"), make_unit("U2"), make_unit("U3", organisation="Q")]
    teams = [make_team("CTI-1", method=SupportMethod.CTI, workers=1, current_caseload=9)]
    quotas = [QuotaGroup("Q", DwellingType.YOUTH, vacancies=3, claimed=0)]
    case = make_case(youths, units, teams=teams, quotas=quotas)
    dog = replace(case, decisions=(Decision(PIN, "x", "Y1", "U1", 2),))
    with pytest.raises(CaseError) as err:
        run_case(dog)
    assert str(err.value.issues[0]) == (
        "decisions.csv row 2, column youth_ref: the pinned youth does not fit the dwelling: "
        "The pet is not allowed"
    )
    team = replace(
        case, decisions=(Decision(PIN, "x", "Y2", "U1", 2), Decision(PIN, "x", "Y3", "U2", 3))
    )
    with pytest.raises(CaseError) as err:
        run_case(team)
    assert str(err.value.issues[0]).startswith(
        "decisions.csv row 3, column youth_ref: team CTI-1 has 1"
    )
    quota = replace(case, decisions=(Decision(PIN, "x", "Y2", "U3", 2),))
    quota = replace(quota, quotas=(QuotaGroup("Q", DwellingType.YOUTH, vacancies=3, claimed=0),))
    with pytest.raises(CaseError) as err:
        run_case(quota)
    assert "Q/youth allows 0 more claims this run and has 1 pin" in str(err.value)


def test_a_pinned_pair_is_housed_and_said_so_and_the_others_are_told_why() -> None:
    """The pin takes its dwelling even from a higher-priority youth; that youth is told the
    dwelling went by decision; a withheld youth is told the reason."""
    youths = [make_youth("A", referred_on=RUN_DATE - timedelta(days=300)),
              make_youth("B", referred_on=RUN_DATE - timedelta(days=10)),
              make_youth("C", referred_on=RUN_DATE - timedelta(days=5))]  # fmt: skip
    case = make_case(youths, [make_unit("U1")])
    decided = replace(case, decisions=(Decision(PIN, "case conference 12/11", "B", "U1", 2),
                                       Decision(BAN, "in treatment", "C", None, 3)))  # fmt: skip
    result = run_case(decided)
    assert [(m.youth_ref, m.unit_ref, m.pinned) for m in result.matches] == [
        ("B", "U1", "case conference 12/11")
    ]
    why = {u.youth_ref: u for u in result.unmatched}
    assert why["A"].reason == "pinned"
    assert (
        why["A"].detail("en")
        == "the allocation office gave the dwellings you fit to other youths by decision (1)"
    )
    assert why["C"].reason == "withheld" and "in treatment" in why["C"].detail("da")
    assert result.summary["decisions"] == {"pins": 1, "banned_pairs": 0, "withheld_youths": 1,
                                           "withheld_units": 0}  # fmt: skip


def test_decisions_from_a_case_folder_steer_the_match(tmp_path: Path) -> None:
    write_case(make_case([make_youth("A"), make_youth("B", referred_on=RUN_DATE)],
                         [make_unit("U1"), make_unit("U2", rent=2000)]), tmp_path)  # fmt: skip
    (tmp_path / "decisions.csv").write_text(
        "youth_ref,unit_ref,kind,reason\nA,U2,ban,the landlord refused\n", encoding="utf-8"
    )
    result = run_case(read_case(tmp_path))
    assert ("A", "U2") not in {(m.youth_ref, m.unit_ref) for m in result.matches}
    assert len(result.matches) == 2


# --------------------------------------------------------------------------- priority schemes

CRITERIA = ["urgency", "situation", "waiting", "points"]


def scheme_key(policy: Any, y: Any) -> tuple[Any, ...]:
    """The case format's statement of a scheme's order, written independently of the engine:
    urgency (urgent first, by urgent_by), situation (by rank, unlisted last), waiting (referral
    date), points (highest sum first), then ref. Dates compare as ISO text."""
    scheme = policy.priority
    urgent = (
        y.urgent_by is not None
        and (y.urgent_by - policy.run_date).days <= policy.urgent_within_days
    )
    key: list[Any] = []
    for criterion in scheme.order:
        name = criterion.value
        if name == "urgency":
            key += [0 if urgent else 1, y.urgent_by.isoformat() if urgent else "~"]
        elif name == "situation":
            rank = [s.value for s in scheme.situation_rank]
            key.append(rank.index(y.situation.value) if y.situation.value in rank else len(rank))
        elif name == "waiting":
            key.append(y.referred_on.isoformat())
        else:
            weeks = (policy.run_date - y.referred_on).days // 7
            points = scheme.points.get(y.situation.value, 0)
            points += scheme.points.get("urgent", 0) if urgent else 0
            points += scheme.points.get("per_week_waiting", 0) * weeks
            key.append(-points)
    return (*key, y.ref)


@st.composite
def schemed_cases(draw: st.DrawFn) -> Case:
    from solver.domain import PriorityScheme, Situation

    case = draw(decided_cases())
    youths = tuple(
        replace(
            y,
            situation=draw(st.sampled_from(list(Situation))),
            urgent_by=draw(
                st.none() | st.integers(-10, 60).map(lambda d: RUN_DATE + timedelta(days=d))
            ),
        )
        for y in case.youths
    )
    order = draw(st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=4, unique=True))
    rank = draw(st.permutations(list(Situation)))
    points = draw(st.dictionaries(st.sampled_from([s.value for s in Situation] + ["urgent", "per_week_waiting"]),
                                  st.integers(0, 50), max_size=4))  # fmt: skip
    scheme = PriorityScheme(order=tuple(order), situation_rank=tuple(rank[: draw(st.integers(0, 6))]) or tuple(rank),
                            points=points)  # fmt: skip
    return replace(case, youths=youths, decisions=(), policy=replace(case.policy, priority=scheme))


@settings(max_examples=200, deadline=None)
@given(schemed_cases())
def test_any_priority_scheme_gives_the_brute_force_priority_best_set(case: Case) -> None:
    """Under a random scheme, the housed set is the lexicographically best maximum set by the
    scheme's order as the case format states it (an independent key, checked by brute force)."""
    result = run_case(case)
    independent = sorted(case.youths, key=lambda y: scheme_key(case.policy, y))
    position = {y.ref: i for i, y in enumerate(independent)}
    plain = build_problem(case).problem
    assert [case.youths[int(c)].ref for c in np.argsort(plain.rank)] == [y.ref for y in independent]
    keys = []
    for arcs in allocations(plain):
        refs = [case.youths[int(plain.arc_candidate[a])].ref for a in arcs]
        keys.append(
            (
                -len(arcs),
                tuple(sorted(position[r] for r in refs)),
                sum(int(plain.arc_cost[a]) for a in arcs),
            )
        )
    count, signature, cost = min(keys)
    assert len(result.matches) == -count
    assert tuple(sorted(position[m.youth_ref] for m in result.matches)) == signature
    assert sum(m.cost for m in result.matches) == cost
