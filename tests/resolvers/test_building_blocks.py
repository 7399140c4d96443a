"""Pure building blocks of the resolvers: global IDs, cursors and page sizes, phone masking,
subtree prefixes and the translation of db/ refusals into user errors."""

from __future__ import annotations

import base64

import pytest

from db.errors import IdNumberError, TreeError
from resolvers.access.masking import mask_phone
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.mutation import db_problem
from resolvers.core.pagination import decode_cursor, encode_cursor, page_size
from resolvers.network.counts import covering_prefixes


def test_global_id_round_trip() -> None:
    assert globalid.decode(globalid.encode("Volunteer", 42)) == ("Volunteer", 42)
    assert globalid.decode_as(globalid.encode("Unit", 7), "Unit") == 7


@pytest.mark.parametrize(
    "raw",
    ["", "not base64!", base64.b64encode(b"Unit").decode(), base64.b64encode(b"Planet:1").decode(),
     base64.b64encode(b"Unit:0").decode(), base64.b64encode(b"Unit:-3").decode(),
     base64.b64encode(b"Unit:1.5").decode(), base64.b64encode(b"\xff\xfe").decode()],
    ids=["empty", "not-base64", "no-colon", "unknown-type", "zero", "negative", "not-int", "not-utf8"],
)
def test_malformed_global_ids(raw: str) -> None:
    with pytest.raises(ClientError) as caught:
        globalid.decode(raw, ("input", "unit"))
    assert caught.value.code is ErrorCode.MALFORMED_ID
    assert caught.value.field == ("input", "unit")


def test_global_id_of_another_type() -> None:
    with pytest.raises(ClientError) as caught:
        globalid.decode_as(globalid.encode("Skill", 1), "Unit", ("parent",))
    assert (caught.value.code, str(caught.value)) == (
        ErrorCode.WRONG_TYPE, "parent: expected the ID of a Unit, got the ID of a Skill")


def test_cursor_round_trip_and_page_size() -> None:
    assert decode_cursor(encode_cursor(99)) == 99
    assert page_size(None, 100) == 100
    assert page_size(0, 100) == 0
    for bad in (-1, 101):
        with pytest.raises(ClientError) as caught:
            page_size(bad, 100)
        assert (caught.value.code, caught.value.field) == (ErrorCode.PAGE_SIZE, ("first",))


@pytest.mark.parametrize(
    ("phone", "shown"),
    [("13812345678", "138****5678"), ("+86 138 1234 5678", "+86**********5678"), ("110", "*10"), ("", ""),
     (None, None)],
)
def test_mask_phone(phone: str | None, shown: str | None) -> None:
    assert mask_phone(phone) == shown


def test_covering_prefixes_drop_paths_inside_others() -> None:
    assert covering_prefixes(["/1/7/42/", "/1/7/", "/1/8/", "/1/7/", "/2/"]) == ["/1/7/", "/1/8/", "/2/"]
    assert covering_prefixes(["/1/", "/1/7/", "/10/"]) == ["/1/", "/10/"]


def test_db_refusals_become_problems_at_the_input_field() -> None:
    cycle = db_problem(TreeError("would make a cycle", code="CYCLE", field="parent_id"))
    assert (cycle.field, cycle.code) == (("input", "parent"), ErrorCode.CYCLE)
    missing = db_problem(TreeError("no parent", code="PARENT_NOT_FOUND", field="parent_id"))
    assert missing.code is ErrorCode.NOT_FOUND
    id_number = db_problem(IdNumberError("bad check digit", code="ID_NUMBER_CHECKSUM", field="id_number"))
    assert (id_number.field, id_number.code) == (("input", "idNumber"), ErrorCode.ID_NUMBER_CHECKSUM)
    unknown = db_problem(TreeError("something new", code="SOMETHING_NEW"))
    assert (unknown.field, unknown.code) == (("input",), ErrorCode.INVALID)
