"""Property-based API test: schemathesis generates requests from the app's own OpenAPI schema
(valid and invalid), against a real loopback server; no answer may be a 5xx and every answer
must match the schema. Examples per operation are bounded so the run stays short."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from test_web_api import REWRITE, SOURCE, ThreadServer

from retold.api import Index, document_from_text
from retold.web.app import create_app

TOKEN = "schemathesis-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 10  # per operation and mode: enough to hit every validator, short enough to run


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, static_encoder: Any) -> Iterator[str]:
    db = tmp_path_factory.mktemp("st") / "index.db"
    with Index(db, encoder=static_encoder) as index:
        # Something to find, so generated ids and checks meet a family now and then.
        index.add([document_from_text(SOURCE, "src-1"), document_from_text(REWRITE, "spin-1")])
    with ThreadServer(create_app(db, token=TOKEN, encoder=static_encoder)) as srv:
        yield srv.url


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_server_errors(base_url: str, mode: str) -> None:
    # Operations are looped here rather than parametrized by schemathesis' pytest plugin:
    # the schema only exists once the server runs, and the plugin's lazy loader does not
    # work with this pytest version.
    api = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    generation = GenerationMode(mode)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    seen: list[str] = []
    exercised: list[str] = []
    for result in api.get_all_operations():
        operation = result.ok()
        seen.append(operation.label)

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=generation))
        def run(case: Any) -> None:
            # With the token, so writes get past authentication into validation and ingest.
            case.call_and_validate(base_url=base_url, headers=AUTH, timeout=60, checks=checks)

        try:
            run()
        except Unsatisfiable:
            # No request breaks the schema of an operation without parameters or body.
            assert generation is GenerationMode.NEGATIVE, operation.label
            continue
        exercised.append(operation.label)
    assert "POST /api/documents" in exercised and "POST /api/check" in exercised
    assert "POST /api/documents/batch" in seen and "POST /api/check" in seen
