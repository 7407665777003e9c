"""Eligibility benchmark: time of ``compute_eligibility`` from a small case to 20,000 × 5,000.

The cases are synthetic and self-contained (no fixture files): youths and dwellings drawn with
numpy from a fixed seed, mostly cash-benefit youths against rents around 5,000 kr, so a few per
cent of pairs are eligible (20,000 × 5,000 gives about 3.6 million pairs, more than the
national fixture's 2 million). Each row prints the best of ``--repeat`` runs for the whole call
and, separately, for building the numpy columns from the domain objects; Mpairs/s counts all
youth × unit pairs considered.

Run: ``.venv/bin/python benchmarks/bench_eligibility.py [--sizes 900x80 20000x5000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.domain import (  # noqa: E402
    Case,
    DwellingType,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    Situation,
    SupportMethod,
    Unit,
    Youth,
)
from solver.engine.eligibility import columns, compute_eligibility  # noqa: E402

RUN_DATE = date(2026, 11, 23)
AREAS = [f"area-{k:02d}" for k in range(40)]


def synthetic_case(n_youths: int, n_units: int, seed: int = 2026) -> Case:
    """A random case of the given size (a few per cent of pairs eligible)."""
    rng = np.random.default_rng(seed)
    incomes = list(IncomeType)
    youths = tuple(
        Youth(
            ref=f"Y{i:06d}",
            birth_date=RUN_DATE - timedelta(days=int(rng.integers(365 * 17, 365 * 26))),
            referred_on=RUN_DATE - timedelta(days=int(rng.integers(0, 700))),
            situation=Situation.COUCH,
            income_type=incomes[int(rng.choice(5, p=[0.7, 0.1, 0.08, 0.04, 0.08]))],
            support_method=SupportMethod.NONE,
            monthly_income=int(rng.integers(5000, 12000)) if rng.random() < 0.7 else None,
            pet=Pet(int(rng.choice(4, p=[0.8, 0.08, 0.07, 0.05]))),
            household_size=1 if rng.random() < 0.9 else 2,
            needs_accessible=bool(rng.random() < 0.03),
            urgent_by=RUN_DATE + timedelta(days=int(rng.integers(0, 60)))
            if rng.random() < 0.2
            else None,
            preferred_areas=tuple(rng.choice(AREAS, size=int(rng.integers(0, 3)), replace=False)),
            excluded_areas=tuple(rng.choice(AREAS, size=int(rng.integers(0, 4)), replace=False)),
        )
        for i in range(n_youths)
    )
    types = list(DwellingType)
    units = tuple(
        Unit(
            ref=f"U{j:06d}",
            organisation=f"org-{j % 25}",
            department=f"org-{j % 25}/{j % 7}",
            area=AREAS[int(rng.integers(len(AREAS)))],
            dwelling_type=types[int(rng.choice(3, p=[0.5, 0.4, 0.1]))],
            rooms=int(rng.integers(1, 4)),
            rent=int(rng.normal(5000, 800)),
            utilities=int(rng.integers(0, 400)),
            available_from=RUN_DATE + timedelta(days=int(rng.integers(-5, 80))),
            pets=PetPolicy(int(rng.choice(4, p=[0.3, 0.3, 0.2, 0.2]))),
            accessible=bool(rng.random() < 0.1),
            benefit_restricted=bool(rng.random() < 0.15),
        )
        for j in range(n_units)
    )
    return Case(youths=youths, units=units, teams=(), quotas=(), policy=Policy(RUN_DATE))


def best_of(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["900x80", "5000x1250", "20000x5000"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"{'youths × units':>16} {'pairs':>10} {'columns s':>10} {'total s':>9} {'Mpairs/s':>9}")
    for size in args.sizes:
        n_y, n_u = (int(x) for x in size.split("x"))
        case = synthetic_case(n_y, n_u)
        t_cols, _ = best_of(args.repeat, lambda: columns(case))  # noqa: B023
        t_all, elig = best_of(args.repeat, lambda: compute_eligibility(case))  # noqa: B023
        pairs = elig.n_pairs  # type: ignore[attr-defined]
        rate = n_y * n_u / t_all / 1e6
        print(f"{n_y:>7,} × {n_u:<6,} {pairs:>10,} {t_cols:>10.2f} {t_all:>9.2f} {rate:>9.0f}")


if __name__ == "__main__":
    main()
