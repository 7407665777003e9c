"""Danish words for the service's codes (roles, states, reasons, rules, KPIs).

The codes stay the service's (stable, English); only what a person reads is translated here.
An unknown code is shown as it is, so a new code never breaks a page.
"""

from __future__ import annotations

ROLES = {
    "admin": "Administrator",
    "allocator": "Boliganvisning",
    "planner": "Planlægger",
    "caseworker": "Sagsbehandler (ICM/CTI)",
}

RUN_STATUS = {
    "queued": "I kø",
    "running": "Kører",
    "done": "Færdig",
    "failed": "Fejlede",
}

# The stage a run has just finished (solver.engine.week / solver.core.solve progress names).
RUN_PROGRESS = {
    "": "venter på at starte",
    "eligibility": "regler kontrolleret",
    "build": "opgaven er stillet op",
    "network": "netværket er bygget",
    "stage1_count": "trin 1 løst: flest mulige boliger",
    "stage2_priority": "trin 2 løst: prioritet",
    "stage3_fit": "trin 3 løst: bedste match",
    "cpsat": "sidebetingelser løst (CP-SAT)",
    "explain": "begrundelser skrevet",
    "done": "færdig",
}

RESULT_STATUS = {
    "OPTIMAL": "optimal (bevist)",
    "FEASIBLE": "gyldig (optimalitet ikke bevist)",
}

YOUTH_STATUS = {
    "waiting": "Venter",
    "offered": "Har fået tilbud",
    "housed": "Har fået bolig",
    "withdrawn": "Udgået",
}

OFFER_STATE = {
    "offered": "Tilbudt",
    "accepted": "Accepteret",
    "declined": "Afslået",
    "expired": "Udløbet",
    "signed": "Kontrakt underskrevet",
    "moved_in": "Flyttet ind",
}

OFFER_ACTIONS = {
    "accept": "Accepter",
    "decline": "Afslå",
    "sign": "Kontrakt underskrevet",
    "move_in": "Flyttet ind",
}

OFFER_DONE = {
    "created": "Tilbuddet er oprettet.",
    "accept": "Tilbuddet er registreret som accepteret.",
    "decline": "Afslaget er registreret.",
    "sign": "Kontrakten er registreret. Kvoteregnskab og teamets sagsantal er opdateret.",
    "move_in": "Indflytningen er registreret.",
}

DECLINE_REASONS = {
    "pet_not_allowed": "Husdyr ikke tilladt",
    "area": "Området",
    "too_expensive": "For dyr",
    "no_contact": "Ingen kontakt",
    "not_ready": "Ikke klar",
    "other": "Andet",
}

# Why a youth was not housed in a run (solver.engine.explain) and hard rules
# (solver.engine.eligibility).
REASONS = {
    "not_available_in_time": "Ingen bolig ledig i tide",
    "no_affordable_unit": "Ingen bolig inden for huslejeloftet",
    "benefit_restricted": "Kombineret udlejning udelukker kontanthjælpsmodtagere",
    "pet_not_allowed": "Husdyret er ikke tilladt",
    "household_too_large": "Husstanden er for stor til boligerne",
    "not_accessible": "Ingen tilgængelig bolig",
    "age_outside_youth_band": "Alder uden for ungdomsboligernes aldersgrænse",
    "area_excluded": "Boligerne ligger i fravalgte områder",
    "support_not_in_place": "ICM-støtte er ikke på plads",
    "no_vacancies": "Ingen ledige boliger i ugen",
    "outranked": "Unge med højere prioritet fik de egnede boliger",
    "support_capacity": "CTI/ACT-teamet har ingen ledig plads",
    "quota_exhausted": "Anvisningskvoten er opbrugt",
    "department_limit": "Grænsen for anvisninger i afdelingen er nået",
    "lowers_housed_count": "Ville give færre unge en bolig i denne uge",
}

BLOCKS = {
    "support_capacity": "CTI/ACT-teamet har ingen ledig plads",
    "support_not_in_place": "ICM-støtte er ikke på plads",
}

FIT_TERMS = {
    "rent_share": ("Husleje af indkomst", "‰"),
    "area": ("Uden for ønsket område", ""),
    "availability": ("Dage til ledig efter behov", "dage"),
    "size": ("Ekstra værelser", "vær."),
}

