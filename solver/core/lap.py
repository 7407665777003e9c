"""OR-Library linear assignment instances (Beasley 1990) as :class:`MatchProblem`.

Dense files ``assignN.txt`` hold N then N×N costs row by row; sparse ``assignpN.txt`` hold N then
``i j c`` triples (1-based) of the allowed pairs. Every row must be assigned: a perfect matching
of minimum cost, which the three stages find as stage 1 (all N housed), stage 2 (trivial) and
stage 3 (minimum cost).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from solver.core.problem import MatchProblem


def read_lap(path: Path) -> MatchProblem:
    """Read a dense or sparse OR-Library assignment file."""
    numbers = np.array(Path(path).read_text().split(), dtype=np.int64)
    n = int(numbers[0])
    body = numbers[1:]
    if len(body) == n * n:
        cand, unit = np.divmod(np.arange(n * n, dtype=np.int64), n)
        cost = body
    elif len(body) % 3 == 0:
        triples = body.reshape(-1, 3)
        cand, unit, cost = triples[:, 0] - 1, triples[:, 1] - 1, triples[:, 2]
    else:
        raise ValueError(f"{path}: neither {n}×{n} costs nor i j c triples.")
    return MatchProblem(
        n_candidates=n,
        n_units=n,
        arc_candidate=np.ascontiguousarray(cand),
        arc_unit=np.ascontiguousarray(unit),
        arc_cost=np.ascontiguousarray(cost),
        rank=np.arange(n, dtype=np.int64),
    )


def published_optima(path: Path) -> dict[str, int]:
    """``assignopt.txt``: instance name → published optimum (OR-Library instances only)."""
    out: dict[str, int] = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("assign"):
            out[parts[0].removesuffix(".txt")] = int(float(parts[1]))
    return out
