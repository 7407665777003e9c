"""The catalogue's Danish words as the templates use them: ``label(t.REASONS, code)``.

Every text lives in ``solver.i18n.catalogue``; this module only names its Danish tables. An
unknown code is shown as it is, so a new code never breaks a page.
"""

from __future__ import annotations

from solver.engine.eligibility import FIT_TERMS as _FIT
from solver.i18n.render import table

ROLES = table("role")
RUN_STATUS = table("run_status")
QUOTA_REPORT = table("quota_report")
RUN_PROGRESS = table("run_progress")
RESULT_STATUS = table("result_status")
YOUTH_STATUS = table("youth_status")
OFFER_STATE = table("offer_state")
OFFER_ACTIONS = table("offer_action")
OFFER_DONE = table("offer_done")
DECLINE_REASONS = table("decline")
REASONS = table("reason")
BLOCKS = table("block")
DWELLING_TYPES = table("dwelling_type")
SUPPORT_METHODS = table("support_method")
SITUATIONS = table("situation")
SCENARIOS = table("scenario")
PET_POLICIES = table("pet_policy")
JOB_STATUS = {k: v for k, v in RUN_STATUS.items() if k != "stale"}  # a run's, not a job's
EXPECTED_WAIT_STATUS = table("wait_status")
EXPECTED_WAIT_REASONS = table("wait_reason")
KPIS = table("kpi")
UNITS = table("kpi_unit")
PLOTS = {name: table("plot")[name] for name in ("queue_length", "wait_distribution")}
AUDIT_ACTIONS = table("audit_action")
OBJECT_TYPES = table("object_type")
YOUTH_FIELDS = table("youth_field")
SITUATIONS = table("situation")
INCOME_TYPES = table("income_type")
PETS = table("pet")
GENDERS = table("gender")
DECISION_KINDS = table("decision_kind")
CHANGES = table("change")
OVERRIDE_REASONS = table("override_reason")
WITHDRAW_REASONS = table("withdraw_reason")
DWELLING_STATUS = table("dwelling_status")
PRESETS = table("preset")
CRITERIA = table("criterion")
YOUTH_COLUMNS = table("column_youths")  # the youth list's headings, as its spreadsheet's
DECISION_COLUMNS = table("column_decisions")
FITTING_DWELLING_COLUMNS = table("column_fitting_dwellings")  # a youth's page: the week's
_FIT_NAMES, _FIT_UNITS = table("fit"), table("fit_unit")
FIT_TERMS = {term: (_FIT_NAMES[term], _FIT_UNITS[term]) for term in _FIT}


def label(words: dict[str, str], code: str | None) -> str:
    """The Danish word for ``code`` in one of the tables above, or the code itself."""
    if code is None:
        return ""
    return words.get(code, code)


def decimal_comma(value: str) -> str:
    """``"46.0 [33.3, 58.7]"`` as Danish writes it: ``"46,0 [33,3; 58,7]"``."""
    return value.replace(", ", "; ").replace(".", ",")
