"""The media type and status of a GraphQL response over HTTP (GraphQL over HTTP, the spec's
"application/graphql-response+json" and "application/json" sections).

- `application/graphql-response+json`, when the client's Accept prefers it: a request error (the
  document does not parse or validate, the variables do not coerce, the caller may not run it, a
  limit refuses it; nothing executed) answers with a 4xx status (5xx for a failure of ours) and
  no `data` entry. A response with data, even null because a field failed, stays 200.
- `application/json` (also without Accept, or with `*/*`): every well-formed request gets 200 and
  its errors in the body, as before.
"""

from __future__ import annotations

from typing import Any

from resolvers.core.errors import ErrorCode

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
#: media ranges a legacy client sends that application/json satisfies
_JSON_RANGES = (JSON, "application/*", "*/*")
#: the status of a request error by its code; any other code is the client's request: 400
STATUS_OF_CODE = {ErrorCode.UNAUTHENTICATED.value: 401, ErrorCode.FORBIDDEN.value: 403,
                  ErrorCode.RATE_LIMITED.value: 429, ErrorCode.INTERNAL.value: 500}


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header: the one with the higher q; on a tie (or
    both listed without q) application/graphql-response+json; application/json otherwise."""
    best, best_q = JSON, -1.0
    for part in (accept or "").split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE and q >= best_q:
            best, best_q = GRAPHQL_RESPONSE, q
        elif media in _JSON_RANGES and q > best_q:
            best, best_q = JSON, q
    return best


def request_error_status(result: Any) -> int | None:
    """The 4xx/5xx status of an execution result that is a request error (no data, every error
    outside any field: nothing executed), or None when the operation executed."""
    errors = result.errors or []
    if result.data is not None or not errors or any(error.path for error in errors):
        return None
    code = (errors[0].extensions or {}).get("code")
    return STATUS_OF_CODE.get(str(code), 400)
