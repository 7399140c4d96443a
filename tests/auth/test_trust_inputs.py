"""Regression tests of the trust review's L4 (and an L7 message): malformed IDs, overlong text, NUL characters,
integers past the id columns and unbounded scenario TOML are coded userErrors (or coded errors
of queries) naming the field, and nothing is written. Run on SQLite and PostgreSQL, whose
refusals (NUL, VARCHAR widths, INTEGER range) used to surface as "Unexpected error."."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLScalarType
from sqlalchemy import Engine, func, select

from db.models import Base, Role
from db.session import session_factory
from resolvers.access.policy import ROOT_ACCESS
from resolvers.core.validation import MAX_INPUT_CHARS
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.schema_walk import root_fields, sample
from tests.documents import ORDER_SUBMIT, TEAM_UPDATE, UNIT_CREATE, UNIT_UPDATE, VOLUNTEER_REGISTER
from tests.schema.support import GraphQLClient, create_unit, volunteer_input

NUL = "a\x00b"
SCENARIO_START = """
mutation S($input: ScenarioRunStartInput!) {
  scenarioRunStart(input: $input) { run { id } userErrors { field code message } }
}
"""
ACCOUNT_CREATE = """
mutation A($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } userErrors { field code } } }
"""


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table: what "nothing was written" is checked against."""
    with session_factory(engine)() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}


def errors_of(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _text_field(input_type: GraphQLInputObjectType) -> str | None:
    """The first String or ID field of an input type (required or not)."""
    for name, field in input_type.fields.items():
        inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(inner, GraphQLScalarType) and inner.name in ("String", "ID"):
            return name
    return None


def _admin_may(mutation: str) -> bool:
    """Whether a platform admin may call the mutation (a volunteer's own preference is his alone;
    the check under test runs for every caller the root admits, the same code for all)."""
    roles = ROOT_ACCESS[f"Mutation.{mutation}"]
    return roles is None or Role.PLATFORM_ADMIN in roles


def test_l4_every_mutation_refuses_a_nul_character_naming_the_field(admin: GraphQLClient, engine: Engine) -> None:
    """Each mutation's input, its required fields filled, with NUL in its first text field."""
    before = counts(engine)
    checked = []
    for name, field in sorted(root_fields("Mutation").items()):
        input_type = field.args["input"].type.of_type
        text_field = _text_field(input_type)
        if text_field is None or not _admin_may(name):
            continue
        variables = {"input": {**sample(input_type), text_field: NUL}}
        body = admin.execute(f"mutation($input: {input_type.name}!) {{ {name}(input: $input) "
                             "{ userErrors { field code message } } }", variables)
        assert "errors" not in body, (name, body)
        errors = body["data"][name]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [(["input", text_field], "INVALID")], (name, errors)
        assert "NUL" in errors[0]["message"]
        checked.append(name)
    assert len(checked) > 40 and "login" in checked and "logout" in checked  # payloads with counts too
    assert counts(engine) == before


def test_l4_nul_and_overlong_text_in_nested_inputs_and_queries(admin: GraphQLClient, engine: Engine) -> None:
    unit = create_unit(admin, "CENTER")
    before = counts(engine)
    nested = admin.data(VOLUNTEER_REGISTER, {"input": volunteer_input(unit, skills=[{"skill": NUL, "level": 1}])})
    assert errors_of(nested["volunteerRegister"]) == [(["input", "skills", "0", "skill"], "INVALID")]
    huge = "x" * (MAX_INPUT_CHARS + 1)
    over = admin.data(UNIT_CREATE, {"input": {"code": "L4", "name": huge, "level": "CENTER",
                                              "location": {"lat": 34.3, "lon": 117.9}}})
    assert errors_of(over["unitCreate"]) == [(["input", "name"], "OUT_OF_RANGE")]
    for query, variables in (("query($s: String) { units(nameContains: $s) { totalCount } }", {"s": NUL}),
                             ("query($s: String!) { unitByCode(code: $s) { id } }", {"s": NUL})):
        body = admin.execute(query, variables)
        assert all(value is None for value in (body["data"] or {}).values()), body
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] in (
            [("INVALID", ["nameContains"])], [("INVALID", ["code"])]), body
    assert counts(engine) == before


