"""ID numbers (db/identity.py): validation, normalisation, fingerprint, and duplicates in the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.errors import IdNumberError
from db.identity import (
    check_char,
    mask_id_number,
    prepare_id_number,
    validate_id_number,
)
from db.models import Volunteer
from db.queries import volunteer_id_by_fingerprint
from tests.db.helpers import small_tree

# The two worked examples of GB 11643-1999, appendix.
STANDARD_EXAMPLES = ("11010519491231002X", "440524188001010014")
KEY = "test-key"


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_check_character_of_the_standard_examples(number: str) -> None:
    assert check_char(number[:17]) == number[17]


def test_a_well_formed_number_is_valid() -> None:
    assert validate_id_number(STANDARD_EXAMPLES[0]) == STANDARD_EXAMPLES[0]
    # The second standard example is born in 1880: refused as a birth date for a living volunteer.
    with pytest.raises(IdNumberError) as info:
        validate_id_number(STANDARD_EXAMPLES[1])
    assert info.value.code == "ID_NUMBER_BIRTH_DATE"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("110105-19491231-002X", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width input
    ],
)
def test_input_is_normalised(raw: str, normalised: str) -> None:
    assert validate_id_number(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1101051949123100", "ID_NUMBER_FORMAT"),  # 16 characters
        ("1101051949123100211", "ID_NUMBER_FORMAT"),  # 19 characters
        ("11010519491231A02X", "ID_NUMBER_FORMAT"),
        ("11010519491231002Y", "ID_NUMBER_FORMAT"),
        ("99010519491231002" + check_char("99010519491231002"), "ID_NUMBER_REGION"),
        ("11010519490230002" + check_char("11010519490230002"), "ID_NUMBER_BIRTH_DATE"),  # 30 February
        ("11010518991231002" + check_char("11010518991231002"), "ID_NUMBER_BIRTH_DATE"),  # before 1900
        ("11010520990101002" + check_char("11010520990101002"), "ID_NUMBER_BIRTH_DATE"),  # in the future
        ("110105194912310021", "ID_NUMBER_CHECKSUM"),
        ("11010519491231003X", "ID_NUMBER_CHECKSUM"),  # one digit changed
    ],
)
def test_invalid_numbers_are_refused_without_echoing_them(raw: str, code: str) -> None:
    with pytest.raises(IdNumberError) as info:
        validate_id_number(raw, today=date(2026, 1, 1))
    assert (info.value.code, info.value.field) == (code, "id_number")
    assert raw[6:14] not in str(info.value)


def test_every_single_digit_typo_is_caught() -> None:
    number = "32038219900307001X"
    assert validate_id_number(number) == number
    for position in range(17):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            typo = number[:position] + digit + number[position + 1 :]
            try:
                validate_id_number(typo)
            except IdNumberError:
                continue
            pytest.fail(f"typo at position {position} was accepted")


def test_fingerprint_is_keyed_and_ignores_input_form() -> None:
    stored = prepare_id_number("11010519491231002x", KEY)
    assert stored == prepare_id_number("110105 19491231 002X", KEY)
    assert stored.fingerprint != prepare_id_number("11010519491231002X", "other-key").fingerprint
    assert len(stored.fingerprint) == 64 and int(stored.fingerprint, 16) >= 0
    assert "19491231" not in stored.fingerprint
    assert stored.tail == "002X"
    assert mask_id_number(stored.tail) == "**************002X"


def _volunteer(unit_id: int, number: str, id_number: str) -> Volunteer:
    stored = prepare_id_number(id_number, KEY)
    return Volunteer(
        volunteer_number=number,
        name="测试",
        phone="13800000000",
        id_number_fingerprint=stored.fingerprint,
        id_number_tail=stored.tail,
        home_lat=34.3,
        home_lon=117.9,
        unit_id=unit_id,
    )


def test_second_registration_with_the_same_id_number_is_a_unique_violation(session: Session) -> None:
    _center, _institutes, stations = small_tree(session, institutes=1, stations=1)
    first = _volunteer(stations[0].id, "V1", STANDARD_EXAMPLES[0])
    session.add(first)
    session.commit()
    fingerprint = prepare_id_number("11010519491231002x", KEY).fingerprint
    assert volunteer_id_by_fingerprint(session, fingerprint) == first.id
    session.add(_volunteer(stations[0].id, "V2", "110105-19491231-002x"))
    with pytest.raises(IntegrityError) as info:
        session.commit()
    session.rollback()
    assert "id_number_fingerprint" in str(info.value.orig)
    other = prepare_id_number("32038219900307001X", KEY).fingerprint
    assert volunteer_id_by_fingerprint(session, other) is None
