"""The OpenAPI description (search.present.openapi) against the real app: it names every /api
route and no other, real responses match it, and schemathesis tries it with generated requests
(every operation, positive and negative data) with no server error and no response outside it."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from app import create_app
from conftest import SEEDS
from search import ingest
from search.engine.whoosh.build import build
from search.present.openapi import spec
from search.settings import Limits

SEED_ID = "002_a7e7424a1120ba56"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    build(ingest.load([SEEDS]), root)
    app = create_app({"INDEX_DIR": str(root), "TESTING": True, "ACCESS_LOG": "off"})
    yield app
    app.extensions["kliping"].close()


def _path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_the_description_names_every_api_route_and_no_other(app):
    routes = {_path(r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/") or r.rule == "/healthz"}
    assert routes == set(spec()["paths"])
    served = app.test_client().get("/api/openapi.json").get_json()
    assert served == spec(app.extensions["kliping"].settings.limits)


def test_the_bounds_it_states_are_the_limits_enforced(app):
    described = spec(Limits(per_page=7, values_per_param=3))["paths"]["/api/search"]["get"]
    params = {p["name"]: p for p in described["parameters"]}
    assert params["per_page"]["schema"]["maximum"] == 7 and params["outlet"]["schema"]["maxItems"] == 3
    c = app.test_client()
    limit = Limits().per_page
    assert c.get(f"/api/search?per_page={limit}").status_code == 200
    assert c.get(f"/api/search?per_page={limit + 1}").status_code == 400


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_real_responses_match_the_description(app, api_schema):
    c = app.test_client()
    for path, op in (("/api/search?q=sanksi+PBB&outlet=Kontan", "/api/search"), ("/api/search?q=*a*", "/api/search"),
                     ("/api/search?page=0", "/api/search"), (f"/api/articles/{SEED_ID}", "/api/articles/{article_id}"),
                     ("/api/articles/nope", "/api/articles/{article_id}"),
                     (f"/api/articles/{SEED_ID}/paragraphs/2/cite", "/api/articles/{article_id}/paragraphs/{n}/cite"),
                     ("/healthz", "/healthz")):
        r = c.get(path)
        api_schema[op]["GET"].validate_response(r)


EXAMPLES = 80  # generated requests per operation (and generation mode)


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_requests_get_described_answers_and_never_a_server_error(api_schema, mode):
    """Through schemathesis' strategies and checks (the schemathesis pytest plugin does not run
    under this pytest)."""
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

    calls = []
    for result in api_schema.get_all_operations():
        op = result.ok()

        @given(op.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            calls.append(case.path)
            # The WSGI transport does not gunzip. A request the description allows may still be
            # refused with a 400 for what OpenAPI cannot say (page x per_page past the depth,
            # `from` after `to`, a 31 June, too many parameters in all), and the search reads
            # leniently what it does not describe (an unknown value of a filter finds nothing,
            # `exact=maybe` is no): so neither acceptance check applies, every other one does.
            case.call_and_validate(headers={"Accept-Encoding": "identity"},
                                   excluded_checks=[positive_data_acceptance, negative_data_rejection])

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (no parameters, or any string will do)
            assert mode == "negative"
    with_parameters = {p for p, item in spec()["paths"].items() if item["get"].get("parameters")}
    assert len(calls) >= EXAMPLES and (with_parameters <= set(calls) if mode == "positive" else "/api/search" in calls)
