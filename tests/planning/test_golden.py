"""Golden numbers: one seed of a scenario with every change kind gives exactly these KPIs.

The simulation is refactored from time to time (world, processes, changes, declines and
accounting live in their own modules); this pins that a refactor keeps the numbers. The case
is a frozen copy of the naestved fixture (``golden_case/``, so recalibrating the fixtures does
not move it) and every calibration value is written out (so changing a default does not
either). The numbers move only when the simulation or the engine changes what it does: then
regenerate them with ``python tests/planning/test_golden.py`` and say why in the commit.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from solver.caseio.read import read_case
from solver.domain import DwellingType
from solver.planning.scenario import (
    AddDwellings,
    Calibration,
    DeclineModel,
    DogFriendlyShare,
    LiftLettingRestrictions,
    QuotaRate,
    RentCeiling,
    RentIncrease,
    ScaleArrivals,
    ScaleVacancies,
    ScenarioSpec,
    SupportTeamChange,
    TenancyLoss,
)
from solver.planning.simulate import simulate

HERE = Path(__file__).resolve().parent
CASE = read_case(HERE / "golden_case")

CALIBRATION = Calibration(
    leave_per_week=0.01,
    quota_window_weeks=13,
    unit_expiry_weeks=4,
    cti_course_weeks=39,
    icm_mean_weeks=56.0,
    act_mean_weeks=104.0,
    unrecorded_dog_share=0.1,
    decline_pause_weeks=1,
    decline=DeclineModel(
        pet_banned=0.7,
        area_not_preferred=0.2,
        area_other=0.03,
        too_expensive=0.15,
        too_expensive_other=0.02,
        too_expensive_share=0.5,
        not_ready=0.06,
        no_contact=0.05,
    ),
    tenancy_loss=TenancyLoss(period_weeks=78.0, icm=0.0, cti=0.0, act=0.0, no_support=0.0),
)

SPEC = ScenarioSpec(
    name="golden",
    base="golden_case",
    case=CASE,
    horizon_weeks=16,
    replications=2,
    seed=7,
    calibration=CALIBRATION,
    changes=(
        AddDwellings(
            organisation="Boligorg-01",
            dwelling_type=DwellingType.YOUTH,
            rent=3000,
            count=3,
            per_week=0.5,
            start_week=2,
            outside_quota=False,
        ),
        SupportTeamChange(team="CTI-1", add_workers=1, start_week=3),
        QuotaRate(rate=Fraction(1, 3), start_week=2),
        RentCeiling(start_week=4, subsidy=300),
        DogFriendlyShare(share=0.6, start_week=2),
        LiftLettingRestrictions(start_week=5),
        ScaleArrivals(factor=1.3, start_week=3),
        ScaleVacancies(factor=0.8, start_week=6),
        RentIncrease(start_week=7, amount=200, factor=1.05),
    ),
)


def numbers() -> list[dict[str, Any]]:
    """Every end KPI, the weekly housed series and the wait histogram of each replication."""
    out = []
    for r in range(SPEC.replications):
        res = simulate(SPEC, r, track=True)
        out.append(
            {
                "end": {
                    k: None if math.isnan(v) else round(v, 9) for k, v in sorted(res.end.items())
                },
                "housed_weekly": res.weekly["housed"],
                "queue_weekly": res.weekly["queue"],
                "wait_hist": res.wait_hist,
                "youth_housed": res.youth_housed,
            }
        )
    return out


GOLDEN = HERE / "golden.json"


def test_a_seed_gives_exactly_the_golden_numbers() -> None:
    assert numbers() == json.loads(GOLDEN.read_text(encoding="utf-8"))


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(numbers(), indent=1) + "\n", encoding="utf-8")