@pytest.mark.parametrize(("field", "value"), [
    ("address", "路" * 2001), ("contactName", "张" * 201), ("contactPhone", "1" * 40),
])
def test_l4_unit_text_over_its_column_is_refused(admin: GraphQLClient, engine: Engine, field: str, value: str) -> None:
    before = counts(engine)
    created = admin.data(UNIT_CREATE, {"input": {"code": "L4", "name": "站", "level": "CENTER",
                                                 "location": {"lat": 34.3, "lon": 117.9}, field: value}})
    assert [f for f, _ in errors_of(created["unitCreate"])] == [["input", field]]
    unit = create_unit(admin, "CENTER")
    updated = admin.data("mutation($i: UnitUpdateInput!) { unitUpdate(input: $i) { userErrors { field code } } }",
                         {"i": {"id": unit, field: value}})
    assert [f for f, _ in errors_of(updated["unitUpdate"])] == [["input", field]]
    assert counts(engine) == {**before, "units": before["units"] + 1}  # only the unit made to be updated


def test_l4_order_and_account_text_over_its_column_is_refused(
        admin: GraphQLClient, client_for: ClientFor, engine: Engine) -> None:
    unit = create_unit(admin, "CENTER")
    before = counts(engine)
    order = admin.data(ORDER_SUBMIT, {"input": {
        "item": gid("ServiceItem:1"), "unit": unit, "residentName": "李" * 201, "address": "路" * 2001,
        "location": {"lat": 34.3, "lon": 117.9}, "windowStart": "2026-12-07T09:00:00",
        "windowEnd": "2026-12-07T11:00:00", "channel": "HOTLINE"}})["orderSubmit"]
    assert {tuple(f) for f, _ in errors_of(order)} >= {("input", "residentName"), ("input", "address")}
    account = admin.data(ACCOUNT_CREATE, {"input": {"username": "u" * 151, "password": "p" * 1025,
                                                    "displayName": "名" * 201, "grants": []}})["accountCreate"]
    assert errors_of(account) == [(["input", "username"], "OUT_OF_RANGE"), (["input", "displayName"], "OUT_OF_RANGE"),
                                  (["input", "password"], "OUT_OF_RANGE")]
    assert counts(engine) == before


@pytest.mark.parametrize("bad", [
    gid("Unit:2147483648"), gid("Unit:99999999999999999999999"), gid("Unit:" + "9" * 5000), "x" * 10_000,
    gid("Unit:١٢"),  # Arabic-Indic digits: str.isdigit() says yes, the database says no
])
def test_l4_ids_past_the_id_columns_are_malformed(admin: GraphQLClient, engine: Engine, bad: str) -> None:
    before = counts(engine)
    body = admin.execute("query($id: ID!) { node(id: $id) { id } }", {"id": bad})
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("MALFORMED_ID", ["id"])
    assert len(error["message"]) < 200  # a long ID is not echoed
    created = admin.data(UNIT_CREATE, {"input": {"code": "L4", "name": "站", "level": "INSTITUTE", "parent": bad,
                                                 "location": {"lat": 34.3, "lon": 117.9}}})
    assert errors_of(created["unitCreate"]) == [(["input", "parent"], "MALFORMED_ID")]
    page = admin.execute("query($after: String) { units(after: $after) { totalCount } }",
                         {"after": gid("cursor:99999999999")})
    assert page["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    assert counts(engine) == before


@pytest.mark.parametrize(("toml", "key"), [
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "nested"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = nan\n', "time_limit"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = inf\n', "time_limit"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = -inf\n', "time_limit"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = -1\n', "time_limit"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = 0\n', "time_limit"),
    ('seed = 9223372036854775807\n[base]\nkind = "generated"\n', "seed"),
    ('[base]\nkind = "generated"\nseed = 99999999999999999999\n', "seed"),
    ('name = "a\\u0000b"\n[base]\nkind = "generated"\n', "name"),
    ('[base]\nkind = "generated"\n[[changes]]\ntype = "scale_demand"\nfactor = nan\n', "factor"),
])
def test_l4_scenario_toml_out_of_bounds_is_a_coded_user_error(admin: GraphQLClient, engine: Engine, toml: str,
                                                               key: str) -> None:
    before = counts(engine)
    payload = admin.data(SCENARIO_START, {"input": {"toml": toml}})["scenarioRunStart"]
    assert payload["run"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "toml"], "INVALID"), error
    assert key in error["message"], error
    assert counts(engine) == before


def test_l7_a_write_outside_the_scope_names_its_records_not_a_class(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    for document, name, target in ((UNIT_UPDATE, "unitUpdate", "center_a"), (TEAM_UPDATE, "teamUpdate", "team_a")):
        payload = world.clients["outsider"].data(document, {"input": {"id": world.ids[target], "name": "改名"}})[name]
        [error] = payload["userErrors"]
        assert error["code"] == "FORBIDDEN"
        assert error["message"].split(":")[0] in ("units", "teams"), error  # was the ORM class: "Unit", "Team"
