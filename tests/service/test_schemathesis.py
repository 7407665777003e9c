"""Property-based API fuzzing over the OpenAPI schema with every check schemathesis has: no
5xx, every status, content type, header and body as documented, bad input refused, good input
accepted, on both databases.

Every operation is called with generated inputs (bounded examples) as the admin, on a database
holding the tiny fixture and one finished run, so that ids and refs can hit real rows.

Expected statuses beyond schemathesis' defaults, each for a reason the schema cannot express:
a request whose *contents* are a document (case files, scenario TOML) or a week that does not
exist that year (week 53) is schema-valid and still refused with 422 naming the problem.
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from .conftest import auth, import_fixture, run_week

POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONTENT_422 = {
    "/api/v1/imports": "case files: a missing file or a bad cell is 422 with every issue",
    "/api/v1/scenarios": "scenario TOML: a bad key or value is 422 naming it",
    "/api/v1/runs": "week 53 exists only in some years",
    "/api/v1/users": "a password the policy refuses (common, guessable) is 422",
    "/api/v1/users/{username}": "the last active admin stays one",
    "/api/v1/users/{username}/password": "a password the policy refuses is 422",
    "/api/v1/weeks/{week}/decisions": "a pin must be an eligible pair within capacity (engine)",
    "/api/v1/offers/override": "an offer outside the proposal must keep the law's limits",
    "/api/v1/weeks/{week}/priority": "week 53 exists only in some years",
    "/api/v1/youths": "a youth's row is checked by the import's reader: a bad cell is 422",
    "/api/v1/youths/{ref}": "an edited youth's row is checked by the import's reader",
    "/api/v1/weeks/{week}/dwellings": "a dwelling's row is checked by the import's reader",
    "/api/v1/weeks/{week}/dwellings/{ref}": "an edited dwelling's row likewise",
    "/api/v1/youths/{ref}/withdraw": "the reason other needs a text that is not blank",
    "/api/v1/missing-youths/confirm": "the reason other needs a text that is not blank",
    "/api/v1/offers/{offer_id}/consent": "a blank guardian or a consent dated after today",
    "/api/v1/claims": "a claim needs a quota group on record and a date it can count from",
    "/api/v1/youths/{ref}/erase": "a reason with a NUL character or a CPR number is 422 (kept)",
}


def _config() -> SchemathesisConfig:
    operations = [
        {"include-path": path, "checks": {"positive_data_acceptance":
                                          {"expected-statuses": [*POSITIVE, "422"]}}}
        for path in CONTENT_422
    ]  # fmt: skip
    return SchemathesisConfig.from_dict({"operations": operations})


def test_no_generated_request_fails_any_check(client: TestClient) -> None:
    """15 generated requests per operation; every check schemathesis has passes."""
    import_fixture(client, "tiny")
    run_week(client)
    headers = auth(client, "admin")
    api = schemathesis.openapi.from_asgi("/api/openapi.json", client.app, config=_config())
    load_all_checks()
    checks = list(CHECKS.get_all())
    assert len(checks) >= 14
    # POST /logout takes no input and would void the admin's token for every later operation
    # (tested on its own in test_api.py).
    operations = [
        op
        for op in (result.ok() for result in api.get_all_operations())
        if op.path != "/api/v1/logout"
    ]
    assert len(operations) >= 25
    failures: list[str] = []
    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def call(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except BaseException as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
                for failure in getattr(exc, "exceptions", [exc]):
                    title = getattr(failure, "title", type(failure).__name__)
                    failures.append(f"{case.method} {case.formatted_path}: "
                                    f"{response.status_code} {title}")  # fmt: skip

        call()
    assert failures == [], "\n".join(sorted(set(failures)))
