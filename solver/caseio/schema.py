"""The columns of the case format's CSV files (``../shared/case-format.md``): name, cell kind,
whether required, and the value of an empty cell. The order of each tuple is the order
:func:`solver.caseio.write.write_case` writes the columns in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.caseio.cells import (
    BOOL,
    COUNT,
    DATE,
    LIST,
    MONEY,
    POSITIVE,
    RATE,
    TEXT,
    Kind,
    enum,
)
from solver.domain import (
    DecisionKind,
    DwellingType,
    Gender,
    IncomeType,
    Pet,
    PetPolicy,
    Situation,
    SupportMethod,
)

FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "decisions.csv", "policy.toml")
REQUIRED_FILES = ("youths.csv", "units.csv")


@dataclass(frozen=True)
class Column:
    """One column of a case CSV: its name, kind, whether required, and the empty-cell value."""

    name: str
    kind: Kind
    required: bool = True
    default: Any = None


SITUATIONS = {s.value: s for s in Situation}
INCOMES = {s.value: s for s in IncomeType}
METHODS = {s.value: s for s in SupportMethod}
TEAM_METHODS = {s.value: s for s in SupportMethod if s is not SupportMethod.NONE}
TYPES = {s.value: s for s in DwellingType}
GENDERS = {s.value: s for s in Gender}
PETS = {p.label: p for p in Pet}
PET_POLICIES = {p.label: p for p in PetPolicy}

YOUTH_COLUMNS = (
    Column("ref", TEXT),
    Column("birth_date", DATE),
    Column("referred_on", DATE),
    Column("situation", enum(SITUATIONS)),
    Column("income_type", enum(INCOMES)),
    Column("monthly_income", MONEY, False),
    Column("rent_ceiling", MONEY, False),
    Column("pet", enum(PETS), False, Pet.NONE),
    Column("household_size", POSITIVE, False, 1),
    Column("needs_accessible", BOOL, False, False),
    Column("support_method", enum(METHODS)),
    Column("support_team", TEXT, False),
    Column("urgent_by", DATE, False),
    Column("preferred_areas", LIST, False, ()),
    Column("excluded_areas", LIST, False, ()),
    Column("gender", enum(GENDERS), False),
    Column("greenlandic", BOOL, False),
    Column("case_worker", TEXT, False),
)
UNIT_COLUMNS = (
    Column("ref", TEXT),
    Column("organisation", TEXT),
    Column("department", TEXT, False),  # default: the organisation
    Column("area", TEXT),
    Column("dwelling_type", enum(TYPES)),
    Column("rooms", POSITIVE),
    Column("size_m2", POSITIVE, False),
    Column("rent", MONEY),
    Column("utilities", MONEY, False, 0),
    Column("deposit", MONEY, False),
    Column("pets", enum(PET_POLICIES), False, PetPolicy.NONE),
    Column("accessible", BOOL, False, False),
    Column("available_from", DATE),
    Column("benefit_restricted", BOOL, False, False),
    Column("address", TEXT, False),
    Column("contact", TEXT, False),
)
SUPPORT_COLUMNS = (
    Column("team", TEXT),
    Column("method", enum(TEAM_METHODS)),
    Column("workers", COUNT),
    Column("caseload_cap", COUNT, False),  # default: the policy's cap for the method
    Column("current_caseload", COUNT),
    Column("shared_caseload", BOOL, False),  # default: true for ACT, false otherwise
)
QUOTA_COLUMNS = (
    Column("organisation", TEXT),
    Column("dwelling_type", enum(TYPES)),
    Column("vacancies", COUNT),
    Column("claimed", COUNT),
    Column("rate", RATE, False),  # default: policy.default_quota_rate
)
DECISION_COLUMNS = (
    Column("youth_ref", TEXT, False),
    Column("unit_ref", TEXT, False),
    Column("kind", enum({k.value: k for k in DecisionKind})),
    Column("reason", TEXT),
)
COLUMNS = {
    "youths.csv": YOUTH_COLUMNS,
    "units.csv": UNIT_COLUMNS,
    "support.csv": SUPPORT_COLUMNS,
    "quotas.csv": QUOTA_COLUMNS,
    "decisions.csv": DECISION_COLUMNS,
}

Row = dict[str, Any]  # column name -> value (default where empty or bad), plus "_row"
