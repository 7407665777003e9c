"""The columns of the case format's CSV files (``../shared/case-format.md``): name, cell kind,
whether required, and the value of an empty cell. The order of each tuple is the order
:func:`solver.caseio.write.write_case` writes the columns in.

**Danish headings**: a spreadsheet may head a column with its Danish name instead of the
format's (``Fødselsdato`` for ``birth_date``), and a workbook may name its sheets in Danish
(``unge`` for ``youths``). :data:`DANISH_HEADINGS` and :data:`SHEET_ALIASES` list them;
:func:`column_name` maps a heading to the format's name (case and surrounding spaces ignored).
The format's own names always work; a column given under both names counts as given twice.
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
    REF,
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
    Column("ref", REF),
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
    Column("ref", REF),
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
    Column("as_of", DATE, False),  # default: the run date
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


# The Danish heading of every column (what the template workbook writes, what a Danish
# spreadsheet may use). A heading is matched ignoring case and surrounding spaces.
DANISH_HEADINGS: dict[str, dict[str, str]] = {
    "youths.csv": {
        "ref": "Reference",
        "birth_date": "Fødselsdato",
        "referred_on": "Henvist",
        "situation": "Boligsituation",
        "income_type": "Indkomsttype",
        "monthly_income": "Månedlig indkomst",
        "rent_ceiling": "Huslejeloft",
        "pet": "Husdyr",
        "household_size": "Personer i husstanden",
        "needs_accessible": "Behov for tilgængelig bolig",
        "support_method": "Støttemetode",
        "support_team": "Støtteteam",
        "urgent_by": "Haster senest",
        "preferred_areas": "Ønskede områder",
        "excluded_areas": "Fravalgte områder",
        "gender": "Køn",
        "greenlandic": "Grønlandsk baggrund",
        "case_worker": "Sagsbehandler",
    },
    "units.csv": {
        "ref": "Reference",
        "organisation": "Boligorganisation",
        "department": "Afdeling",
        "area": "Område",
        "dwelling_type": "Boligtype",
        "rooms": "Værelser",
        "size_m2": "Areal m2",
        "rent": "Husleje",
        "utilities": "Aconto",
        "deposit": "Indskud",
        "pets": "Husdyr tilladt",
        "accessible": "Tilgængelig",
        "available_from": "Ledig fra",
        "benefit_restricted": "Kombineret udlejning",
        "address": "Adresse",
        "contact": "Kontakt",
    },
    "support.csv": {
        "team": "Team",
        "method": "Metode",
        "workers": "Medarbejdere",
        "caseload_cap": "Loft pr. medarbejder",
        "current_caseload": "Sager nu",
        "shared_caseload": "Fælles sagsstamme",
    },
    "quotas.csv": {
        "organisation": "Boligorganisation",
        "dwelling_type": "Boligtype",
        "vacancies": "Ledige i perioden",
        "claimed": "Anvist i perioden",
        "rate": "Andel",
        "as_of": "Opgjort pr.",
    },
    "decisions.csv": {
        "youth_ref": "Ung",
        "unit_ref": "Bolig",
        "kind": "Beslutning",
        "reason": "Begrundelse",
    },
}
# Further spellings people use for a heading (a spreadsheet without æ/ø/å, the m² sign).
_MORE_HEADINGS: dict[str, dict[str, str]] = {
    "youths.csv": {"fodselsdato": "birth_date", "stottemetode": "support_method",
                   "stotteteam": "support_team", "kon": "gender", "ref.": "ref"},
    "units.csv": {"areal m²": "size_m2", "areal": "size_m2", "omrade": "area",
                  "vaerelser": "rooms", "ref.": "ref"},
}  # fmt: skip

# A workbook's sheet names in Danish (any case) -> the case file they hold.
SHEET_ALIASES = {
    "youths": "youths", "unge": "youths",
    "units": "units", "boliger": "units",
    "support": "support", "støtte": "support", "stotte": "support", "teams": "support",
    "quotas": "quotas", "kvoter": "quotas",
    "decisions": "decisions", "beslutninger": "decisions",
}  # fmt: skip


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


_BY_HEADING: dict[str, dict[str, str]] = {
    file: {
        **{_fold(heading): name for name, heading in headings.items()},
        **_MORE_HEADINGS.get(file, {}),
    }
    for file, headings in DANISH_HEADINGS.items()
}


def column_name(file: str, heading: str) -> str:
    """The format's name of the column headed ``heading`` in ``file`` (the heading itself when
    it is the format's name or no known Danish heading)."""
    names = {c.name for c in COLUMNS.get(file, ())}
    if heading in names:
        return heading
    found = _BY_HEADING.get(file, {}).get(_fold(heading))
    return found if found in names else heading


def danish_heading(file: str, column: str | None) -> str | None:
    """The Danish heading of a column (None when it has none)."""
    if column is None:
        return None
    return DANISH_HEADINGS.get(file, {}).get(column)
