"""De-identified personal data for analysts: names and addresses reduced to a harmless stub.

An analyst reads everything (resolvers/access/policy.py) but only de-identified: a caller whose only
role is ANALYST sees "王*" for 王芳, "*" for an address. The fields carry `DeIdentified()` as a
strawberry field extension (schema/forces/volunteer_types.py, schema/orders/types.py); phones are masked for
everyone anyway and ID numbers are never stored whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.extensions import FieldExtension

from db.models import Role


def deidentify(value: str | None) -> str | None:
    """"王芳" -> "王*"; "" and None stay as they are."""
    if not value:
        return value
    return value[0] + "*"


def analyst_only(info: Any) -> bool:
    """True when every role of the caller is ANALYST (no role that may see personal data)."""
    auth = getattr(info.context, "auth", None)
    caller = getattr(auth, "caller", None)
    return caller is not None and caller.roles == frozenset({Role.ANALYST})


class DeIdentified(FieldExtension):
    """Returns the field's value de-identified to analysts, as it is to everyone else."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        return deidentify(value) if analyst_only(info) else value
