"""De-identified personal data for analysts.

**Who.** Every account holding an ANALYST grant, whatever its other grants, a platform admin's
included (`Caller.deidentified`). ANALYST widens the session's reads to everything
(rules.UNRESTRICTED_VIEW); beside it no other role could keep the personal data of its own scope
apart from everyone else's, so the whole account reads de-identified. Whoever needs names or
addresses uses an account without ANALYST.

**What** such an account reads (the fields carry `DeIdentified(how)` as a strawberry field
extension: schema/forces/volunteer_types.py, schema/orders/types.py, schema/dispatch/types.py):

- names (`Volunteer.name`, `Order.residentName`), order addresses and the usernames in audit
  lines (`OrderEvent.actor`, `ServiceCorrection.staff`): a stub, the first character and "*" (`stub`);
- `Volunteer.volunteerNumber`: a keyed pseudonym "anon-" + 16 hex digits (HMAC-SHA256 of the number
  with a key derived from the server's secret key): the same volunteer always gets the same one,
  so analysts count and follow distinct volunteers, but it cannot be linked to the registry;
- `Volunteer.idNumber`: stars only (its last four characters are withheld too);
- `Volunteer.homeLocation`, `Order.location`: snapped to a grid of GRID_DEGREES (0.01 degree,
  about 1.1 km north-south and 0.9 km east-west at 34 degrees north);
- free text written by residents, volunteers and staff (`Order.note`, `Rating.comment`,
  `OrderEvent.note`, `Assignment.declineReason`, `AvailabilityException.note`,
  `ServiceCorrection.reason`) and outbox payload values other than PAYLOAD_KEYS: WITHHELD;
- phones are masked for everyone and `phoneFull` is null (personal_data.py); the volunteer filter
  `nameContains` is refused (a search by name would identify); scenario run reports draw orders
  and homes on the grid for everyone (resolvers/scenarios/runs.py).

The engine may use exact coordinates internally (dispatch runs, scenario solves): only what is
returned is de-identified.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from strawberry.extensions import FieldExtension

from resolvers.core.settings import Settings

#: The grid exact coordinates are snapped to for analysts, in degrees (0.01: about 1 km).
GRID_DEGREES = 0.01
#: What free text reads as for analysts (empty text stays empty).
WITHHELD = "*"
#: Outbox payload keys whose values are codes, statuses and times; every other value is withheld.
PAYLOAD_KEYS = frozenset({"order", "from_status", "to_status", "start", "end", "skill", "change"})


def deidentified(info: Any) -> bool:
    """Whether the caller of this request reads personal data de-identified."""
    auth = getattr(info.context, "auth", None)
    caller = getattr(auth, "caller", None)
    return caller is not None and bool(caller.deidentified)


def stub(value: str | None, settings: Settings | None = None) -> str | None:
    """"王芳" -> "王*"; "" and None stay as they are."""
    if not value:
        return value
    return value[0] + "*"


def withhold(value: str | None, settings: Settings | None = None) -> str | None:
    """Free text -> WITHHELD; "" and None stay as they are."""
    return WITHHELD if value else value


def stars(value: str, settings: Settings | None = None) -> str:
    """A masked identifier with its visible characters starred too."""
    return "*" * len(value)


def grid(degrees: float) -> float:
    """A coordinate snapped to the nearest line of the GRID_DEGREES grid."""
    return round(round(degrees / GRID_DEGREES) * GRID_DEGREES, 6)


def on_grid(location: Any, settings: Settings | None = None) -> Any:
    """A location object (`lat`, `lon`) with both snapped to the grid."""
    return dataclasses.replace(location, lat=grid(location.lat), lon=grid(location.lon))


def pseudonym(number: str, settings: Settings) -> str:
    """The keyed pseudonym of a volunteer number (stable for one secret key)."""
    key = hmac.new(settings.secret_key.encode(), b"wenming analyst pseudonyms", hashlib.sha256).digest()
    return "anon-" + hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:16]


def payload(value: Any, settings: Settings | None = None) -> Any:
    """An outbox payload with the values of keys outside PAYLOAD_KEYS withheld."""
    if not isinstance(value, dict):
        return value
    return {k: v if k in PAYLOAD_KEYS else WITHHELD for k, v in value.items()}


class DeIdentified(FieldExtension):
    """Returns the field's value passed through `how` to de-identified callers, as it is to others."""

    def __init__(self, how: Callable[[Any, Settings], Any] = stub) -> None:
        super().__init__()
        self.how = how

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        if value is None or not deidentified(info):
            return value
        return self.how(value, info.context.settings)
