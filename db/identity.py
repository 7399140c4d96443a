"""National ID numbers (居民身份证号码, GB 11643-1999): normalisation, validation, fingerprint, tail.

The clear number is never stored nor logged. A volunteer row keeps:
- `id_number_fingerprint`: HMAC-SHA256 (hex) of the normalised number keyed with
  `Settings.secret_key`; unique in the database, so a second registration with the same number is
  detected without storing the number. Without the key the fingerprint cannot be reversed by
  hashing all possible numbers (the space is small, which is why a plain hash would not do).
- `id_number_tail`: the last four characters, for masked display ("**************123X").

Validation checks the 18-character form: 17 digits and a check character (0-9 or X), a known
province code, a real birth date not in the future, and the ISO 7064 MOD 11-2 check character.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import date

from db.errors import IdNumberError

FIELD = "id_number"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_SEPARATORS = str.maketrans("", "", " \t-")


@dataclass(frozen=True)
class StoredIdNumber:
    """What the database keeps of an ID number."""

    fingerprint: str
    tail: str


def check_char(first17: str) -> str:
    """The check character (0-9 or X) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError("an ID number starts with 17 digits", code="ID_NUMBER_FORMAT", field=FIELD)
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    """Full-width characters folded (NFKC), spaces and hyphens removed, a trailing x upper-cased."""
    return unicodedata.normalize("NFKC", raw).translate(_SEPARATORS).upper()


def validate_id_number(raw: str, *, today: date | None = None) -> str:
    """The normalised 18-character ID number, or IdNumberError naming what is wrong."""
    number = normalise_id_number(raw)
    if len(number) != 18:
        raise IdNumberError(
            f"an ID number has 18 characters, this one has {len(number)}: check for missing digits",
            code="ID_NUMBER_FORMAT",
            field=FIELD,
        )
    body, last = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or not (last.isdigit() or last == "X"):
        raise IdNumberError(
            "an ID number is 17 digits followed by a digit or X: remove other characters",
            code="ID_NUMBER_FORMAT",
            field=FIELD,
        )
    if int(body[:2]) not in PROVINCE_CODES:
        raise IdNumberError(
            "the first two digits of the ID number are not a province code: check the number",
            code="ID_NUMBER_REGION",
            field=FIELD,
        )
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > (today or date.today()):
        raise IdNumberError(
            "digits 7-14 of the ID number are not a valid birth date (YYYYMMDD): check the number",
            code="ID_NUMBER_BIRTH_DATE",
            field=FIELD,
        )
    if check_char(body) != last:
        raise IdNumberError(
            "the last character of the ID number does not match its check digit: check for a typo",
            code="ID_NUMBER_CHECKSUM",
            field=FIELD,
        )
    return number


def id_number_fingerprint(normalised: str, secret_key: str) -> str:
    """HMAC-SHA256 (64 hex characters) of a normalised ID number, keyed with the secret key."""
    return hmac.new(secret_key.encode("utf-8"), normalised.encode("ascii"), hashlib.sha256).hexdigest()


def id_number_tail(normalised: str) -> str:
    """The last four characters, the only part kept in clear."""
    return normalised[-4:]


def mask_id_number(tail: str) -> str:
    """The masked display form: 14 asterisks and the tail."""
    return "*" * 14 + tail


def prepare_id_number(raw: str, secret_key: str) -> StoredIdNumber:
    """Validate `raw` and return what a volunteer row stores of it (fingerprint and tail)."""
    number = validate_id_number(raw)
    return StoredIdNumber(fingerprint=id_number_fingerprint(number, secret_key), tail=id_number_tail(number))
