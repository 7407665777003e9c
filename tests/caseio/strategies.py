"""Hypothesis strategies for case files: random valid cases."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from solver.domain import (
    Case,
    DwellingType,
    FitWeights,
    Gender,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    QuotaGroup,
    Situation,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)

_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZæøåÆØÅ0123456789-_ ", min_size=1, max_size=8).map(
    str.strip
).filter(bool)  # fmt: skip
_days = st.dates(date(1990, 1, 1), date(2030, 12, 31))
_money = st.integers(0, 20_000)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Random valid cases: every optional field sometimes set, text with Danish letters,
    commas and quotes."""
    teams = [
        SupportTeam(f"T{i}", draw(st.sampled_from([m for m in SupportMethod if m is not SupportMethod.NONE])),
                    draw(st.integers(0, 5)), draw(st.integers(0, 50)),
                    draw(st.none() | st.integers(0, 15)))
        for i in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    youths = []
    for i in range(draw(st.integers(0, 5))):
        born = draw(st.dates(date(1995, 1, 1), date(2010, 12, 31)))
        method = draw(st.sampled_from(list(SupportMethod)))
        fitting = [t.team for t in teams if t.method is method]
        if method in (SupportMethod.CTI, SupportMethod.ACT) and not fitting:
            method = SupportMethod.NONE
        team = None
        if method is not SupportMethod.NONE:
            team = draw(st.sampled_from(fitting)) if fitting else None
            if method is SupportMethod.ICM and draw(st.booleans()):
                team = None
        youths.append(
            Youth(
                ref=f"Y{i}",
                birth_date=born,
                referred_on=draw(st.dates(born, date(2030, 12, 31))),
                situation=draw(st.sampled_from(list(Situation))),
                income_type=draw(st.sampled_from(list(IncomeType))),
                support_method=method,
                monthly_income=draw(st.none() | _money),
                rent_ceiling=draw(st.none() | _money),
                pet=draw(st.sampled_from(list(Pet))),
                household_size=draw(st.integers(1, 6)),
                needs_accessible=draw(st.booleans()),
                support_team=team,
                urgent_by=draw(st.none() | _days),
                preferred_areas=tuple(draw(st.lists(_names, max_size=3))),
                excluded_areas=tuple(draw(st.lists(_names, max_size=3))),
                gender=draw(st.none() | st.sampled_from(list(Gender))),
                greenlandic=draw(st.none() | st.booleans()),
            )
        )
    units = [
        Unit(
            ref=f"U{j}",
            organisation=draw(_names),
            department=draw(_names),
            area=draw(_names.map(lambda s: s + ', "quoted"')),
            dwelling_type=draw(st.sampled_from(list(DwellingType))),
            rooms=draw(st.integers(1, 5)),
            rent=draw(_money),
            available_from=draw(_days),
            size_m2=draw(st.none() | st.integers(1, 150)),
            utilities=draw(st.integers(0, 900)),
            deposit=draw(st.none() | _money),
            pets=draw(st.sampled_from(list(PetPolicy))),
            accessible=draw(st.booleans()),
            benefit_restricted=draw(st.booleans()),
        )
        for j in range(draw(st.integers(1, 4)))
    ]
    keys = draw(st.sets(st.tuples(_names, st.sampled_from(list(DwellingType))), max_size=3))
    quotas = [
        QuotaGroup(org, kind, draw(st.integers(0, 40)), draw(st.integers(0, 10)),
                   draw(st.none() | st.fractions(0, 1, max_denominator=12)))
        for org, kind in sorted(keys)
    ]  # fmt: skip
    low, high = sorted(draw(st.lists(st.integers(15, 30), min_size=2, max_size=2)))
    policy = Policy(
        run_date=draw(_days),
        default_quota_rate=draw(st.fractions(0, 1, max_denominator=12)),
        youth_dwelling_age=(low, high),
        weights=FitWeights(*draw(st.lists(st.integers(0, 500), min_size=4, max_size=4))),
    )
    return Case(tuple(youths), tuple(units), tuple(teams), tuple(quotas), policy)
