"""A small week built for the ledger's tests: organisation A's family dwellings under a § 59
quota (8 vacancies × ¼ = 2 claims, none claimed), organisation B's youth dwellings with no
quota, team CTI-1 with one free slot (1 worker × 10 − 9), and more youths than either allows."""

from __future__ import annotations

from fastapi.testclient import TestClient

WEEK = "2026-W48"
POLICY = 'run_date = "2026-11-23"\ndefault_quota_rate = "1/4"\n'
YOUTH_HEAD = (
    "ref,birth_date,referred_on,situation,income_type,monthly_income,rent_ceiling,pet,"
    "household_size,needs_accessible,support_method,support_team,urgent_by,preferred_areas,"
    "excluded_areas,gender,greenlandic,case_worker\n"
)
UNIT_HEAD = (
    "ref,organisation,department,area,dwelling_type,rooms,size_m2,rent,utilities,deposit,pets,"
    "accessible,available_from,benefit_restricted,address,contact\n"
)


def youths(n_plain: int = 6, n_cti: int = 3) -> str:
    rows = [
        f"Y{i:02d},2003-01-01,2025-{1 + i % 12:02d}-01,couch,su,6800,,none,1,false,none,,,,,,,\n"
        for i in range(1, n_plain + 1)
    ]
    rows += [
        f"C{i:02d},2003-01-01,2024-{1 + i % 12:02d}-01,couch,su,6800,,none,1,false,CTI,CTI-1,"
        ",,,,,\n"
        for i in range(1, n_cti + 1)
    ]
    return YOUTH_HEAD + "".join(rows)


def units(n_a: int = 5, n_b: int = 2, prefix: str = "") -> str:
    rows = [
        f"{prefix}A{i},OrgA,OrgA-{1 + i % 2},Syd,family,2,,2500,200,,none,false,2026-11-23,"
        "false,,\n"
        for i in range(1, n_a + 1)
    ]
    rows += [
        f"{prefix}B{i},OrgB,OrgB-1,Nord,youth,1,,2400,200,,none,false,2026-11-23,false,,\n"
        for i in range(1, n_b + 1)
    ]
    return UNIT_HEAD + "".join(rows)


def files(
    *,
    vacancies: int = 8,
    claimed: int = 0,
    caseload: int = 9,
    n_a: int = 5,
    n_b: int = 2,
    prefix: str = "",
    as_of: str = "",
    n_plain: int = 6,
    n_cti: int = 3,
) -> dict[str, str]:
    return {
        "youths.csv": youths(n_plain, n_cti),
        "units.csv": units(n_a, n_b, prefix),
        "support.csv": "team,method,workers,caseload_cap,current_caseload,shared_caseload\n"
        f"CTI-1,CTI,1,10,{caseload},\n",
        "quotas.csv": "organisation,dwelling_type,vacancies,claimed,rate,as_of\n"
        f"OrgA,family,{vacancies},{claimed},1/4,{as_of}\n",
        "policy.toml": POLICY,
    }


def import_files(client: TestClient, headers: dict[str, str], case: dict[str, str]) -> dict:
    upload = [("files", (name, body.encode(), "text/plain")) for name, body in case.items()]
    r = client.post("/api/v1/imports", files=upload, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()
