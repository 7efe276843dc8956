"""A bounded, deterministic schemathesis run over every operation of the REST API (/api/v1/).

The OpenAPI document is loaded from the application itself (so the run covers exactly what is served),
requests go straight into the WSGI application inside the test's database transaction, and every request
carries an API token of county A's regulator. The test fails on any 5xx answer; for each operation
schemathesis reports the first one it finds, shrunk to a small request, with a curl line to replay it
(the server's traceback is in the captured log).

A second run sends only requests the document calls valid (schemathesis' positive data generation: its
coverage phase of boundary values, then a few random ones); it must not answer 5xx, nor 422
(positive_data_acceptance: the document promised to take it; a 400 is allowed, a rule the document cannot
state, such as a day in the future or a range whose start lies after its end, refused naming the field).
The document states what the server refuses through core.openapi (days 2000-2099, no null in a form, a
decimal as a number, no NUL character in text).

Tuning through the environment (the default keeps each run near a minute on two cores):
  BRIGHTKITCHEN_FUZZ_EXAMPLES=<n>    examples per operation in the fuzzing phase (default 200)
  BRIGHTKITCHEN_FUZZ_POSITIVE=<n>    random valid examples per operation after the coverage phase
                                     (default 10)
  BRIGHTKITCHEN_FUZZ_ALL_CHECKS=1    also run schemathesis' other checks (response schema conformance,
                                     documented status codes, ...) to look for contract bugs
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from schemathesis.checks import not_a_server_error, positive_data_acceptance

from brightkitchen.accounts.services import create_token
from brightkitchen.config.wsgi import application
from brightkitchen.conftest import World

pytestmark = pytest.mark.fuzz

OPENAPI_PATH = "/api/v1/openapi.json"
SEED = 20240601
MAX_EXAMPLES = int(os.environ.get("BRIGHTKITCHEN_FUZZ_EXAMPLES", "200"))
POSITIVE_EXAMPLES = int(os.environ.get("BRIGHTKITCHEN_FUZZ_POSITIVE", "10"))
# What a valid request may be answered: anything but 422 (the document promised to take it) and 5xx.
VALID_ANSWERS = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
ALL_CHECKS = os.environ.get("BRIGHTKITCHEN_FUZZ_ALL_CHECKS", "") == "1"

StartResponse = Callable[..., Any]


def in_test_transaction(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The Django WSGI application, run the way Django's test client runs it: the signal handlers that
    close database connections at the start and end of a request are held off (closing would end the
    test's transaction). Each request runs in a savepoint that is rolled back when it answers 5xx, so one
    broken request cannot poison the ones after it (PostgreSQL refuses every statement in a transaction
    once one has failed)."""
    status_line: list[str] = []

    def remember_status(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        status_line.append(status)
        return start_response(status, headers, *exc_info)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    savepoint = transaction.savepoint()
    try:
        result = application(environ, remember_status)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        try:
            if not status_line or status_line[0].startswith("5"):
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
    return [body]


def _schema(world: World, generation: dict[str, Any], **settings: Any) -> Any:
    _row, token = create_token(world.users["regulator_a"], "fuzz")
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "auth": {"openapi": {"TokenAuth": {"bearer": token}}},
            "generation": {
                **generation,
                "deterministic": True,
                "database": "none",  # nothing written to .hypothesis/, nothing replayed from an earlier run
                # The token above is the only credential sent: no generated Authorization or cookie values.
                "with-security-parameters": False,
            },
            **settings,
        }
    )
    return schemathesis.openapi.from_wsgi(
        OPENAPI_PATH, in_test_transaction, config=config, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def api_schema(world: World) -> Any:
    return _schema(world, {"mode": "all", "max-examples": MAX_EXAMPLES})  # valid and invalid data


@pytest.fixture
def valid_api_schema(world: World) -> Any:
    return _schema(
        world,
        {"mode": "positive", "max-examples": POSITIVE_EXAMPLES},
        phases={"examples": {"enabled": False}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
        checks={"positive_data_acceptance": {"expected-statuses": VALID_ANSWERS}},
    )


@pytest.fixture(autouse=True)
def _log_server_errors_only() -> Iterator[None]:
    """Thousands of requests are refused with 4xx on purpose; log only the 5xx (with their traceback)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _pytest_9_2_node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis (4.32) reads `request.node._nodeid`, which pytest 9.2 no longer has; give it the id."""
    if not hasattr(request.node, "_nodeid"):
        setattr(request.node, "_nodeid", request.node.nodeid)  # noqa: B010


schema = schemathesis.pytest.from_fixture("api_schema")
valid_schema = schemathesis.pytest.from_fixture("valid_api_schema")


@schema.parametrize()
def test_api_never_answers_5xx(case: schemathesis.Case[Any]) -> None:
    if ALL_CHECKS:
        case.call_and_validate()
    else:
        case.call_and_validate(checks=[not_a_server_error])


@valid_schema.parametrize()
def test_valid_requests_never_answer_5xx(case: schemathesis.Case[Any]) -> None:
    if ALL_CHECKS:
        case.call_and_validate()  # every check, positive_data_acceptance with VALID_ANSWERS among them
    else:
        case.call_and_validate(checks=[not_a_server_error, positive_data_acceptance])