DWELLING_TYPES = {"youth": "Ungdomsbolig", "family": "Familiebolig", "private": "Privat udlejning"}

SUPPORT_METHODS = {"ICM": "ICM", "CTI": "CTI", "ACT": "ACT", "none": "Ingen"}

JOB_STATUS = RUN_STATUS

EXPECTED_WAIT_STATUS = {
    "ready": "Beregnet",
    "stale": "Beregnet på tidligere data (genberegnes)",
    "computing": "beregnes…",
    "unavailable": "Ikke tilgængelig",
}

EXPECTED_WAIT_REASONS = {
    "switched off": "slået fra",
    "nothing has been imported yet": "intet importeret endnu",
    "not waiting in the latest week": "venter ikke i seneste uge",
}

# End-of-horizon KPIs of a planning job (solver.planning.kpi.END_KPIS).
KPIS = {
    "housed": "Unge der fik bolig",
    "wait_median_weeks": "Median ventetid for dem der fik bolig",
    "wait_p90_weeks": "90 %-fraktil af ventetiden",
    "housed_within_13w_share": "Nyhenviste med bolig inden for 13 uger",
    "queue_end": "Kø ved periodens slutning",
    "still_homeless_end": "Stadig hjemløse ved slutningen (sofa, herberg, gade)",
    "left_other_routes": "Forlod køen ad andre veje",
    "icm_pending_end": "ICM-unge uden team ved slutningen",
    "offers": "Tilbud givet",
    "declines": "Tilbud afslået",
    "declines_pet_not_allowed": "Afslået: husdyr ikke tilladt",
    "declines_area": "Afslået: området",
    "declines_too_expensive": "Afslået: for dyr",
    "declines_not_ready": "Afslået: ikke klar",
    "declines_no_contact": "Afslået: ingen kontakt",
    "cti_utilisation": "CTI-belægning (gennemsnit over uger)",
    "act_utilisation": "ACT-belægning (gennemsnit over uger)",
    "icm_utilisation": "ICM-belægning (gennemsnit over uger)",
    "quota_use": "Anvisningsret i brug (gennemsnit over uger)",
    "housed_share_female": "Monitorering: andel med bolig, kvinder",
    "housed_share_male": "Monitorering: andel med bolig, mænd",
    "housed_share_greenlandic": "Monitorering: andel med bolig, grønlandsk baggrund",
    "housed_share_not_greenlandic": "Monitorering: andel med bolig, anden baggrund",
    "wait_median_female": "Monitorering: median ventetid, kvinder",
    "wait_median_male": "Monitorering: median ventetid, mænd",
    "wait_median_greenlandic": "Monitorering: median ventetid, grønlandsk baggrund",
    "wait_median_not_greenlandic": "Monitorering: median ventetid, anden baggrund",
}

UNITS = {
    "youths": "unge",
    "weeks": "uger",
    "share": "andel",
    "offers": "tilbud",
}

PLOTS = {
    "queue_length": "Kølængde uge for uge",
    "wait_distribution": "Fordeling af ventetid",
}

AUDIT_ACTIONS = {
    "import": "Import",
    "run.request": "Kørsel startet",
    "offer.create": "Tilbud oprettet",
    "offer.accept": "Tilbud accepteret",
    "offer.decline": "Tilbud afslået",
    "offer.expire": "Tilbud udløbet",
    "offer.sign": "Kontrakt underskrevet",
    "offer.move_in": "Flyttet ind",
    "read.proposals": "Læst: forslag",
    "read.offers": "Læst: tilbud",
    "read.youths": "Læst: liste over unge",
    "read.youth": "Læst: ung",
    "read.queue": "Læst: kø for ung",
    "user.create": "Bruger oprettet",
    "scenario.start": "Scenarie startet",
}

OBJECT_TYPES = {
    "youth": "Ung",
    "run": "Kørsel",
    "offer": "Tilbud",
    "user": "Bruger",
    "week": "Uge",
    "scenario_job": "Planlægningskørsel",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The Danish word for ``code``, or the code itself."""
    if code is None:
        return ""
    return table.get(code, code)


def decimal_comma(value: str) -> str:
    """``"46.0 [33.3, 58.7]"`` as Danish writes it: ``"46,0 [33,3; 58,7]"``."""
    return value.replace(", ", "; ").replace(".", ",")
