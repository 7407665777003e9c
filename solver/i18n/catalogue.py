"""The message catalogue: every text a person reads, in Danish (``da``) and English (``en``).

A key is ``namespace.code`` (``reason.outranked``) or ``namespace.code.part``. An entry is
``{"da": ..., "en": ...}``; one whose wording depends on numbers names them in ``"count"`` (one
parameter, or several separated by commas) and gives a form per case: ``"zero"`` (optional),
``"one"`` and ``"other"`` — with several counts, the forms of each joined by commas
(``"one,other"``). Placeholders are explained in :mod:`solver.i18n.render`.

Sections: explanations (why a youth was not housed), hard rules, queue sentences, case-file
import issues, policy issues, words for codes (statuses, roles, states, decline reasons, …),
KPIs, plots. English is also what the CLI and the machine files write by default.
"""

from __future__ import annotations

from typing import Any

Entry = dict[str, Any]


def _words(namespace: str, rows: dict[str, tuple[str, str]]) -> dict[str, Entry]:
    """``{code: (da, en)}`` as catalogue entries ``namespace.code``."""
    return {f"{namespace}.{code}": {"da": da, "en": en} for code, (da, en) in rows.items()}


# --------------------------------------------------------------------------- explanations
# The sentence shown for a youth the week's run did not house (solver.engine.explain): a hard
# rule left no dwelling (the first rule of the cascade that leaves none names it), or the
# optimiser's reason. Parameters are the engine's (solver.engine.explain.Reason.params).
EXPLAIN: dict[str, Entry] = {
    "explain.not_available_in_time": {
        "count": "left",
        "en": {
            "one": "the only dwelling is not available within {days} days",
            "other": "none of the {left} dwellings is available within {days} days",
        },
        "da": {
            "one": "den eneste bolig er ikke ledig inden for {days} dage",
            "other": "ingen af de {left} boliger er ledig inden for {days} dage",
        },
    },
    "explain.no_affordable_unit": {
        "count": "left",
        "en": {
            "one": "the only dwelling is not within your ceiling of {ceiling:kr} "
            "(cheapest {cheapest:kr})",
            "other": "none of the {left} dwellings is within your ceiling of {ceiling:kr} "
            "(cheapest {cheapest:kr})",
        },
        "da": {
            "one": "den eneste bolig ligger over dit huslejeloft på {ceiling:kr} "
            "(den billigste koster {cheapest:kr})",
            "other": "ingen af de {left} boliger ligger inden for dit huslejeloft på "
            "{ceiling:kr} (den billigste koster {cheapest:kr})",
        },
    },
    "explain.deposit_too_high": {
        "count": "left",
        "en": {
            "one": "1 dwelling within your ceiling of {ceiling:kr}; its deposit is above your "
            "limit of {limit:kr} ({lowest:kr})",
            "other": "{left} dwellings within your ceiling of {ceiling:kr}; all ask a deposit "
            "above your limit of {limit:kr} (the lowest is {lowest:kr})",
        },
        "da": {
            "one": "1 bolig ligger inden for dit huslejeloft på {ceiling:kr}; dens indskud er over "
            "din grænse på {limit:kr} ({lowest:kr})",
            "other": "{left} boliger ligger inden for dit huslejeloft på {ceiling:kr}; de kræver "
            "alle et indskud over din grænse på {limit:kr} (det laveste er {lowest:kr})",
        },
    },
    "explain.benefit_restricted": {
        "count": "left",
        "en": {
            "one": "1 dwelling within your ceiling of {ceiling:kr}; it uses combined letting, "
            "which excludes cash-benefit recipients",
            "other": "{left} dwellings within your ceiling of {ceiling:kr}; all use combined "
            "letting, which excludes cash-benefit recipients",
        },
        "da": {
            "one": "1 bolig ligger inden for dit huslejeloft på {ceiling:kr}; den udlejes efter "
            "kombineret udlejning, som udelukker kontanthjælpsmodtagere",
            "other": "{left} boliger ligger inden for dit huslejeloft på {ceiling:kr}; de udlejes "
            "alle efter kombineret udlejning, som udelukker kontanthjælpsmodtagere",
        },
    },
    "explain.pet_not_allowed": {
        "count": "left",
        "en": {
            "one": "1 dwelling within your ceiling of {ceiling:kr}; it does not allow "
            "{pet:L.pet_a}",
            "other": "{left} dwellings within your ceiling of {ceiling:kr}; none allows "
            "{pet:L.pet_a}",
        },
        "da": {
            "one": "1 bolig ligger inden for dit huslejeloft på {ceiling:kr}; den tillader ikke "
            "{pet:L.pet_a}",
            "other": "{left} boliger ligger inden for dit huslejeloft på {ceiling:kr}; ingen af "
            "dem tillader {pet:L.pet_a}",
        },
    },
    "explain.household_too_large": {
        "count": "left",
        "en": {
            "one": "1 dwelling fits your rent and pet; it has no room for {persons} persons",
            "other": "{left} dwellings fit your rent and pet; none has room for {persons} persons",
        },
        "da": {
            "one": "1 bolig passer til din husleje og dit husdyr; den har ikke plads til "
            "{persons} personer",
            "other": "{left} boliger passer til din husleje og dit husdyr; ingen af dem har plads "
            "til {persons} personer",
        },
    },
    "explain.not_accessible": {
        "count": "left",
        "en": {
            "one": "1 dwelling fits your rent, pet and household; it is not accessible",
            "other": "{left} dwellings fit your rent, pet and household; none is accessible",
        },
        "da": {
            "one": "1 bolig passer til din husleje, dit husdyr og din husstand; den er ikke "
            "tilgængelig",
            "other": "{left} boliger passer til din husleje, dit husdyr og din husstand; ingen af "
            "dem er tilgængelig",
        },
    },
    "explain.age_outside_youth_band": {
        "count": "left",
        "en": {
            "one": "the only dwelling that fits otherwise is a youth dwelling for ages "
            "{lo}–{hi}; you are {age}",
            "other": "the {left} dwellings that fit otherwise are youth dwellings for ages "
            "{lo}–{hi}; you are {age}",
        },
        "da": {
            "one": "den eneste bolig, der ellers passer, er en ungdomsbolig for {lo}–{hi}-årige; "
            "du er {age}",
            "other": "de {left} boliger, der ellers passer, er ungdomsboliger for "
            "{lo}–{hi}-årige; du er {age}",
        },
    },
    "explain.area_excluded": {
        "count": "left",
        "en": {
            "one": "the only dwelling that fits otherwise is in an area you must not be placed in",
            "other": "the {left} dwellings that fit otherwise are all in areas you must not be "
            "placed in",
        },
        "da": {
            "one": "den eneste bolig, der ellers passer, ligger i et område, du ikke kan "
            "anvises til",
            "other": "de {left} boliger, der ellers passer, ligger alle i områder, du ikke kan "
            "anvises til",
        },
    },
    "explain.support_not_in_place": {
        "en": "ICM support is not in place yet: no ICM team is assigned, and housing waits for it",
        "da": "ICM-støtten er ikke på plads endnu: der er ikke tildelt et ICM-team, og boligen "
        "venter på det",
    },
    "explain.no_vacancies": {
        "en": "there are no vacant dwellings this week",
        "da": "der er ingen ledige boliger i denne uge",
    },
    "explain.outranked": {
        "count": "higher,dwellings",
        "en": {
            "one,one": "1 higher-priority youth took the dwelling you fit",
            "one,other": "1 higher-priority youth took the {dwellings} dwellings you fit",
            "other,one": "{higher} higher-priority youths took the dwelling you fit",
            "other,other": "{higher} higher-priority youths took the {dwellings} dwellings you fit",
        },
        "da": {
            "one,one": "1 ung med højere prioritet fik den bolig, du passer til",
            "one,other": "1 ung med højere prioritet fik de {dwellings} boliger, du passer til",
            "other,one": "{higher} unge med højere prioritet fik den bolig, du passer til",
            "other,other": "{higher} unge med højere prioritet fik de {dwellings} boliger, du "
            "passer til",
        },
    },
    "explain.support_capacity": {
        "count": "slots",
        "en": {
            "zero": "team {team} has no free slot for a new move-in",
            "one": "team {team}'s one free slot went to a higher-priority youth",
            "other": "team {team}'s {slots} free slots went to higher-priority youths",
        },
        "da": {
            "zero": "team {team} har ingen ledig plads til en ny indflytning",
            "one": "team {team}s ene ledige plads gik til en ung med højere prioritet",
            "other": "team {team}s {slots} ledige pladser gik til unge med højere prioritet",
        },
    },
    "explain.quota_exhausted": {
        "count": "higher",
        "en": {
            "zero": "the claims this run for {groups:groups} are used up",
            "one": "the claims this run for {groups:groups} are used up; 1 higher-priority youth "
            "took the rest",
            "other": "the claims this run for {groups:groups} are used up; {higher} "
            "higher-priority youths took the rest",
        },
        "da": {
            "zero": "anvisningsretten i denne kørsel er brugt op for {groups:groups}",
            "one": "anvisningsretten i denne kørsel er brugt op for {groups:groups}; 1 ung med "
            "højere prioritet fik resten",
            "other": "anvisningsretten i denne kørsel er brugt op for {groups:groups}; {higher} "
            "unge med højere prioritet fik resten",
        },
    },
    "explain.department_limit": {
        "count": "higher",
        "en": {
            "zero": "the claims this run for {groups:groups} are used up",
            "one": "the claims this run for {groups:groups} are used up; 1 higher-priority youth "
            "took the rest",
            "other": "the claims this run for {groups:groups} are used up; {higher} "
            "higher-priority youths took the rest",
        },
        "da": {
            "zero": "grænsen for anvisninger i denne kørsel er nået for {groups:groups}",
            "one": "grænsen for anvisninger i denne kørsel er nået for {groups:groups}; 1 ung med "
            "højere prioritet fik resten",
            "other": "grænsen for anvisninger i denne kørsel er nået for {groups:groups}; "
            "{higher} unge med højere prioritet fik resten",
        },
    },
    "explain.withheld": {
        "en": "the allocation office decided you are not matched this run: {reason}",
        "da": "boliganvisningen har besluttet, at du ikke matches i denne kørsel: {reason}",
    },
    "explain.pinned": {
        "count": "banned",
        "en": {
            "zero": "the allocation office gave the dwellings you fit to other youths by decision "
            "({dwellings})",
            "one": "the allocation office gave {dwellings} of the dwellings you fit to other "
            "youths by decision and excluded the other one for you",
            "other": "the allocation office gave {dwellings} of the dwellings you fit to other "
            "youths by decision and excluded the other {banned} for you",
        },
        "da": {
            "zero": "boliganvisningen har besluttet at give de boliger, du passer til, til andre "
            "unge ({dwellings})",
            "one": "boliganvisningen har besluttet at give {dwellings} af de boliger, du passer "
            "til, til andre unge og har udelukket den sidste for dig",
            "other": "boliganvisningen har besluttet at give {dwellings} af de boliger, du passer "
            "til, til andre unge og har udelukket de andre {banned} for dig",
        },
    },
    "explain.banned": {
        "count": "dwellings",
        "en": {
            "one": "the allocation office excluded the dwelling you fit for you this run",
            "other": "the allocation office excluded all {dwellings} dwellings you fit for you "
            "this run",
        },
        "da": {
            "one": "boliganvisningen har udelukket den bolig, du passer til, for dig i denne "
            "kørsel",
            "other": "boliganvisningen har udelukket alle {dwellings} boliger, du passer til, for "
            "dig i denne kørsel",
        },
    },
    "explain.lowers_housed_count": {
        "en": "housing you this week would have meant fewer youths housed in all, or a youth "
        "ahead of you in the queue left without a home",
        "da": "hvis du fik en bolig i denne uge, ville færre unge i alt få en bolig, eller en ung "
        "foran dig i køen ville stå uden",
    },
    "explain.not_decided_in_time": {
        "en": "the run reached its time limit before it could settle whether you could have "
        "had a dwelling this week; the allocation is not proven optimal",
        "da": "kørslen nåede sin tidsgrænse, før den kunne afgøre, om du kunne have fået en "
        "bolig i denne uge; fordelingen er ikke bevist optimal",
    },
}

# Short titles of the same codes (tables, filters, the queue's exclusions per rule).
REASONS = _words(
    "reason",
    {
        "not_available_in_time": ("Ingen bolig ledig i tide", "No dwelling available in time"),
        "no_affordable_unit": (
            "Ingen bolig inden for huslejeloftet",
            "No dwelling within the rent ceiling",
        ),
        "deposit_too_high": (
            "Indskuddet er over grænsen",
            "The deposit is above the limit",
        ),
        "benefit_restricted": (
            "Kombineret udlejning udelukker kontanthjælpsmodtagere",
            "Combined letting excludes cash-benefit recipients",
        ),
        "pet_not_allowed": ("Husdyret er ikke tilladt", "The pet is not allowed"),
        "household_too_large": (
            "Husstanden er for stor til boligerne",
            "The household is too large for the dwellings",
        ),
        "not_accessible": ("Ingen tilgængelig bolig", "No accessible dwelling"),
        "age_outside_youth_band": (
            "Alder uden for ungdomsboligernes aldersgrænse",
            "Age outside the youth dwellings' age band",
        ),
        "area_excluded": (
            "Boligerne ligger i fravalgte områder",
            "The dwellings are in excluded areas",
        ),
        "support_not_in_place": ("ICM-støtte er ikke på plads", "ICM support is not in place"),
        "no_vacancies": ("Ingen ledige boliger i ugen", "No vacant dwellings this week"),
        "outranked": (
            "Unge med højere prioritet fik de egnede boliger",
            "Higher-priority youths took the dwellings",
        ),
        "support_capacity": (
            "CTI/ACT-teamet har ingen ledig plads",
            "The CTI/ACT team has no free slot",
        ),
        "quota_exhausted": ("Anvisningskvoten er opbrugt", "The allocation quota is used up"),
        "department_limit": (
            "Grænsen for anvisninger i afdelingen er nået",
            "The department's placement limit is reached",
        ),
        "lowers_housed_count": (
            "Ville give færre unge en bolig eller skubbe en ung foran i køen ud",
            "Would house fewer or leave out a youth ahead in the queue",
        ),
        "not_decided_in_time": (
            "Ikke afgjort inden for tidsgrænsen",
            "Not settled within the time limit",
        ),
        "withheld": ("Holdt ude af kørslen ved beslutning", "Withheld from the run by decision"),
        "pin": ("Fastlåst af boliganvisningen", "Pinned by the allocation office"),
        "pinned": (
            "Boligerne er givet til andre ved beslutning",
            "The dwellings were given to others by decision",
        ),
        "banned": ("Udelukket ved beslutning", "Excluded by decision"),
    },
)

BLOCKS = _words(
    "block",
    {
        "support_capacity": ("CTI/ACT-teamet har ingen ledig plads", "No free CTI/ACT slot"),
        "quota_exhausted": (
            "Anvisningskvoten er opbrugt for alle de boliger, den unge passer til",
            "The allocation quota is used up for every dwelling the youth fits",
        ),
        "support_not_in_place": ("ICM-støtte er ikke på plads", "ICM support is not in place"),
    },
)

PETS = _words(
    "pet_a",
    {
        "none": ("intet husdyr", "no pet"),
        "cat": ("en kat", "a cat"),
        "small_dog": ("en lille hund", "a small dog"),
        "large_dog": ("en stor hund", "a large dog"),
    },
)

# --------------------------------------------------------------------------- the queue
QUEUE: dict[str, Entry] = {
    "queue.nearest_miss": {
        "en": "{ref} ({cost:kr}) fails: {rules:list}",
        "da": "{ref} ({cost:kr}) falder for: {rules:Llist.reason}",
    },
    "queue.help.base": {"en": "a dwelling", "da": "En bolig"},
    "queue.help.ceiling": {"en": "at ≤ {ceiling:kr}", "da": "til højst {ceiling:kr}"},
    "queue.help.pet": {"en": "that allows {pet:L.pet_a}", "da": "hvor {pet:L.pet_a} må bo"},
    "queue.help.rooms": {"en": "with {rooms} rooms", "da": "med {rooms} værelser"},
    "queue.help.accessible": {"en": "that is accessible", "da": "som er tilgængelig"},
    # The expected wait (service.usecases.waits): the median week and its 95 % interval.
    "queue.wait.median": {
        "count": "median,half",
        "en": {
            "one,one": "1 week (± 1 week)",
            "one,other": "1 week (± {half} weeks)",
            "other,one": "{median} weeks (± 1 week)",
            "other,other": "{median} weeks (± {half} weeks)",
        },
        "da": {
            "one,one": "1 uge (± 1 uge)",
            "one,other": "1 uge (± {half} uger)",
            "other,one": "{median} uger (± 1 uge)",
            "other,other": "{median} uger (± {half} uger)",
        },
    },
    "queue.wait.median_open": {
        "en": "{median} weeks (possibly over {weeks} weeks)",
        "da": "{median} uger (måske over {weeks} uger)",
    },
    "queue.wait.beyond": {"en": "over {weeks} weeks", "da": "over {weeks} uger"},
    "queue.wait.interval": {
        "count": "half",
        "en": {
            "one": "95 % interval of the median: week {lo} to {hi} (± 1 week).",
            "other": "95 % interval of the median: week {lo} to {hi} (± {half} weeks).",
        },
        "da": {
            "one": "95 %-interval for medianen: uge {lo} til {hi} (± 1 uge).",
            "other": "95 %-interval for medianen: uge {lo} til {hi} (± {half} uger).",
        },
    },
    "queue.wait.interval_open": {
        "en": "95 % interval of the median: from week {lo} to beyond week {weeks}.",
        "da": "95 %-interval for medianen: fra uge {lo} til senere end uge {weeks}.",
    },
    "queue.wait.interval_none": {
        "en": "Fewer than half are housed within {weeks} weeks in the simulation.",
        "da": "Færre end halvdelen får bolig inden for {weeks} uger i simuleringen.",
    },
    "queue.wait.simulated": {
        "en": "Simulated over {weeks} weeks with {replications} replications under current "
        "conditions.",
        "da": "Simuleret over {weeks} uger med {replications} gentagelser under de nuværende "
        "forhold.",
    },
}

# --------------------------------------------------------------------------- case import
# One issue in an imported case file (solver.caseio): where it is comes with the issue
# (file, row, column); these say what is wrong. ``cell`` is the cell as the user wrote it.
CASE: dict[str, Entry] = {
    "case.not_one_of": {
        "en": "{cell:q} is not one of {values:list}",
        "da": "{cell:q} er ikke en af værdierne {values:list}",
    },
    "case.not_whole": {
        "en": "{cell:q} is not a whole number",
        "da": "{cell:q} er ikke et helt tal",
    },
    "case.too_large": {"en": "{cell:q} is too large", "da": "{cell:q} er for stort"},
    "case.below_min": {
        "en": "{cell:q}: {what:L.case_what} must be at least {minimum}",
        "da": "{cell:q}: {what:L.case_what} skal være mindst {minimum}",
    },
    "case.not_date": {
        "en": "{cell:q} is not a date (YYYY-MM-DD)",
        "da": "{cell:q} er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    },
    "case.not_rate": {
        "en": "{cell:q} is not a rate (0.25 or 1/4)",
        "da": "{cell:q} er ikke en andel (0,25 eller 1/4)",
    },
    "case.rate_range": {
        "en": "{cell:q} is not between 0 and 1",
        "da": "{cell:q} er ikke mellem 0 og 1",
    },
    "case.not_bool": {
        "en": "{cell:q} is not a boolean (true/false, 1/0, ja/nej)",
        "da": "{cell:q} er ikke ja eller nej (ja/nej, true/false, 1/0)",
    },
    "case.required_value": {"en": "required value is empty", "da": "feltet skal udfyldes"},
    "case.header_missing": {"en": "the header row is missing", "da": "overskriftsrækken mangler"},
    "case.cell_count": {
        "en": "has {saw} cells but the header has {expected}",
        "da": "har {saw} celler, men overskriftsrækken har {expected}",
    },
    "case.unreadable_csv": {
        "en": "is not a readable CSV file ({error})",
        "da": "er ikke en læsbar CSV-fil ({error})",
    },
    "case.column_twice": {
        "en": "column appears more than once",
        "da": "kolonnen findes mere end én gang",
    },
    "case.column_missing": {
        "en": "required column is missing",
        "da": "en påkrævet kolonne mangler",
    },
    "case.cpr_number": {
        "en": "looks like a CPR number: use the pseudonymous case reference, never the CPR number "
        "(the value is not repeated here)",
        "da": "ligner et CPR-nummer: brug det pseudonyme sagsnummer, aldrig CPR-nummeret "
        "(værdien gentages ikke her)",
    },
    "decision.declined_offer": {
        "en": "the youth declined offer {offer:plain} of this dwelling",
        "da": "Den unge har afslået tilbud {offer:plain} om denne bolig.",
    },
    "case.ref_in_address": {
        "en": "{cell:q} cannot be part of a page's address: a reference holds none of '/', "
        "'\\', '?', '#' and '%' and is not '.' or '..' (write '-' instead of '/')",
        "da": "{cell:q} kan ikke indgå i en sides adresse: en reference må ikke indeholde »/«, "
        "»\\«, »?«, »#« eller »%« eller være ».« eller »..« (skriv »-« i stedet for »/«)",
    },
    "case.ref_erased": {
        "en": "{cell:q} was erased on request (GDPR) on {erased_on}: their data may not be "
        "imported again; leave the row out, or give the youth a new reference if they have "
        "applied again",
        "da": "{cell:q} blev slettet efter anmodning (GDPR) den {erased_on}, og oplysningerne "
        "må ikke indlæses igen. Udelad den unge, eller giv den unge en ny reference, hvis den "
        "unge har søgt igen.",
    },
    "case.ref_too_long": {
        "en": "{cell:q} is longer than {max:plain} characters",
        "da": "{cell:q} er længere end {max:plain} tegn",
    },
    "case.duplicate": {
        "en": "duplicate {key:q} (first on row {first:plain})",
        "da": "{key:q} findes allerede (første gang i række {first:plain})",
    },
    "case.team_not_allowed": {
        "en": "must be empty when support_method is none",
        "da": "skal være tom, når støttemetoden er »Ingen«",
    },
    "case.team_required": {
        "en": "required for {method} youths",
        "da": "skal udfyldes for unge med {method}",
    },
    "case.team_unknown": {
        "en": "{team:q} is not a team in support.csv",
        "da": "{team:q} er ikke et kendt støtteteam",
    },
    "case.team_method": {
        "en": "{team:q} is a {found} team, not {method}",
        "da": "{team:q} er et {found}-team, ikke {method}",
    },
    "case.born_after_referral": {
        "en": "{born:q} is after the referral date (referred_on)",
        "da": "{born:q} ligger efter henvisningsdatoen",
    },
    "case.decision_needs_ref": {
        "en": "give youth_ref, unit_ref or both",
        "da": "angiv den unge, boligen eller begge",
    },
    "case.pin_needs_both": {
        "en": "a pin needs both youth_ref and unit_ref",
        "da": "en fastlåsning kræver både den unge og boligen",
    },
    "case.decision_unknown_youth": {
        "en": "{ref:q} is not a youth in youths.csv",
        "da": "{ref:q} er ikke en ung i youths.csv",
    },
    "case.decision_unknown_unit": {
        "en": "{ref:q} is not a dwelling in units.csv",
        "da": "{ref:q} er ikke en bolig i units.csv",
    },
    "case.pin_twice": {
        "en": "{ref:q} is pinned twice (first on row {first:plain})",
        "da": "{ref:q} er fastlåst to gange (første gang i række {first:plain})",
    },
    "case.ban_contradicts_pin": {
        "en": "contradicts the pin on row {row:plain}",
        "da": "modsiger fastlåsningen i række {row:plain}",
    },
    "case.pin_not_eligible": {
        "en": "the pinned youth does not fit the dwelling: {rules:Llist.reason}",
        "da": "den unge passer ikke til boligen: {rules:Llist.reason}",
    },
    "case.pin_team_full": {
        "count": "slots,pins",
        "en": {
            "one,one": "team {team} has 1 free slot for new move-ins and 1 pin",
            "one,other": "team {team} has 1 free slot for new move-ins and {pins} pins",
            "other,one": "team {team} has {slots} free slots for new move-ins and 1 pin",
            "other,other": "team {team} has {slots} free slots for new move-ins and {pins} pins",
        },
        "da": {
            "one,one": "team {team} har 1 ledig plads til nye indflytninger og 1 fastlåsning",
            "one,other": "team {team} har 1 ledig plads til nye indflytninger og {pins} "
            "fastlåsninger",
            "other,one": "team {team} har {slots} ledige pladser til nye indflytninger og 1 "
            "fastlåsning",
            "other,other": "team {team} har {slots} ledige pladser til nye indflytninger og "
            "{pins} fastlåsninger",
        },
    },
    "case.decision_superseded": {
        "en": "a later decision (no. {by:plain}) on the same youth or dwelling contradicts it "
        "and stands",
        "da": "en senere beslutning (nr. {by:plain}) om samme unge eller bolig modsiger den og "
        "gælder",
    },
    "case.pin_group_full": {
        "count": "remaining,pins",
        "en": {
            "one,one": "{group:groups} allows 1 more claim this run and has 1 pin",
            "one,other": "{group:groups} allows 1 more claim this run and has {pins} pins",
            "other,one": "{group:groups} allows {remaining} more claims this run and has 1 pin",
            "other,other": "{group:groups} allows {remaining} more claims this run and has "
            "{pins} pins",
        },
        "da": {
            "one,one": "{group:groups} tillader 1 anvisning mere i denne kørsel og har 1 "
            "fastlåsning",
            "one,other": "{group:groups} tillader 1 anvisning mere i denne kørsel og har {pins} "
            "fastlåsninger",
            "other,one": "{group:groups} tillader {remaining} anvisninger mere i denne kørsel og "
            "har 1 fastlåsning",
            "other,other": "{group:groups} tillader {remaining} anvisninger mere i denne kørsel "
            "og har {pins} fastlåsninger",
        },
    },
    "case.encoding": {
        "en": "is neither UTF-8 nor Windows-1252 text",
        "da": "er hverken UTF-8- eller Windows-1252-tekst",
    },
    "case.file_missing": {"en": "required file is missing", "da": "en påkrævet fil mangler"},
    "case.week_missing": {
        "en": "the files name no week: give the week (48, week 48 or 2026-W48)",
        "da": "filerne angiver ikke ugen: skriv ugen (fx 48, uge 48 eller 2026-W48)",
    },
    "case.policy_missing": {
        "en": "the files hold no policy.toml: choose the latest week's policy or the default",
        "da": "filerne har ingen policy.toml: vælg den seneste uges politik eller "
        "standardpolitikken",
    },
    "case.week_conflict": {
        "en": "the files are for {found:week}, not {given:week}",
        "da": "filerne er til {found:week}, ikke {given:week}",
    },
    "case.no_latest_policy": {
        "en": "no week has been imported yet, so there is no latest policy to use",
        "da": "der er endnu ikke importeret en uge, så der er ingen seneste politik at bruge",
    },
    "case.zip_unreadable": {"en": "not a readable zip file", "da": "er ikke en læsbar zip-fil"},
    "case.zip_members": {
        "en": "holds {count} files; at most {limit} are accepted",
        "da": "indeholder {count} filer; der modtages højst {limit}",
    },
    "case.zip_too_large": {
        "en": "expands to more than {limit_mb} MB",
        "da": "fylder mere end {limit_mb} MB udpakket",
    },
    "case.zip_ratio": {
        "en": "{member:q} expands more than {limit} times (a zip bomb?)",
        "da": "{member:q} pakkes ud til mere end {limit} gange sin størrelse (en zip-bombe?)",
    },
    "case.workbook_unreadable": {
        "en": "not a readable workbook ({error})",
        "da": "er ikke en læsbar Excel-projektmappe ({error})",
    },
    # policy.toml
    "case.not_toml": {"en": "is not valid TOML ({error})", "da": "er ikke gyldig TOML ({error})"},
    "case.policy_whole": {
        "en": "must be a whole number, not {value:r}",
        "da": "skal være et helt tal, ikke {value:r}",
    },
    "case.policy_min": {
        "en": "must be at least {minimum}, not {value:r}",
        "da": "skal være mindst {minimum}, ikke {value:r}",
    },
    "case.policy_table": {
        "en": "must be a table ([{key}])",
        "da": "skal være en tabel ([{key}])",
    },
    "case.policy_unknown_key": {
        "en": "unknown key (expected one of {allowed:list})",
        "da": "ukendt nøgle (forventede en af {allowed:list})",
    },
    "case.policy_run_date": {
        "en": "must be a date like 2026-11-23, not {value:r}",
        "da": "skal være en dato som 2026-11-23, ikke {value:r}",
    },
    "case.policy_date_and_week": {
        "en": "give run_date or week, not both",
        "da": "angiv run_date eller week, ikke begge",
    },
    "case.policy_week_type": {
        "en": 'must be a string like "2026-W48", not {value:r}',
        "da": 'skal være en tekst som "2026-W48", ikke {value:r}',
    },
    "case.not_week": {
        "en": "{value:r} is not an ISO week (YYYY-Www)",
        "da": "{value:r} er ikke en uge (fx 2026-W48, uge 48 eller 48)",
    },
    "case.policy_age_band": {
        "en": "must be [lowest, highest] ages, e.g. [17, 25], not {value:r}",
        "da": "skal være [laveste, højeste] alder, fx [17, 25], ikke {value:r}",
    },
    "case.policy_rate_type": {
        "en": 'must be a rate like 0.25 or "1/3", not {value:r}',
        "da": 'skal være en andel som 0.25 eller "1/3", ikke {value:r}',
    },
    "case.policy_monitoring_only": {
        "en": "{name:q}: gender and Greenlandic background are recorded for monitoring only and "
        "can never be a priority criterion",
        "da": "{name:q}: køn og grønlandsk baggrund registreres kun til monitorering og kan "
        "aldrig være et prioritetskriterium",
    },
    "case.policy_repeated": {
        "en": "names a value more than once",
        "da": "nævner en værdi mere end én gang",
    },
    "case.policy_not_one_of": {
        "en": "{value:r} is not one of {values:list}",
        "da": "{value:r} er ikke en af værdierne {values:list}",
    },
    "case.policy_value": {
        "en": "is not a valid value ({error})",
        "da": "er ikke en gyldig værdi ({error})",
    },
}

CASE_WHAT = _words(
    "case_what",
    {"amount": ("et beløb", "an amount"), "count": ("et antal", "a count"),
     "value": ("værdien", "the value")},
)  # fmt: skip

# --------------------------------------------------------------------------- words for codes
WORDS: dict[str, Entry] = {
    **_words(
        "role",
        {
            "admin": ("Administrator", "Administrator"),
            "allocator": ("Boliganvisning", "Allocation office"),
            "planner": ("Planlægger", "Planner"),
            "caseworker": ("Sagsbehandler (ICM/CTI)", "Case worker (ICM/CTI)"),
        },
    ),
    **_words(
        "run_status",
        {
            "queued": ("I kø", "Queued"),
            "running": ("Kører", "Running"),
            "done": ("Færdig", "Done"),
            "failed": ("Fejlede", "Failed"),
            "stale": ("forældet — kør ugen igen", "stale — run the week again"),
        },
    ),
    # The quota report's columns (usecases.quota_report), in the page, its CSV and Excel sheet.
    **_words(
        "quota_report",
        {
            "organisation": ("Boligorganisation", "Housing organisation"),
            "dwelling_type": ("Boligtype", "Dwelling type"),
            "period": ("Periode", "Period"),
            "vacancies": ("Ledige boliger meldt", "Vacancies reported"),
            "claimed": ("Anvist", "Claimed"),
            "rate": ("Andel i aftalen", "Agreed rate"),
            "allowed": ("Må anvises", "Allowed"),
            "share_used": ("Andel brugt", "Share used"),
        },
    ),
    # The stage a run has just finished (solver.engine.week / solver.core.solve progress names).
    **_words(
        "run_progress",
        {
            "": ("venter på at starte", "waiting to start"),
            "eligibility": ("regler kontrolleret", "rules checked"),
            "build": ("opgaven er stillet op", "problem built"),
            "network": ("netværket er bygget", "network built"),
            "stage1_count": ("trin 1 løst: flest mulige boliger", "stage 1 solved: most housed"),
            "stage2_priority": ("trin 2 løst: prioritet", "stage 2 solved: priority"),
            "stage3_fit": ("trin 3 løst: bedste match", "stage 3 solved: best fit"),
            "cpsat": ("sidebetingelser løst", "side constraints solved"),
            "explain": ("begrundelser skrevet", "reasons written"),
            "done": ("færdig", "done"),
        },
    ),
    **_words(
        "result_status",
        {
            "OPTIMAL": ("optimal (bevist)", "optimal (proven)"),
            "FEASIBLE": ("gyldig (optimalitet ikke bevist)", "valid (optimality not proven)"),
        },
    ),
    **_words(
        "youth_status_now",  # why a youth is not in a run (the diff between two runs)
        {
            "waiting": (
                "venter, men holder pause efter et afslag",
                "waiting, but paused after a decline",
            ),
            "offered": ("har fået et tilbud siden", "offered a dwelling since"),
            "housed": ("har fået en bolig siden", "housed since"),
            "withdrawn": ("er udgået siden", "withdrawn since"),
        },
    ),
    **_words(
        "youth_status",
        {
            "waiting": ("Venter", "Waiting"),
            "offered": ("Har fået tilbud", "Offered"),
            "housed": ("Har fået bolig", "Housed"),
            "withdrawn": ("Udgået", "Withdrawn"),
        },
    ),
    **_words(
        "offer_state",
        {
            "offered": ("Tilbudt", "Offered"),
            "accepted": ("Accepteret", "Accepted"),
            "declined": ("Afslået", "Declined"),
            "expired": ("Udløbet", "Expired"),
            "signed": ("Kontrakt underskrevet", "Signed"),
            "moved_in": ("Flyttet ind", "Moved in"),
            "withdrawn": ("Trukket tilbage (den unge er udgået)", "Withdrawn (the youth left)"),
        },
    ),
    **_words(
        "dwelling_status",
        {
            "vacant": ("ledig", "vacant"),
            "offered": ("tilbudt", "offered"),
            "let": ("udlejet", "let"),
            "withdrawn": ("trukket tilbage", "withdrawn"),
        },
    ),
    **_words(
        "withdraw_reason",
        {
            "housed_otherwise": ("Har fået bolig på anden vis", "Housed by other means"),
            "moved_away": ("Fraflyttet kommunen", "Moved away"),
            "left_target_group": ("Ikke længere i målgruppen", "Left the target group"),
            "no_contact": ("Ingen kontakt", "No contact"),
            "other": ("Andet", "Other"),
        },
    ),
    **_words(
        "offer_action",
        {
            "accept": ("Accepter", "Accept"),
            "decline": ("Afslå", "Decline"),
            "sign": ("Kontrakt underskrevet", "Contract signed"),
            "move_in": ("Flyttet ind", "Moved in"),
        },
    ),
    **_words(
        "offer_done",
        {
            "created": ("Tilbuddet er oprettet.", "The offer is made."),
            "accept": ("Tilbuddet er registreret som accepteret.", "The offer is accepted."),
            "decline": ("Afslaget er registreret.", "The decline is recorded."),
            "sign": (
                "Kontrakten er registreret. Kvoteregnskab og teamets sagsantal er opdateret.",
                "The contract is recorded. The quota ledger and the team's caseload are updated.",
            ),
            "move_in": ("Indflytningen er registreret.", "The move-in is recorded."),
        },
    ),
    **_words(
        "decline",
        {
            "pet_not_allowed": ("Husdyr ikke tilladt", "Pet not allowed"),
            "area": ("Området", "Area"),
            "too_expensive": ("For dyr", "Too expensive"),
            "no_contact": ("Ingen kontakt", "No contact"),
            "not_ready": ("Ikke klar", "Not ready"),
            "other": ("Andet", "Other"),
        },
    ),
    **_words(
        "decision_kind",
        {"pin": ("Fastlås", "Pin"), "ban": ("Udeluk", "Ban")},
    ),
    **_words(
        "change",
        {
            "in": ("Får bolig nu", "Housed now"),
            "out": ("Får ikke bolig nu", "Not housed now"),
            "moved": ("Anden bolig", "Another dwelling"),
        },
    ),
    **_words(
        "override_reason",
        {
            "social_assessment": ("Faglig vurdering", "Professional assessment"),
            "urgent_situation": ("Akut situation", "Acute situation"),
            "continuity": (
                "Nærhed til netværk, skole eller støtte",
                "Near the youth's network, school or support",
            ),
            "landlord_agreement": (
                "Aftale med boligorganisationen",
                "Agreed with the housing organisation",
            ),
            "other": ("Andet", "Other"),
        },
    ),
    **_words(
        "fit",
        {
            "rent_share": ("Husleje af indkomst", "Rent share of income"),
            "area": ("Uden for ønsket område", "Outside preferred areas"),
            "availability": ("Dage til ledig efter behov", "Days until available after need"),
            "size": ("Ekstra værelser", "Surplus rooms"),
        },
    ),
    **_words(
        "fit_unit",
        {
            "rent_share": ("‰", "‰"),
            "area": ("", ""),
            "availability": ("dage", "days"),
            "size": ("vær.", "rooms"),
        },
    ),
    **_words(
        "dwelling_type",
        {
            "youth": ("Ungdomsbolig", "Youth dwelling"),
            "family": ("Familiebolig", "Family dwelling"),
            "private": ("Privat udlejning", "Private rental"),
        },
    ),
    **_words(
        "support_method",
        {
            "ICM": ("ICM", "ICM"),
            "CTI": ("CTI", "CTI"),
            "ACT": ("ACT", "ACT"),
            "none": ("Ingen", "None"),
        },
    ),
    **_words(
        "wait_status",
        {
            "ready": ("Beregnet", "Ready"),
            "stale": ("Beregnet på tidligere data (genberegnes)", "From earlier data (updating)"),
            "computing": ("beregnes…", "computing…"),
            "unavailable": ("Ikke tilgængelig", "Unavailable"),
        },
    ),
    **_words(
        "wait_reason",
        {
            "switched off": ("slået fra", "switched off"),
            "nothing has been imported yet": ("intet importeret endnu", "nothing imported yet"),
            "not waiting in the latest week": (
                "venter ikke i seneste uge",
                "not waiting in the latest week",
            ),
            # service.usecases.queue: the youth's status when they do not wait
            "youth is offered": ("har fået et tilbud", "has an offer"),
            "youth is housed": ("har fået bolig", "housed"),
            "youth is withdrawn": ("er udgået af køen", "withdrawn from the queue"),
        },
    ),
    **_words(
        "audit_action",
        {
            "import": ("Import", "Import"),
            "run.request": ("Kørsel startet", "Run started"),
            "offer.create": ("Tilbud oprettet", "Offer made"),
            "offer.accept": ("Tilbud accepteret", "Offer accepted"),
            "offer.decline": ("Tilbud afslået", "Offer declined"),
            "offer.expire": ("Tilbud udløbet", "Offer expired"),
            "offer.sign": ("Kontrakt underskrevet", "Contract signed"),
            "offer.move_in": ("Flyttet ind", "Moved in"),
            "read.proposals": ("Læst: forslag", "Read: proposals"),
            "read.offers": ("Læst: tilbud", "Read: offers"),
            "read.youths": ("Læst: liste over unge", "Read: list of youths"),
            "read.youth": ("Læst: ung", "Read: youth"),
            "read.queue": ("Læst: kø for ung", "Read: youth's queue"),
            "user.create": ("Bruger oprettet", "User created"),
            "user.deactivate": ("Bruger deaktiveret", "User deactivated"),
            "user.activate": ("Bruger genaktiveret", "User reactivated"),
            "user.role": ("Rolle ændret", "Role changed"),
            "user.teams": ("Teams ændret", "Teams changed"),
            "user.password": ("Adgangskode nulstillet", "Password reset"),
            "login": ("Logget ind", "Signed in"),
            "login.failed": ("Mislykket login", "Failed sign-in"),
            "login.locked": ("Login spærret midlertidigt", "Sign-in locked for a while"),
            "logout": ("Logget ud", "Logged out"),
            "read.denied": ("Læsning afvist: ung", "Read refused: youth"),
            "export.youth": ("Indsigt: ung", "Access request: youth"),
            "erase.youth": ("Slettet: ung", "Erased: youth"),
            "retention.apply": ("Sletning efter frist", "Retention applied"),
            "scenario.start": ("Scenarie startet", "Scenario started"),
            "decision.create": ("Beslutning truffet", "Decision made"),
            "decision.revoke": ("Beslutning trukket tilbage", "Decision revoked"),
            "offer.override": ("Tilbud uden for forslaget", "Offer outside the proposal"),
            "policy.priority": ("Prioritering valgt", "Priority scheme chosen"),
            "youth.create": ("Ung registreret", "Youth registered"),
            "youth.edit": ("Ung rettet", "Youth edited"),
            "youth.withdraw": ("Ung udgået", "Youth withdrawn"),
            "youth.reopen": ("Ung genåbnet", "Youth reopened"),
            "youth.keep": ("Ung fortsat ventende", "Youth kept waiting"),
            "youth.missing": (
                "Unge, der manglede i importen, afklaret",
                "Youths missing from the import settled",
            ),
            "dwelling.create": ("Bolig registreret", "Dwelling registered"),
            "dwelling.edit": ("Bolig rettet", "Dwelling edited"),
            "offer.consent": ("Forældresamtykke registreret", "Guardian's consent recorded"),
            "offer.withdraw": ("Tilbud trukket tilbage", "Offer withdrawn"),
            "claim.record": ("Anvisning uden for Boligmatch registreret", "Claim recorded"),
            "claim.withdraw": ("Anvisning trukket tilbage", "Claim withdrawn"),
        },
    ),
    **_words(
        "claim_kind",
        {
            "municipality": ("Uden for Boligmatch", "Outside Boligmatch"),
            "signed_offer": ("Underskrevet tilbud", "Signed offer"),
        },
    ),
    **_words(
        "object_type",
        {
            "youth": ("Ung", "Youth"),
            "run": ("Kørsel", "Run"),
            "offer": ("Tilbud", "Offer"),
            "user": ("Bruger", "User"),
            "week": ("Uge", "Week"),
            "scenario_job": ("Planlægningskørsel", "Planning job"),
            "retention": ("Sletning efter frist", "Retention"),
            "decision": ("Beslutning", "Decision"),
            "claim": ("Anvisning", "Claim"),
            "dwelling": ("Bolig", "Dwelling"),
        },
    ),
}

# --------------------------------------------------------------------------- planning
# The outcome groups of the planning KPIs (solver.planning.kpi): monitoring only, and the
# housing situations (also the words of situation.*).
_MONITORING_WORDS = {
    "female": ("kvinder", "women"),
    "male": ("mænd", "men"),
    "greenlandic": ("grønlandsk baggrund", "Greenlandic background"),
    "not_greenlandic": ("anden baggrund", "other background"),
}
_SITUATION_WORDS = {
    "street": ("gade eller bil", "street or car"),
    "shelter": ("herberg (§ 110)", "shelter (§ 110)"),
    "couch": ("sofasurfer", "couch-surfing"),
    "institution_exit": ("udskrivning/løsladelse", "leaving an institution"),
    "eviction_risk": ("udsættelsestruet", "at risk of eviction"),
    "unstable_home": ("ustabil bolig", "unstable home"),
}
KPIS = _words(
    "kpi",
    {
        "housed": ("Unge der fik bolig", "Youths housed"),
        "hindsight_bound": (
            "Efterklogskabens loft: flest der kunne have fået bolig",
            "Hindsight bound: most that could have been housed",
        ),
        "hindsight_share": (
            "Fik bolig i forhold til efterklogskabens loft",
            "Housed ÷ hindsight bound",
        ),
        "wait_median_weeks": (
            "Median ventetid for dem der fik bolig",
            "Median wait of those housed",
        ),
        "wait_p90_weeks": ("90 %-fraktil af ventetiden", "90th-percentile wait of those housed"),
        "housed_within_13w_share": (
            "Nyhenviste med bolig inden for 13 uger",
            "New referrals housed within 13 weeks",
        ),
        "queue_end": ("Kø ved periodens slutning", "Queue at the end"),
        "still_homeless_end": (
            "Stadig hjemløse ved slutningen (sofa, herberg, gade)",
            "Still homeless at the end (couch, shelter, street)",
        ),
        "left_other_routes": ("Forlod køen ad andre veje", "Left the queue by other routes"),
        "tenancies_lost": (
            "Mistede boliger (tilbage i køen)",
            "Tenancies lost (back in the queue)",
        ),
        "still_housed_at_horizon": (
            "Fik bolig i perioden og bor der stadig ved slutningen",
            "Housed in the run and still in that home at the end",
        ),
        "icm_pending_end": (
            "ICM-unge uden team ved slutningen",
            "ICM youths without a team at the end",
        ),
        "offers": ("Tilbud givet", "Offers made"),
        "declines": ("Tilbud afslået", "Offers declined"),
        "declines_pet_not_allowed": ("Afslået: husdyr ikke tilladt", "Declined: pet not allowed"),
        "declines_area": ("Afslået: området", "Declined: area"),
        "declines_too_expensive": ("Afslået: for dyr", "Declined: too expensive"),
        "declines_not_ready": ("Afslået: ikke klar", "Declined: not ready"),
        "declines_no_contact": ("Afslået: ingen kontakt", "Declined: no contact"),
        "cti_utilisation": (
            "CTI-belægning (gennemsnit over uger)",
            "CTI caseload / capacity (mean over weeks)",
        ),
        "act_utilisation": (
            "ACT-belægning (gennemsnit over uger)",
            "ACT caseload / capacity (mean over weeks)",
        ),
        "icm_utilisation": (
            "ICM-belægning (gennemsnit over uger)",
            "ICM caseload / capacity (mean over weeks)",
        ),
        "quota_use": (
            "Anvisningsret i brug (gennemsnit over uger)",
            "Allocation right in use (mean over weeks)",
        ),
        "housed_share_female": (
            "Monitorering: andel med bolig, kvinder",
            "Monitoring: share housed, women",
        ),
        "housed_share_male": (
            "Monitorering: andel med bolig, mænd",
            "Monitoring: share housed, men",
        ),
        "housed_share_greenlandic": (
            "Monitorering: andel med bolig, grønlandsk baggrund",
            "Monitoring: share housed, Greenlandic background",
        ),
        "housed_share_not_greenlandic": (
            "Monitorering: andel med bolig, anden baggrund",
            "Monitoring: share housed, other background",
        ),
        "wait_median_female": (
            "Monitorering: median ventetid, kvinder",
            "Monitoring: median wait of those housed, women",
        ),
        "wait_median_male": (
            "Monitorering: median ventetid, mænd",
            "Monitoring: median wait of those housed, men",
        ),
        "wait_median_greenlandic": (
            "Monitorering: median ventetid, grønlandsk baggrund",
            "Monitoring: median wait, Greenlandic background",
        ),
        "wait_median_not_greenlandic": (
            "Monitorering: median ventetid, anden baggrund",
            "Monitoring: median wait, other background",
        ),
        **{
            f"housed_share_{code}": (f"Andel med bolig, {da}", f"Share housed, {en}")
            for code, (da, en) in _SITUATION_WORDS.items()
        },
        **{
            f"wait_median_{code}": (f"Median ventetid, {da}", f"Median wait, {en}")
            for code, (da, en) in _SITUATION_WORDS.items()
        },
        **{
            f"still_housed_share_{code}": (
                f"Af dem der fik bolig, bor der stadig ved slutningen: {da}",
                f"Of those housed, still in the home at the end: {en}",
            )
            for code, (da, en) in {**_MONITORING_WORDS, **_SITUATION_WORDS}.items()
        },
    },
)

KPIS.update(
    _words(
        "kpi",
        {
            f"queue_end_{code}": (f"Venter ved slutningen, {da}", f"Waiting at the end, {en}")
            for code, (da, en) in _SITUATION_WORDS.items()
        },
    )
)

KPI_UNITS = _words(
    "kpi_unit",
    {"youths": ("unge", "youths"), "weeks": ("uger", "weeks"), "share": ("andel", "share"),
     "offers": ("tilbud", "offers")},
)  # fmt: skip

PLOTS = _words(
    "plot",
    {
        "queue_length": ("Kølængde uge for uge", "Queue length week by week"),
        "wait_distribution": ("Fordeling af ventetid", "Wait distribution"),
        "week": ("uge", "week"),
        "waiting": ("ventende unge", "youths waiting"),
        "queue_title": (
            "Kølængde (gennemsnit, 95 %-interval over gentagelserne)",
            "Queue length (mean, 95 % interval over replications)",
        ),
        "wait_x": ("uger fra henvisning til indflytning", "weeks from referral to move-in"),
        "share_housed": ("andel af dem, der fik bolig", "share of those housed"),
        "within_title": ("Fik bolig inden for x uger", "Housed within x weeks"),
        "hist_title": ("Ventetid for dem, der fik bolig", "Wait distribution of those housed"),
    },
)
PLOTS["plot.per_bin"] = {"da": "andel pr. {width} uger", "en": "share per {width}-week bin"}

# --------------------------------------------------------------------------- priority
# Where a youth stands on each criterion of the municipality's scheme (solver.engine.priority).
PRIORITY: dict[str, Entry] = {
    "standing.urgency": {
        "en": "urgent: needs a home by {by}",
        "da": "haster: skal have bolig senest {by}",
    },
    "standing.urgency.not": {"en": "not urgent", "da": "haster ikke"},
    "standing.situation": {
        "en": "situation: {situation:L.situation} (number {place} of {of} in the scheme's order)",
        "da": "boligsituation: {situation:L.situation} (nr. {place} af {of} i ordningens "
        "rækkefølge)",
    },
    "standing.waiting": {  # counted to the week's run date (lists count to today)
        "count": "weeks",
        "en": {
            "one": "referred {since}: 1 week waiting on {on}, the week's run date",
            "other": "referred {since}: {weeks} weeks waiting on {on}, the week's run date",
        },
        "da": {
            "one": "henvist {since}: 1 uges ventetid den {on}, ugens kørselsdato",
            "other": "henvist {since}: {weeks} ugers ventetid den {on}, ugens kørselsdato",
        },
    },
    "standing.points": {"en": "{points} points", "da": "{points} point"},
    **_words(
        "criterion",
        {
            "urgency": ("Hastende", "Urgency"),
            "situation": ("Boligsituation", "Housing situation"),
            "waiting": ("Ventetid", "Waiting time"),
            "points": ("Point", "Points"),
        },
    ),
    **_words(
        "preset",
        {
            "standard": ("Standard: hastende, så ventetid", "Standard: urgency, then waiting"),
            "situation": (
                "Boligsituation: hastende, så gade og herberg før sofa og udsættelse, så ventetid",
                "Situation: urgency, then street and shelter before couch and eviction risk, "
                "then waiting",
            ),
            "points": (
                "Point: situation, hastende og ventetid vægtet sammen",
                "Points: situation, urgency and waiting weighed together",
            ),
            "custom": ("Kommunens egen ordning", "The municipality's own scheme"),
        },
    ),
    **_words("situation", _SITUATION_WORDS),
}

# --------------------------------------------------------------------------- service requests
# A wrong value in a request to the service (service.usecases.errors.Problem).
REQUEST: dict[str, Entry] = {
    "request.batch_empty": {
        "en": "choose at least one proposal",
        "da": "Vælg mindst ét forslag.",
    },
    "request.batch_too_many": {
        "en": "at most {max} proposals at a time",
        "da": "Højst {max} forslag ad gangen.",
    },
    "request.batch_date": {
        "en": "write the answer date as a date",
        "da": "Skriv svarfristen som en dato.",
    },
    "request.batch_expiry": {
        "en": "the answer date must be from {first} to {last}",
        "da": "Svarfristen skal ligge fra {first} til {last}.",
    },
    "request.override_text": {
        "en": "an offer outside the proposal needs the office's reason in words",
        "da": "Et tilbud uden for forslaget kræver en begrundelse i ord.",
    },
    "request.override_rule_holds": {  # a waivable rule, not dispensed
        "en": "the dwelling does not fit the youth: {rule:L.pair_rule}; the policy allows a "
        "dispensation from that rule, so give one if it is justified",
        "da": "Boligen passer ikke til den unge: {rule:L.pair_rule}. Politikken tillader "
        "dispensation fra den regel; giv den, hvis det er begrundet.",
    },
    "request.override_rule_fixed": {  # a rule the policy does not let be waived
        "en": "the dwelling does not fit the youth: {rule:L.pair_rule}; no dispensation is "
        "possible from that rule",
        "da": "Boligen passer ikke til den unge: {rule:L.pair_rule}. Der kan ikke dispenseres "
        "fra den regel.",
    },
    **_words(
        "pair_rule",  # a hard rule, said of one youth and one dwelling (solver.engine.rules)
        {
            "not_available_in_time": (
                "boligen er ikke ledig i tide",
                "the dwelling is not available in time",
            ),
            "no_affordable_unit": (
                "huslejen er over den unges huslejeloft",
                "the rent is above the youth's rent ceiling",
            ),
            "deposit_too_high": (
                "indskuddet er over loftet for indskud",
                "the deposit is above the deposit ceiling",
            ),
            "benefit_restricted": (
                "boligen må ikke udlejes til en på den unges ydelse",
                "the dwelling may not be let to a youth on that benefit",
            ),
            "pet_not_allowed": (
                "den unges husdyr er ikke tilladt",
                "the youth's pet is not allowed",
            ),
            "household_too_large": (
                "husstanden er for stor til boligen",
                "the household is too large for the dwelling",
            ),
            "not_accessible": ("boligen er ikke tilgængelig", "the dwelling is not accessible"),
            "age_outside_youth_band": (
                "den unges alder er uden for ungdomsboligens aldersgrænse",
                "the youth's age is outside the youth dwelling's age band",
            ),
            "area_excluded": (
                "boligen ligger i et område, den unge har fravalgt",
                "the dwelling is in an area the youth excluded",
            ),
            "support_not_in_place": (
                "den unges ICM-støtte er ikke på plads",
                "the youth's ICM support is not in place",
            ),
        },
    ),
    "request.decision_kind": {"en": "kind is pin or ban", "da": "Vælg fastlås eller udeluk."},
    "request.decision_reason": {
        "en": "give the reason (at most {max} characters)",
        "da": "Skriv begrundelsen (højst {max} tegn).",
    },
    "request.decision_needs_ref": {
        "en": "give a youth, a dwelling or both",
        "da": "Angiv en ung, en bolig eller begge.",
    },
    "request.decision_youth_not_waiting": {
        "en": "{ref:q} is not waiting in this week",
        "da": "{ref:q} venter ikke i denne uge.",
    },
    "request.decision_unit_not_vacant": {
        "en": "{ref:q} is not a vacant dwelling of this week",
        "da": "{ref:q} er ikke en ledig bolig i denne uge.",
    },
    "request.team_full": {
        "en": "team {team} has no free slot: {slots} free, {held} held by open offers",
        "da": "Team {team} har ingen ledig plads: {slots} ledige, {held} holdt af åbne tilbud.",
    },
    "request.quota_full": {
        "en": "the quota {group:groups} has no claim left: {allowed} allowed, {claimed} claimed, "
        "{held} held by open offers, {remaining} remaining",
        "da": "Anvisningsretten for {group:groups} er brugt op: {allowed} tilladt, {claimed} "
        "anvist, {held} holdt af åbne tilbud, {remaining} tilbage.",
    },
    "request.claim_blank": {"en": "is empty", "da": "Skal udfyldes."},
    "request.claim_too_long": {
        "en": "is longer than {limit} characters",
        "da": "Må højst være {limit} tegn.",
    },
    "request.claim_no_group": {
        "en": "{group:groups} has no quota report: a claim there counts against no quota",
        "da": "{group:groups} har ingen kvoteopgørelse: en anvisning der tæller ikke mod nogen "
        "kvote. Tjek boligorganisation og boligtype.",
    },
    "request.referred_in_future": {
        "en": "is after today ({today})",
        "da": "Henvisningsdatoen ligger efter i dag ({today}).",
    },
    "request.claim_future": {
        "en": "is after today ({today})",
        "da": "Datoen ligger efter i dag ({today}).",
    },
    "request.claim_before_report": {
        "en": "is before the organisation's report of {as_of}, which counts it already",
        "da": "Datoen ligger før organisationens opgørelse af {as_of}, som allerede tæller den "
        "med.",
    },
    "request.claim_duplicate": {
        "en": "dwelling {ref:q} has a claim on {on} on record already",
        "da": "Boligen {ref:q} har allerede en registreret anvisning den {on}.",
    },
    "request.claim_dwelling_taken": {
        "en": "dwelling {ref:q} is offered or let through Boligmatch in {week:week}: its offer "
        "holds or made its claim",
        "da": "Boligen {ref:q} er tilbudt eller udlejet gennem Boligmatch i {week:week}: "
        "tilbuddet holder eller har brugt anvisningen.",
    },
    "request.claim_not_as_in_week": {
        "en": "is {value:q} for dwelling {ref:q} in {week:week}",
        "da": "Boligen {ref:q} har {value:q} her i {week:week}.",
    },
    "request.claim_type_not_as_in_week": {  # the dwelling type in words, not its code
        "en": "is {value:q} for dwelling {ref:q} in {week:week}",
        "da": "Boligen {ref:q} har boligtypen »{value:L.dwelling_type}« i {week:week}.",
    },
    "request.claim_of_offer": {
        "en": "claim {id:plain} was made by signing an offer; it follows its offer",
        "da": "Anvisning {id:plain} kom af et underskrevet tilbud og følger tilbuddet.",
    },
    "request.claim_withdrawn": {
        "en": "claim {id:plain} is withdrawn already",
        "da": "Anvisning {id:plain} er allerede trukket tilbage.",
    },
    "request.run_stale": {
        "en": "run {run} of {week:week} solved data version {version}; the data is now at version "
        "{current} (last change: {change:change}): run the week again",
        "da": "Kørsel {run} af {week:week} er forældet — kør ugen igen: den løste data version "
        "{version}, data er nu version {current} (seneste ændring: {change:change}).",
    },
    "request.priority_preset": {
        "en": "not one of the schemes {allowed:list}",
        "da": "Vælg en af ordningerne {allowed:list}.",
    },
    "request.username_invalid": {
        "en": "user name {username:q}: 1-64 letters, digits, '.', '_', '@' or '-'",
        "da": "Brugernavnet {username:q} skal være 1–64 tegn: bogstaver a–z, tal, punktum, "
        "bindestreg, @ eller _.",
    },
    "request.username_taken": {
        "en": "user {username:q} exists",
        "da": "Brugernavnet {username:q} findes allerede.",
    },
    "request.password_length": {
        "en": "the password must have at least {min} characters (and at most {max})",
        "da": "Adgangskoden skal være mindst {min} og højst {max} tegn.",
    },
    "request.password_common": {
        "en": "the password is too common or too easy to guess (a word, a name, a keyboard row, "
        "a date or the user name); a few unrelated words make a good password",
        "da": "Adgangskoden er for almindelig eller for let at gætte (et ord, et navn, en "
        "tastaturrække, en dato eller brugernavnet). Et par ord, der ikke hører sammen, er en god "
        "adgangskode.",
    },
    "request.last_admin": {
        "en": "the last active administrator cannot be deactivated or given another role",
        "da": "Den sidste aktive administrator kan ikke deaktiveres eller få en anden rolle.",
    },
    "request.role_invalid": {
        "en": "role {role:q} is not one of admin, allocator, planner, caseworker",
        "da": "Vælg en rolle ({role:q} er ikke en rolle).",
    },
    "request.team_invalid": {
        "en": "teams are 1-64 letters, digits, spaces, '.', '_' or '-'",
        "da": "Teams skrives adskilt af komma, fx ICM-1, CTI-2.",
    },
    "request.team_unknown": {
        "en": "no such team: {teams:list} (the teams are those of the latest import)",
        "da": "Teamet findes ikke: {teams:list}. Teams er dem fra den seneste import.",
    },
    "request.teams_only_caseworker": {
        "en": "only a case worker has teams (they see their teams' youths)",
        "da": "Kun en sagsbehandler har teams (de ser deres teams' unge).",
    },
    "request.caseworker_needs_team": {
        "en": "a case worker needs at least one team",
        "da": "En sagsbehandler skal have mindst ét team.",
    },
}

# --------------------------------------------------------------------------- pages and exports
# Column headings of the spreadsheets people download (the Danish dialect writes ``da``; the
# machine dialect writes the code itself), what changed for a case worker's youth since their
# last look, audit details, and the pages' own messages.
PAGES: dict[str, Entry] = {
    **_words(
        "column_youths",
        {
            "ref": ("Ung", "Youth"),
            "status": ("Status", "Status"),
            "situation": ("Boligsituation", "Housing situation"),
            "support_method": ("Støtte", "Support"),
            "support_team": ("Team", "Team"),
            "case_worker": ("Sagsbehandler", "Case worker"),
            "referred_on": ("Henvist", "Referred"),
            "weeks_waited": ("Uger på venteliste i dag", "Weeks waiting today"),
            "urgent_by": ("Haster senest", "Urgent by"),
            "position": ("Plads i køen", "Queue position"),
            "eligible": ("Egnede boliger", "Eligible dwellings"),
            "blocks": ("Blokeret af", "Blocked by"),
            "minor": ("Under 18", "Minor"),
        },
    ),
    **_words(
        "column_decisions",
        {
            "kind": ("Beslutning", "Decision"),
            "youth": ("Ung", "Youth"),
            "dwelling": ("Bolig", "Dwelling"),
            "reason": ("Begrundelse", "Reason"),
            "by": ("Af", "By"),
            "revoke": ("Tilbagekald", "Revoke"),
        },
    ),
    **_words(
        "column_fitting_dwellings",
        {
            "dwelling": ("Bolig", "Dwelling"),
            "address": ("Adresse", "Address"),
            "area": ("Område", "Area"),
            "dwelling_type": ("Type", "Type"),
            "rooms": ("Værelser", "Rooms"),
            "size_m2": ("m²", "m²"),
            "monthly_cost": ("Husleje + aconto", "Rent + utilities"),
            "rent_share": ("Af indkomsten", "Share of income"),
            "deposit": ("Indskud", "Deposit"),
            "pets": ("Husdyr", "Pets"),
            "available_from": ("Ledig fra", "Available from"),
        },
    ),
    **_words(
        "column_comparison",
        {
            "scenario": ("Scenarie", "Scenario"),
            "description": ("Beskrivelse", "Description"),
            "baseline": ("Grundlag", "Baseline"),
            "kpi": ("Nøgletal", "KPI"),
            "unit": ("Enhed", "Unit"),
            "baseline_mean": ("Grundlag, gennemsnit", "Baseline, mean"),
            "baseline_lo": ("Grundlag, 95 % nedre", "Baseline, 95 % lower"),
            "baseline_hi": ("Grundlag, 95 % øvre", "Baseline, 95 % upper"),
            "scenario_mean": ("Scenarie, gennemsnit", "Scenario, mean"),
            "scenario_lo": ("Scenarie, 95 % nedre", "Scenario, 95 % lower"),
            "scenario_hi": ("Scenarie, 95 % øvre", "Scenario, 95 % upper"),
            "difference_mean": ("Forskel, gennemsnit", "Difference, mean"),
            "difference_lo": ("Forskel, 95 % nedre", "Difference, 95 % lower"),
            "difference_hi": ("Forskel, 95 % øvre", "Difference, 95 % upper"),
            "replications": ("Gentagelser", "Replications"),
            "significant": ("Forskellen er sikker", "Significant"),
        },
    ),
    **_words("scenario", {"baseline": ("Grundlag (uden ændringer)", "Baseline (no changes)")}),
    # The planner's scenario form (service/web/planner.py): one label per change kind and key of
    # the scenario schema (solver/planning/scenario.py).
    **_words(
        "scenario_kind",
        {
            "add_dwellings": ("Flere boliger", "More dwellings"),
            "support_team": ("Støtteteam: medarbejdere og loft", "Support team: workers and cap"),
            "quota_rate": ("Anvisningsret (kvote)", "Allocation right (quota)"),
            "rent_ceiling": ("Huslejeloft eller tilskud", "Rent ceiling or subsidy"),
            "dog_friendly_share": ("Andel afdelinger der tillader hund", "Dog-friendly share"),
            "lift_letting_restrictions": (
                "Ophæv kombineret/fleksibel udlejning",
                "Lift letting restrictions",
            ),
            "scale_arrivals": ("Flere eller færre henvisninger", "Scale referrals"),
            "scale_vacancies": ("Flere eller færre ledige boliger", "Scale vacancies"),
            "rent_increase": ("Huslejestigning", "Rent increase"),
            "matching": ("Matchning: optimal eller grådig", "Matching: optimal or greedy"),
            "priority": ("Prioriteringsordning", "Priority scheme"),
        },
    ),
    **_words(
        "scenario_field",
        {
            "name": ("Navn", "Name"),
            "description": ("Beskrivelse", "Description"),
            "base": ("Grundlag", "Base"),
            "horizon_weeks": ("Uger der simuleres", "Weeks simulated"),
            "replications": ("Gentagelser", "Replications"),
            "seed": ("Startværdi for tilfældige tal (seed)", "Random seed"),
            "start_week": ("Fra uge", "From week"),
            "organisation": ("Boligorganisation", "Housing organisation"),
            "dwelling_type": ("Boligtype", "Dwelling type"),
            "rent": ("Husleje (kr. pr. måned)", "Rent (kr a month)"),
            "count": ("Antal med det samme", "Number at once"),
            "per_week": ("Antal pr. uge (gennemsnit)", "Number a week (mean)"),
            "utilities": ("Forbrug (kr. pr. måned)", "Utilities (kr a month)"),
            "pets": ("Husdyr", "Pets"),
            "rooms": ("Værelser", "Rooms"),
            "size_m2": ("Størrelse (m²)", "Size (m²)"),
            "area": ("Område", "Area"),
            "department": ("Afdeling", "Department"),
            "accessible": ("Handicapvenlig bolig", "Accessible"),
            "benefit_restricted": (
                "Kombineret/fleksibel udlejning (ikke kontanthjælp)",
                "Combined/flexible letting (no cash benefit)",
            ),
            "outside_quota": (
                "Uden for anvisningsretten (aftale)",
                "Outside the quota (agreement)",
            ),
            "available_in_weeks": ("Ledig om (uger)", "Free in (weeks)"),
            "team": ("Team", "Team"),
            "workers": ("Medarbejdere i alt", "Workers in all"),
            "add_workers": ("Flere medarbejdere (+/−)", "Workers added (+/−)"),
            "caseload_cap": ("Unge pr. medarbejder", "Youths per worker"),
            "rate": ("Andel (fx 1/3)", "Rate (e.g. 1/3)"),
            "income_type": ("Indkomsttype", "Income type"),
            "ceiling": ("Nyt loft (kr. pr. måned)", "New ceiling (kr a month)"),
            "subsidy": ("Tilskud (kr. pr. måned)", "Subsidy (kr a month)"),
            "share": ("Andel (0–1)", "Share (0–1)"),
            "factor": ("Faktor (1,2 = 20 % mere)", "Factor (1.2 = 20 % more)"),
            "amount": ("Beløb (kr. pr. måned)", "Amount (kr a month)"),
            "method": ("Metode", "Method"),
            "every_weeks": ("Hver n'te uge", "Every n weeks"),
            "preset": ("Ordning", "Scheme"),
        },
    ),
    **_words("group", {**_MONITORING_WORDS, **_SITUATION_WORDS}),
    **_words(
        "fairness",
        {
            "housed_share": ("Andel der fik bolig", "Share housed"),
            "wait_median": (
                "Median ventetid (uger) for dem der fik bolig",
                "Median wait (weeks) of those housed",
            ),
            "still_housed_share": (
                "Andel af dem der fik bolig, der stadig bor der ved slutningen",
                "Share of those housed still in the home at the end",
            ),
        },
    ),
    **_words(
        "matching_method",
        {
            "optimal": ("optimal (motoren)", "optimal (the engine)"),
            "greedy": (
                "grådig: hver ledig bolig for sig til den første der passer",
                "greedy: each vacancy to the first who fits",
            ),
        },
    ),
    **_words(
        "income_type",
        {
            "cash_benefit": ("Kontanthjælp", "Cash benefit"),
            "su": ("SU", "Student grant (SU)"),
            "disability_pension": ("Førtidspension", "Disability pension"),
            "job": ("Job", "Job"),
            "none": ("Ingen", "None"),
        },
    ),
    **_words(
        "gender",
        {"female": ("Kvinde", "Female"), "male": ("Mand", "Male"), "other": ("Andet", "Other")},
    ),
    **_words(
        "pet",
        {
            "none": ("Intet", "None"),
            "cat": ("Kat", "Cat"),
            "small_dog": ("Lille hund", "Small dog"),
            "large_dog": ("Stor hund", "Large dog"),
        },
    ),
    # What a template column holds (the template workbook's guide sheet).
    **_words(
        "cell_kind",
        {
            "text": ("tekst", "text"),
            "date": ("dato, fx 27-06-2006", "date, e.g. 2006-06-27"),
            "money": ("hele kroner, fx 2.450", "whole kroner, e.g. 2450"),
            "count": ("helt tal, 0 eller mere", "whole number, 0 or more"),
            "positive": ("helt tal, 1 eller mere", "whole number, 1 or more"),
            "bool": ("ja eller nej", "yes or no"),
            "list": ("liste adskilt af komma", "list separated by commas"),
            "rate": ("andel, fx 0,25 eller 1/4", "share, e.g. 0.25 or 1/4"),
            "enum": ("en af værdierne i rullelisten", "one of the values in the drop-down list"),
        },
    ),
    "template.title": {
        "en": "Boligmatch: a week's case as a workbook",
        "da": "Boligmatch: ugens sag som regneark",
    },
    "template.intro": {
        "en": "Fill in one row per youth, dwelling, team and quota. Keep the headings; "
        "columns marked required must be filled. Upload the workbook on the allocation page "
        "and give the week and the policy there.",
        "da": "Udfyld én række pr. ung, bolig, team og kvote. Behold overskrifterne; kolonner "
        "markeret påkrævet skal udfyldes. Upload regnearket på siden Anvisning, og angiv ugen "
        "og politikken dér.",
    },
    **_words(
        "template_head",
        {
            "sheet": ("Ark", "Sheet"),
            "heading": ("Overskrift", "Heading"),
            "column": ("Kolonne i sagsformatet", "Case-format column"),
            "required": ("Påkrævet", "Required"),
            "kind": ("Indhold", "Content"),
            "values": ("Værdier", "Values"),
            "yes": ("ja", "yes"),
            "no": ("nej", "no"),
        },
    ),
    **_words(
        "template_sheet",
        {
            "youths": ("unge", "youths"),
            "units": ("boliger", "units"),
            "support": ("støtte", "support"),
            "quotas": ("kvoter", "quotas"),
            "decisions": ("beslutninger", "decisions"),
            "guide": ("vejledning", "guide"),
        },
    ),
    **_words(
        "pet_policy",
        {
            "none": ("Ingen husdyr", "No pets"),
            "cats": ("Kat tilladt", "Cats allowed"),
            "small_dogs": ("Kat og lille hund tilladt", "Cats and small dogs allowed"),
            "all": ("Alle husdyr tilladt", "All pets allowed"),
        },
    ),
    # A proposal's fit as a person says it (service.usecases.proposal_view.fit_words).
    "fit_plain.rent_share": {
        "en": "the rent is {pct} % of the income",
        "da": "huslejen er {pct} % af indkomsten",
    },
    "fit_plain.rent_ceiling": {
        "en": "the rent is {pct} % of the rent ceiling (no income given)",
        "da": "huslejen er {pct} % af huslejeloftet (indkomsten er ikke oplyst)",
    },
    "fit_plain.area": {
        "en": "outside the areas the youth would like",
        "da": "uden for de områder, den unge ønsker",
    },
    "fit_plain.availability": {
        "count": "days",
        "en": {
            "one": "available 1 day after the need",
            "other": "available {days} days after the need",
        },
        "da": {"one": "ledig 1 dag efter behovet", "other": "ledig {days} dage efter behovet"},
    },
    "fit_plain.size": {
        "count": "rooms",
        "en": {"one": "1 room more than needed", "other": "{rooms} rooms more than needed"},
        "da": {
            "one": "1 værelse mere end nødvendigt",
            "other": "{rooms} værelser mere end nødvendigt",
        },
    },
    **_words(
        "column_meeting",
        {
            "youth": ("Ung", "Youth"),
            "situation": ("Boligsituation", "Housing situation"),
            "weeks_waited": ("Uger på venteliste ved kørslen", "Weeks waiting at the run"),
            "support": ("Støtte", "Support"),
            "team": ("Team", "Team"),
            "urgent_by": ("Haster senest", "Urgent by"),
            "minor": ("Under 18", "Minor"),
            "dwelling": ("Bolig", "Dwelling"),
            "address": ("Adresse", "Address"),
            "organisation": ("Boligorganisation", "Housing organisation"),
            "department": ("Afdeling", "Department"),
            "area": ("Område", "Area"),
            "dwelling_type": ("Boligtype", "Dwelling type"),
            "rooms": ("Værelser", "Rooms"),
            "size_m2": ("m²", "m²"),
            "rent": ("Husleje", "Rent"),
            "utilities": ("Aconto", "Utilities"),
            "monthly_cost": ("Husleje i alt pr. måned", "Monthly cost"),
            "deposit": ("Indskud", "Deposit"),
            "pets": ("Husdyr", "Pets"),
            "accessible": ("Handicapvenlig", "Accessible"),
            "available_from": ("Ledig fra", "Available from"),
            "contact": ("Kontakt", "Contact"),
            "fit": ("Pasform", "Fit"),
            "offer": ("Tilbud", "Offer"),
        },
    ),
    # What changed for a youth since the case worker last opened the youth's page.
    "seen.new": {"en": "not opened by you yet", "da": "ikke åbnet af dig endnu"},
    "seen.proposed": {
        "en": "proposed dwelling {dwelling} in {week:week}",
        "da": "foreslået bolig {dwelling} i {week:week}",
    },
    "seen.not_housed": {
        "en": "not matched in {week:week}: {reason:L.reason}",
        "da": "ikke matchet i {week:week}: {reason:L.reason}",
    },
    "seen.offer": {
        "en": "offer of {dwelling}: {state:L.offer_state}",
        "da": "tilbud om {dwelling}: {state:L.offer_state}",
    },
    # Audit details as the service writes them, in the reader's words (service.web.audit_text).
    "audit_detail.listed": {
        "count": "count",
        "en": {"one": "1 listed", "other": "{count} listed"},
        "da": {"one": "1 vist", "other": "{count} vist"},
    },
    "audit_detail.claim": {"en": "quota {group:groups}", "da": "kvote {group:groups}"},
    "audit_detail.generation": {"en": "generation {n:plain}", "da": "generation {n:plain}"},
    "audit_detail.address": {
        "en": "from address {address:plain}",
        "da": "fra adressen {address:plain}",
    },
    "audit_detail.proposal": {"en": "proposal {n:plain}", "da": "forslag {n:plain}"},
    "audit_detail.imported": {
        "en": "{youths} youths, {dwellings} dwellings",
        "da": "{youths} unge, {dwellings} boliger",
    },
    "audit_detail.decision": {
        "en": "{week}: {kind:L.decision_kind}",
        "da": "{week}: {kind:L.decision_kind}",
    },
    "audit_detail.override": {
        "count": "count",
        "en": {
            "zero": "{reason:L.override_reason}; no dispensation",
            "one": "{reason:L.override_reason}; dispensation from: {rules:Llist.reason}",
            "other": "{reason:L.override_reason}; dispensations from: {rules:Llist.reason}",
        },
        "da": {
            "zero": "{reason:L.override_reason}; ingen dispensation",
            "one": "{reason:L.override_reason}; dispensation fra: {rules:Llist.reason}",
            "other": "{reason:L.override_reason}; dispensation fra: {rules:Llist.reason}",
        },
    },
    "audit_detail.missing": {
        "en": "missing from the import",
        "da": "mangler i importen",
    },
    "audit_detail.retention": {
        "count": "youths,snapshots",
        "en": {
            "one,one": "1 youth erased, 1 run's input dropped",
            "one,other": "1 youth erased, {snapshots} runs' input dropped",
            "other,one": "{youths} youths erased, 1 run's input dropped",
            "other,other": "{youths} youths erased, {snapshots} runs' input dropped",
        },
        "da": {
            "one,one": "1 ung slettet, inddata fra 1 kørsel fjernet",
            "one,other": "1 ung slettet, inddata fra {snapshots} kørsler fjernet",
            "other,one": "{youths} unge slettet, inddata fra 1 kørsel fjernet",
            "other,other": "{youths} unge slettet, inddata fra {snapshots} kørsler fjernet",
        },
    },
    # An event's object that is not one reference (the admin's log's Reference column).
    "audit_ref.missing": {
        "en": "Youths missing from the import",
        "da": "Unge der mangler i importen",
    },
    # The pages' own messages.
    "page.week_unreadable": {
        "en": "{text:q} is not a week: write 48, week 48 or 2026-W48",
        "da": "{text:q} er ikke en uge. Skriv fx 48, uge 48 eller 2026-W48.",
    },
    "page.report_year_outside": {
        "en": "There is no report for {year:plain}: a year from {low:plain} to {high:plain}. "
        "Showing the latest year.",
        "da": "Der findes ingen rapport for {year:plain}: vælg et år fra {low:plain} til "
        "{high:plain}. Her er det seneste år.",
    },
    "page.urgent_overdue": {
        "count": "days",
        "en": {"one": "overdue by 1 day", "other": "overdue by {days} days"},
        "da": {"one": "overskredet med 1 dag", "other": "overskredet med {days} dage"},
    },
    "page.claim_recorded": {
        "en": "Claim {id:plain} is recorded and counts against its quota.",
        "da": "Anvisning {id:plain} er registreret og tæller nu med i kvoten.",
    },
    "page.claim_withdrawn": {
        "en": "Claim {id:plain} is withdrawn and counts nowhere.",
        "da": "Anvisning {id:plain} er trukket tilbage og tæller ikke længere med.",
    },
    "page.claim_date_invalid": {
        "en": "the date is not a valid date (day.month.year)",
        "da": "Datoen er ikke en gyldig dato (dag.måned.år).",
    },
    "page.date_from_invalid": {
        "en": "the from date is not a valid date",
        "da": "Fra-datoen er ikke en gyldig dato.",
    },
    "page.date_to_invalid": {
        "en": "the to date is not a valid date",
        "da": "Til-datoen er ikke en gyldig dato.",
    },
    "page.dates_reversed": {
        "en": "the to date lies before the from date",
        "da": "Til-datoen ligger før fra-datoen.",
    },
    "page.form_invalid": {
        "en": "invalid values in the form",
        "da": "Ugyldige værdier i formularen.",
    },
    # A value the database refuses (service.web.session): a search field or a form field.
    "page.invalid_title": {"en": "Invalid values", "da": "Ugyldige værdier"},
    "page.nul_character": {
        "en": "A value contains a NUL character (0x00), which can be neither stored nor searched "
        "for. Go back and correct it.",
        "da": "En af værdierne indeholder et NUL-tegn (0x00), som hverken kan gemmes eller søges "
        "efter. Gå tilbage og ret den.",
    },
    "page.value_unstorable": {
        "en": "A value can be neither stored nor searched for. Go back and correct it.",
        "da": "En af værdierne kan hverken gemmes eller søges efter. Gå tilbage og ret den.",
    },
    # An offer still waiting for its answer, its answer date near (service.web.allocator).
    "offer_due.overdue": {"en": "answer date passed", "da": "Svarfristen er overskredet"},
    "offer_due.today": {"en": "expires today", "da": "Udløber i dag"},
    "offer_due.days": {
        "count": "days",
        "en": {"one": "expires tomorrow", "other": "expires in {days} days"},
        "da": {"one": "Udløber i morgen", "other": "Udløber om {days} dage"},
    },
    "page.decisions_set_aside": {
        "count": "count",
        "en": {
            "one": "1 of your decisions cannot be kept in this run, so the run solved the week "
            "without it. It stays in force until you revoke it; why is under your decisions.",
            "other": "{count} of your decisions cannot be kept in this run, so the run solved the "
            "week without them. They stay in force until you revoke them; why is under your "
            "decisions.",
        },
        "da": {
            "one": "1 af dine beslutninger kan ikke overholdes i denne kørsel, så kørslen er løst "
            "uden den. Den gælder stadig, indtil du tilbagekalder den; hvorfor, står under Mine "
            "beslutninger.",
            "other": "{count} af dine beslutninger kan ikke overholdes i denne kørsel, så kørslen "
            "er løst uden dem. De gælder stadig, indtil du tilbagekalder dem; hvorfor, står under "
            "Mine beslutninger.",
        },
    },
    "page.diff_not_in_run": {
        "en": "Not in this run: {status:L.youth_status_now}.",
        "da": "Ikke med i denne kørsel: {status:L.youth_status_now}.",
    },
    # A form's values refused before the page's own code runs (service.web.session).
    "form_error.intro": {
        "en": "Some values cannot be used; go back and correct them:",
        "da": "Nogle af de indtastede værdier kan ikke bruges; gå tilbage og ret dem:",
    },
    "form_error.string_too_long": {
        "en": "at most {max_length} characters",
        "da": "højst {max_length} tegn",
    },
    "form_error.string_too_short": {
        "en": "at least {min_length} characters",
        "da": "mindst {min_length} tegn",
    },
    "form_error.missing": {"en": "required", "da": "skal udfyldes"},
    "form_error.int_parsing": {"en": "must be a whole number", "da": "skal være et helt tal"},
    "form_error.greater_than_equal": {"en": "at least {ge}", "da": "mindst {ge}"},
    "form_error.less_than_equal": {"en": "at most {le}", "da": "højst {le}"},
    "form_error.date_from_datetime_parsing": {
        "en": "must be a date (dd.mm.yyyy)",
        "da": "skal være en dato (dd.mm.åååå)",
    },
    "form_error.date_parsing": {
        "en": "must be a date (dd.mm.yyyy)",
        "da": "skal være en dato (dd.mm.åååå)",
    },
    "form_error.string_pattern_mismatch": {
        "en": "is not in the right form",
        "da": "har ikke den rette form",
    },
    "form_error.enum": {"en": "is not one of the choices", "da": "er ikke et af valgene"},
    "form_error.literal_error": {"en": "is not one of the choices", "da": "er ikke et af valgene"},
    "form_error.other": {"en": "cannot be used", "da": "kan ikke bruges"},
    **_words(
        "form_field",  # the pages' form fields, as their labels name them
        {
            "username": ("Brugernavn", "User name"),
            "password": ("Adgangskode", "Password"),
            "role": ("Rolle", "Role"),
            "teams": ("Teams", "Teams"),
            "reason": ("Begrundelse", "Reason"),
            "text": ("Tekst", "Text"),
            "note": ("Bemærkning", "Note"),
            "week": ("Uge", "Week"),
            "uge": ("Uge", "Week"),
            "aar": ("År", "Year"),
            "year": ("År", "Year"),
            "youth_ref": ("Ung (reference)", "Youth (reference)"),
            "unit_ref": ("Bolig (reference)", "Dwelling (reference)"),
            "dwelling_ref": ("Bolig (reference)", "Dwelling (reference)"),
            "ref": ("Reference", "Reference"),
            "guardian": ("Forældremyndighed", "Guardian"),
            "given_on": ("Samtykke givet", "Consent given on"),
            "claimed_on": ("Anvist den", "Claimed on"),
            "organisation": ("Boligorganisation", "Housing organisation"),
            "department": ("Afdeling", "Department"),
            "dwelling_type": ("Boligtype", "Dwelling type"),
            "expires_on": ("Frist", "Expires on"),
            "replications": ("Gentagelser", "Replications"),
            "seed": ("Startværdi", "Seed"),
            "proposal_id": ("Forslag", "Proposal"),
            "q": ("Søg", "Search"),
            "side": ("Side", "Page"),
            "pr_side": ("Pr. side", "Per page"),
            "fra": ("Fra", "From"),
            "til": ("Til", "To"),
        },
    ),
    "page.youth_erased": {"en": "Erased on request (GDPR)", "da": "Slettet efter anmodning (GDPR)"},
    "page.run_stale": {
        "en": "Run {run} is stale — run the week again: the data changed after it was solved (last "
        "change: {change:change}), so no offer can be made from it.",
        "da": "Kørsel {run} er forældet — kør ugen igen: data er ændret, efter den blev løst "
        "(seneste ændring: {change:change}), så der kan ikke gives tilbud fra den.",
    },
    "page.week_not_imported": {
        "en": "nothing has been imported for {week:week}",
        "da": "Der er ikke importeret data for {week:week}.",
    },
}

# Why a proposal of a batch cannot become an offer (service.usecases.offer_batch); the page
# names the pair in front of it.
BATCH: dict[str, Entry] = {
    "batch.not_in_run": {
        "en": "proposal {id:plain} is not a proposal of this run",
        "da": "forslag {id:plain} hører ikke til denne kørsel",
    },
    "batch.run_not_done": {"en": "the run has not finished", "da": "kørslen er ikke færdig"},
    "batch.not_a_match": {
        "en": "the youth was not matched in this run",
        "da": "den unge fik ikke en bolig i denne kørsel",
    },
    "batch.youth_gone": {
        "en": "the youth is no longer in the register",
        "da": "den unge findes ikke længere i registret",
    },
    "batch.youth_not_waiting": {
        "en": "the youth is no longer waiting ({status:L.youth_status})",
        "da": "den unge venter ikke længere ({status:L.youth_status})",
    },
    "batch.dwelling_not_vacant": {
        "en": "the dwelling is no longer vacant",
        "da": "boligen er ikke længere ledig",
    },
    "batch.other": {
        "en": "cannot become an offer now",
        "da": "kan ikke blive til et tilbud lige nu",
    },
    "batch.refused": {
        "count": "count",
        "en": {
            "one": "No offer was made: 1 of the chosen proposals cannot become an offer.",
            "other": "No offer was made: {count} of the chosen proposals cannot become offers.",
        },
        "da": {
            "one": "Der er ikke givet nogen tilbud: 1 af de valgte forslag kan ikke blive til "
            "et tilbud.",
            "other": "Der er ikke givet nogen tilbud: {count} af de valgte forslag kan ikke "
            "blive til tilbud.",
        },
    },
    "batch.done": {
        "count": "count",
        "en": {
            "one": "1 offer is made, to be answered by {expires}.",
            "other": "{count} offers are made, to be answered by {expires}.",
        },
        "da": {
            "one": "1 tilbud er givet med svarfrist {expires}.",
            "other": "{count} tilbud er givet med svarfrist {expires}.",
        },
    },
}

# The case lifecycle (service.usecases.lifecycle): register, edit, withdraw, reopen, missing
# youths after a re-import, a minor's guardian consent.
LIFECYCLE: dict[str, Entry] = {
    "request.override_youth_pinned": {
        "en": "the youth {youth:q} is pinned to dwelling {unit:q}: revoke that decision first if "
        "this offer is to be made",
        "da": "Den unge {youth:q} er fastlåst til bolig {unit:q}. Tilbagekald fastlåsningen "
        "først, hvis dette tilbud skal gives.",
    },
    "request.override_unit_pinned": {
        "en": "dwelling {unit:q} is pinned to the youth {youth:q}: revoke that decision first "
        "if this offer is to be made",
        "da": "Bolig {unit:q} er fastlåst til den unge {youth:q}. Tilbagekald fastlåsningen "
        "først, hvis dette tilbud skal gives.",
    },
    "request.override_takes_pin_slot": {
        "en": "the offer would take the last free slot of team {team} that the pin of {youth:q} "
        "to {unit:q} needs: revoke that decision first if this offer is to be made",
        "da": "Tilbuddet ville tage den sidste ledige plads hos team {team}, som fastlåsningen af "
        "{youth:q} til bolig {unit:q} skal bruge. Tilbagekald fastlåsningen først, hvis dette "
        "tilbud skal gives.",
    },
    "request.override_takes_pin_claim": {
        "en": "the offer would take the last claim of {group:groups} that the pin of {youth:q} "
        "to {unit:q} needs: revoke that decision first if this offer is to be made",
        "da": "Tilbuddet ville bruge den sidste anvisning i {group:groups}, som fastlåsningen af "
        "{youth:q} til bolig {unit:q} skal bruge. Tilbagekald fastlåsningen først, hvis dette "
        "tilbud skal gives.",
    },
    "request.youth_exists": {
        "en": "a youth {ref:q} exists: edit that youth instead",
        "da": "Der findes allerede en ung med referencen {ref:q}. Ret den unge i stedet.",
    },
    "request.dwelling_exists": {
        "en": "dwelling {ref:q} is already in {week:week}: edit it instead",
        "da": "Bolig {ref:q} findes allerede i {week:week}. Ret boligen i stedet.",
    },
    "request.unknown_field": {
        "en": "not a column of {file} (the columns are {allowed:list})",
        "da": "Ikke en kolonne i {file} (kolonnerne er {allowed:list}).",
    },
    "request.cpr_number": {
        "en": "looks like a CPR number; write no personal data here (the text was not saved)",
        "da": "Teksten ligner et CPR-nummer. Skriv ingen personoplysninger her (teksten er ikke "
        "gemt).",
    },
    "request.nul_character": {
        "en": "text may not contain NUL (0x00) characters",
        "da": "Teksten må ikke indeholde NUL-tegn (0x00).",
    },
    "request.one_row": {
        "en": "{file} must hold exactly one row here (it holds {rows})",
        "da": "{file} skal her have præcis én række (den har {rows}).",
    },
    "request.ref_fixed": {
        "en": "the reference cannot be changed (register a new one instead)",
        "da": "Referencen kan ikke ændres. Registrér i stedet en ny.",
    },
    "request.withdraw_text": {
        "en": "the reason other needs a text (1-{max} characters)",
        "da": "Årsagen »Andet« kræver en forklaring (1–{max} tegn).",
    },
    "request.not_withdrawable": {
        "en": "the youth is {status:L.youth_status}: only a waiting or offered youth can be "
        "withdrawn",
        "da": "Den unge har status »{status:L.youth_status}«. Kun en ventende ung eller en ung "
        "med et tilbud kan udgå.",
    },
    "request.not_withdrawn": {
        "en": "the youth is {status:L.youth_status}, not withdrawn: nothing to reopen",
        "da": "Den unge har status »{status:L.youth_status}« og er ikke udgået. Der er intet at "
        "genåbne.",
    },
    "request.not_editable_dwelling": {
        "en": "dwelling {ref:q} is {status:L.dwelling_status}: only a vacant dwelling can be "
        "edited",
        "da": "Bolig {ref:q} er {status:L.dwelling_status}. Kun en ledig bolig kan rettes.",
    },
    "request.not_missing": {
        "en": "{ref:q} is not listed as missing from an import",
        "da": "{ref:q} står ikke på listen over unge, der mangler i importen.",
    },
    "request.missing_action": {
        "en": "choose keep (keep waiting) or a withdrawal reason {allowed:list}",
        "da": "Vælg »Fortsat ventende« eller en årsag til at udgå: {allowed:list}.",
    },
    "request.consent_needed": {
        "en": "youth {ref:q} is a minor ({age} years): record the guardian's consent before the "
        "contract is signed",
        "da": "Den unge {ref:q} er mindreårig ({age} år). Registrér forældremyndighedens samtykke, "
        "før kontrakten underskrives.",
    },
    "request.consent_not_minor": {
        "en": "youth {ref:q} is of age: no guardian's consent is needed",
        "da": "Den unge {ref:q} er myndig. Der skal ikke registreres samtykke.",
    },
    "request.consent_state": {
        "en": "consent can only be recorded on an offered or accepted offer (this one is "
        "{state:L.offer_state})",
        "da": "Samtykke kan kun registreres på et tilbud, der er tilbudt eller accepteret (dette "
        "er »{state:L.offer_state}«).",
    },
    "request.consent_guardian": {
        "en": "name the guardian who consented (1-{max} characters)",
        "da": "Skriv, hvem fra forældremyndigheden der gav samtykke (1–{max} tegn).",
    },
    "request.consent_date": {
        "en": "the consent date cannot be after today",
        "da": "Datoen for samtykket kan ikke ligge efter i dag.",
    },
    "lifecycle.withdrawn": {
        "en": "Youth {ref} is withdrawn ({reason:L.withdraw_reason}).",
        "da": "Den unge {ref} er udgået ({reason:L.withdraw_reason}).",
    },
    "lifecycle.withdrawn_offers": {
        "count": "count",
        "en": {"one": "Their open offer is withdrawn; the dwelling is vacant again.",
               "other": "Their {count} open offers are withdrawn; the dwellings are vacant again."},
        "da": {"one": "Den unges åbne tilbud er trukket tilbage, og boligen er ledig "
               "igen.", "other": "Den unges {count} åbne tilbud er trukket tilbage, og boligerne "
               "er ledige igen."},
    },
    "lifecycle.reopened": {
        "en": "Youth {ref} is waiting again.",
        "da": "Den unge {ref} venter igen.",
    },
    "lifecycle.registered_youth": {
        "en": "Youth {ref} is registered and waiting.",
        "da": "Den unge {ref} er registreret og venter.",
    },
    "lifecycle.edited_youth": {"en": "Youth {ref} is saved.", "da": "Den unge {ref} er gemt."},
    "lifecycle.registered_dwelling": {
        "en": "Dwelling {ref} is registered as vacant in {week:week}.",
        "da": "Bolig {ref} er registreret som ledig i {week:week}.",
    },
    "lifecycle.edited_dwelling": {"en": "Dwelling {ref} is saved.", "da": "Bolig {ref} er gemt."},
    "lifecycle.missing_done": {
        "count": "kept,withdrawn",
        "en": {"one,one": "1 kept waiting, 1 withdrawn.", "one,other": "1 kept waiting, "
               "{withdrawn} withdrawn.", "other,one": "{kept} kept waiting, 1 withdrawn.",
               "other,other": "{kept} kept waiting, {withdrawn} withdrawn."},
        "da": {"one,one": "1 fortsat ventende, 1 udgået.", "one,other": "1 fortsat ventende, "
               "{withdrawn} udgået.", "other,one": "{kept} fortsat ventende, 1 udgået.",
               "other,other": "{kept} fortsat ventende, {withdrawn} udgået."},
    },
    "lifecycle.missing_after_import": {
        "count": "count",
        "en": {"one": "1 waiting youth is missing from the import: confirm what "
               "happens to them.", "other": "{count} waiting youths are missing from the import: "
               "confirm what happens to them."},
        "da": {"one": "1 ventende ung mangler i importen. Bekræft, hvad der skal ske "
               "med den unge.", "other": "{count} ventende unge mangler i importen. Bekræft, hvad "
               "der skal ske med dem."},
    },
    "lifecycle.consent_recorded": {
        "en": "The guardian's consent is recorded.",
        "da": "Forældremyndighedens samtykke er registreret.",
    },
}  # fmt: skip

# The admin's user page after a change (service.web.pages).
USER_DONE = _words(
    "user_done",
    {
        "deaktiver": ("{username} er deaktiveret og logget ud.",
                      "{username} is deactivated and signed out."),
        "aktiver": ("{username} er genaktiveret og kan logge ind igen.",
                    "{username} is reactivated and can sign in again."),
        "rolle": ("Rolle og teams for {username} er gemt.",
                  "The role and teams of {username} are saved."),
        "adgangskode": ("{username} har fået en ny adgangskode og er logget ud overalt.",
                        "{username} has a new password and is signed out everywhere."),
        "unknown": ("Ukendt ændring.", "Unknown change."),
        "not_found": ("Brugeren findes ikke.", "No such user."),
    },
)  # fmt: skip

# The fields of a youth's record as the access-request page shows them (service.web.pages) and
# the admin's log names the fields of an edit (service.web.audit_text).
YOUTH_FIELDS = _words(
    "youth_field",
    {
        "ref": ("Sagsreference", "Case reference"),
        "birth_date": ("Fødselsdato", "Birth date"),
        "referred_on": ("Henvist", "Referred on"),
        "situation": ("Boligsituation", "Housing situation"),
        "income_type": ("Indkomsttype", "Income type"),
        "monthly_income": ("Månedlig indkomst (kr.)", "Monthly income (kr)"),
        "rent_ceiling": ("Huslejeloft (kr.)", "Rent ceiling (kr)"),
        "pet": ("Husdyr", "Pet"),
        "household_size": ("Husstandens størrelse", "Household size"),
        "needs_accessible": ("Behov for handicapvenlig bolig", "Needs an accessible dwelling"),
        "support_method": ("Støttemetode", "Support method"),
        "support_team": ("Støtteteam", "Support team"),
        "urgent_by": ("Haster senest", "Urgent by"),
        "preferred_areas": ("Ønskede områder", "Preferred areas"),
        "excluded_areas": ("Fravalgte områder", "Excluded areas"),
        "gender": ("Køn (kun til opfølgning)", "Gender (monitoring only)"),
        "greenlandic": ("Grønlandsk baggrund (kun til opfølgning)",
                        "Greenlandic background (monitoring only)"),
        "case_worker": ("Ansvarlig sagsbehandler", "Responsible case worker"),
        "status": ("Status", "Status"),
        "paused_until": ("Sat på pause til", "Paused until"),
        "withdrawn_reason": ("Udgået, årsag", "Withdrawn, reason"),
        "withdrawn_text": ("Udgået, begrundelse", "Withdrawn, in words"),
        "withdrawn_at": ("Udgået den", "Withdrawn at"),
        "withdrawn_by": ("Udgået, registreret af", "Withdrawn, recorded by"),
        "missing_since": ("Mangler i importen siden", "Missing from the import since"),
        "updated_at": ("Senest ændret", "Last changed"),
    },
)  # fmt: skip

# The columns of a dwelling, as the admin's log names the fields of an edit (the same).
DWELLING_FIELDS = _words(
    "dwelling_field",
    {
        "ref": ("Reference", "Reference"),
        "organisation": ("Boligorganisation", "Housing organisation"),
        "department": ("Afdeling", "Department"),
        "area": ("Område", "Area"),
        "dwelling_type": ("Boligtype", "Dwelling type"),
        "rooms": ("Værelser", "Rooms"),
        "size_m2": ("Areal m²", "Size m²"),
        "rent": ("Husleje", "Rent"),
        "utilities": ("Aconto", "Utilities"),
        "deposit": ("Indskud", "Deposit"),
        "pets": ("Husdyr tilladt", "Pets allowed"),
        "accessible": ("Handicapvenlig", "Accessible"),
        "available_from": ("Ledig fra", "Available from"),
        "benefit_restricted": ("Kombineret udlejning", "Combined letting"),
        "address": ("Adresse", "Address"),
        "contact": ("Kontakt", "Contact"),
    },
)  # fmt: skip

CODES = {
    **_words(
        "income_type",
        {
            "cash_benefit": ("Kontanthjælp/uddannelseshjælp", "Cash benefit"),
            "su": ("SU", "Student grant (SU)"),
            "disability_pension": ("Førtidspension", "Disability pension"),
            "job": ("Løn", "Job"),
            "none": ("Ingen", "None"),
        },
    ),
}

GDPR: dict[str, Entry] = {
    "gdpr.erased": {
        "en": "The youth is erased. What remains is the tombstone {tombstone}.",
        "da": "Den unge er slettet. Tilbage er kun mærket {tombstone}.",
    },
    "gdpr.not_found": {
        "en": "No youth with that reference (or the youth has been erased).",
        "da": "Der er ingen ung med den sagsreference (eller den unge er slettet).",
    },
    "gdpr.confirm_mismatch": {
        "en": "Type the youth's case reference to confirm the erasure.",
        "da": "Skriv den unges sagsreference for at bekræfte sletningen.",
    },
    "gdpr.reason_required": {
        "en": "Give a reason for the erasure (1-500 characters, no personal data).",
        "da": "Skriv en begrundelse for sletningen (1–500 tegn, ingen personoplysninger).",
    },
    "gdpr.open_offer": {
        "en": "The youth holds an open offer: answer or withdraw it first.",
        "da": "Den unge har et åbent tilbud. Afslut tilbuddet, før den unge slettes.",
    },
}

# --------------------------------------------------------------------------- service limits
LIMITS: dict[str, Entry] = {
    "limit.body_too_large": {
        "en": "the request is larger than the limit of {limit} MB",
        "da": "Filerne fylder for meget: der modtages højst {limit} MB ad gangen.",
    },
    "limit.body_too_large_title": {"en": "Too large", "da": "For stor"},
    "limit.login_locked": {
        "en": "too many failed sign-ins; try again in {seconds} seconds",
        "da": "For mange forkerte forsøg på at logge ind. Prøv igen om {seconds} sekunder.",
    },
    "limit.login_locked_title": {"en": "Try again later", "da": "Prøv igen senere"},
    "limit.json_too_deep": {
        "en": "the JSON body nests more than {limit} levels deep",
        "da": "JSON-indholdet er indlejret i mere end {limit} niveauer",
    },
    "limit.toml_too_deep": {
        "en": "is nested more than {limit} levels deep",
        "da": "er indlejret i mere end {limit} niveauer",
    },
}

# --------------------------------------------------------------------------- scenario files
# What is wrong with a what-if scenario (solver.planning.scenario.ScenarioIssue: the file and
# the key go in front), and with a planning request (service.usecases.planning). ``value``,
# ``tag``: the value as the planner wrote it, already quoted (``'mange'``, ``600``).
SCENARIO: dict[str, Entry] = {
    "scenario.unknown_key": {
        "en": "unknown key (expected one of {allowed})",
        "da": "ukendt nøgle (tilladte nøgler: {allowed})",
    },
    "scenario.required": {"en": "is required", "da": "skal udfyldes"},
    "scenario.kind_invalid": {
        "en": "must be one of {kinds}, not {tag}",
        "da": "skal være en af {kinds}, ikke {tag}",
    },
    "scenario.kind_required": {
        "en": "is required (one of {kinds})",
        "da": "skal udfyldes (en af {kinds})",
    },
    "scenario.not_rate": {
        "en": 'must be a rate from 0 to 1 like 0.25 or "1/3", not {value}',
        "da": 'skal være en andel fra 0 til 1, fx 0.25 eller "1/3", ikke {value}',
    },
    "scenario.not_number": {
        "en": "must be a number, not {value}",
        "da": "skal være et tal, ikke {value}",
    },
    "scenario.not_integer": {
        "en": "must be an integer, not {value}",
        "da": "skal være et helt tal, ikke {value}",
    },
    "scenario.not_bool": {
        "en": "must be true or false, not {value}",
        "da": "skal være sand eller falsk (true/false), ikke {value}",
    },
    "scenario.not_text": {
        "en": "must be a non-empty string, not {value}",
        "da": "skal være en tekst, der ikke er tom, ikke {value}",
    },
    "scenario.at_least_integer": {
        "en": "must be an integer of at least {limit:plain}, not {value}",
        "da": "skal være et helt tal på mindst {limit:plain}, ikke {value}",
    },
    "scenario.at_least_number": {
        "en": "must be a number of at least {limit:plain}, not {value}",
        "da": "skal være et tal på mindst {limit:plain}, ikke {value}",
    },
    "scenario.at_most": {
        "en": "must be at most {limit:plain}, not {value}",
        "da": "må højst være {limit:plain}, ikke {value}",
    },
    "scenario.not_finite": {
        "en": "must be a finite number, not {value}",
        "da": "skal være et endeligt tal, ikke {value}",
    },
    "scenario.one_of": {
        "en": "must be one of {expected}, not {value}",
        "da": "skal være en af {expected}, ikke {value}",
    },
    "scenario.not_table": {"en": "must be a table", "da": "skal være en tabel"},
    "scenario.not_list": {
        "en": "must be a list of [[changes]] tables",
        "da": "skal være en liste af [[changes]]-tabeller",
    },
    "scenario.monitoring_only": {
        "en": "{name:q}: gender and Greenlandic background are recorded for monitoring only and "
        "can never be a priority criterion",
        "da": "{name:q}: køn og grønlandsk baggrund registreres kun til monitorering og kan "
        "aldrig være et prioritetskriterium",
    },
    "scenario.repeated": {
        "en": "names a value more than once",
        "da": "nævner en værdi mere end én gang",
    },
    "scenario.invalid": {"en": "{message}", "da": "er ugyldig ({message})"},
    "scenario.count_or_per_week": {
        "en": "give count (dwellings at once) or per_week (or both)",
        "da": "angiv count (boliger på én gang) eller per_week (eller begge)",
    },
    "scenario.workers_not_both": {
        "en": "give workers or add_workers, not both",
        "da": "angiv workers eller add_workers, ikke begge",
    },
    "scenario.workers_missing": {
        "en": "give workers, add_workers or caseload_cap",
        "da": "angiv workers, add_workers eller caseload_cap",
    },
    "scenario.ceiling_or_subsidy": {
        "en": "give exactly one of ceiling or subsidy",
        "da": "angiv præcis én af ceiling og subsidy",
    },
    "scenario.amount_or_factor": {
        "en": "give amount (kr) or factor (or both)",
        "da": "angiv amount (kr) eller factor (eller begge)",
    },
    "scenario.preset_alone": {
        "en": "give preset or order/situation_rank/points, not both",
        "da": "angiv preset eller order/situation_rank/points, ikke begge",
    },
    "scenario.base_unreadable": {"en": "{error}", "da": "grundlaget kan ikke læses ({error})"},
    "scenario.not_organisation": {
        "en": "{value} is not an organisation of the base case",
        "da": "{value} er ikke en boligorganisation i grundlaget",
    },
    "scenario.not_team": {
        "en": "{value} is not a team of the base case",
        "da": "{value} er ikke et team i grundlaget",
    },
    "scenario.no_quota_row": {
        "en": "no quota row of the base case matches organisation/dwelling_type",
        "da": "ingen kvoterække i grundlaget passer til boligorganisationen og boligtypen",
    },
    "scenario.unreadable": {"en": "cannot be read ({error})", "da": "kan ikke læses ({error})"},
    "scenario.not_toml": {
        "en": "is not valid TOML ({error})",
        "da": "er ikke gyldig TOML ({error})",
    },
    # A planning request (service.usecases.planning), the field in front.
    "request.between": {
        "en": "must be between {low:plain} and {high:plain}",
        "da": "skal være mellem {low:plain} og {high:plain}",
    },
    "request.no_scenario": {
        "en": "no scenario {name:r} (see GET /api/v1/scenarios/available)",
        "da": "der er intet scenarie ved navn {name:r}",
    },
    "request.scenario_file": {"en": "{error}", "da": "scenariefilen kan ikke læses ({error})"},
    "request.scenario_base": {"en": "must be one of {names}", "da": "skal være en af {names}"},
    "request.no_scenarios": {
        "en": "give at least one scenario name or toml text",
        "da": "vælg eller beskriv mindst ét scenarie",
    },
    "request.over_bound": {
        "en": "{value:plain} is more than the {limit:plain} a {role} may start",
        "da": "{value:plain} er mere end de {limit:plain}, som rollen {role:L.role} må starte",
    },
    # The planner's pages (service.web.planner).
    "page.replications_whole": {
        "en": "the number of replications must be a whole number",
        "da": "Antal gentagelser skal være et helt tal.",
    },
    "page.replications_range": {
        "en": "the number of replications must be between 1 and {high:plain}",
        "da": "Antal gentagelser skal være mellem 1 og {high:plain}.",
    },
    "page.run_interrupted": {
        "en": "The run was interrupted: the server solving it stopped, and nothing was saved. "
        "Start the run again.",
        "da": "Kørslen blev afbrudt: serveren, der beregnede den, stoppede, og intet blev gemt. "
        "Start kørslen igen.",
    },
    "page.job_interrupted": {
        "en": "The calculation was interrupted: the server running it stopped. Start it again.",
        "da": "Beregningen blev afbrudt: serveren, der kørte den, stoppede. Start den igen.",
    },
    "page.seed_whole": {
        "en": "the seed must be a whole number",
        "da": "Startværdien skal være et helt tal.",
    },
    "page.seed_range": {
        "en": "the seed must be between {low:plain} and {high:plain}",
        "da": "Startværdien skal være mellem {low:plain} og {high:plain}.",
    },
    "page.choose_scenario": {
        "en": "choose at least one scenario",
        "da": "Vælg mindst ét scenarie.",
    },
    "page.scenarios_invalid": {
        "en": "the scenarios cannot be run:",
        "da": "Scenarierne kan ikke køres:",
    },
    "page.scenario_invalid": {
        "en": "the scenario cannot be run:",
        "da": "Scenariet kan ikke køres:",
    },
    # A scenario key as the compose form names it (service.web.planner): a change's field by its
    # label under the change's heading, a whole change by its heading (``changes[2].rent``).
    "page.scenario_change_field": {
        "en": "{field:L.scenario_field} under '{kind:L.scenario_kind}'",
        "da": "{field:L.scenario_field} under »{kind:L.scenario_kind}«",
    },
    "page.scenario_change": {
        "en": "'{kind:L.scenario_kind}'",
        "da": "»{kind:L.scenario_kind}«",
    },
}

CATALOGUE: dict[str, Entry] = {
    **EXPLAIN,
    **REASONS,
    **BLOCKS,
    **PETS,
    **QUEUE,
    **CASE,
    **CASE_WHAT,
    **WORDS,
    **KPIS,
    **KPI_UNITS,
    **PLOTS,
    **REQUEST,
    **LIMITS,
    **USER_DONE,
    **YOUTH_FIELDS,
    **DWELLING_FIELDS,
    **CODES,
    **GDPR,
    **BATCH,
    **LIFECYCLE,
    **PRIORITY,
    **PAGES,
    **SCENARIO,
}
