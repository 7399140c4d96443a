"""Authentication and the root-field gate for every operation (HTTP and websocket).

`request_auth(request)` (called by the app when it builds a context) reads the credential the
request presents into an `AuthHolder`; every session the context opens is restricted to that
holder's caller (resolvers/access/policy.py). `Authorise`, a schema extension running inside the
operation's database slot, loads the caller (account, grants) and refuses the whole operation,
before anything executes, when a root field is not open to the caller's roles
(`policy.ROOT_ACCESS`): UNAUTHENTICATED without a valid credential, FORBIDDEN otherwise.

Websocket clients that cannot set headers send `{"authorization": "Bearer <token>"}` as the
`connection_init` payload (graphql-transport-ws).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode
from sqlalchemy.orm import Session
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from resolvers.access.auth import AuthError, Caller, Credential, resolve_caller
from resolvers.access.policy import AuthHolder, may_call
from resolvers.core.errors import ErrorCode
from wenming.guard import Security


class RequestAuth(AuthHolder):
    """The holder of one request, with the credential it presented (or why it is unusable)."""

    def __init__(self, security: Security, credential: Credential | None = None,
                 error: AuthError | None = None) -> None:
        super().__init__()
        self.security = security
        self.settings = security.auth
        self.credential = credential
        self.error = error
        self.resolved = False


    def resolve(self, session: Session) -> Caller | None:
        """The caller behind the credential, read with the session's restriction paused (the
        credential tables are nobody's to read through it); AuthError when it does not hold."""
        self.loading = True
        try:
            return resolve_caller(session, self.settings, self.credential)
        finally:
            self.loading = False

    def still_valid(self, open_session: Callable[[], Session]) -> bool:
        """The credential checked again: an expired token, a revoked key or a disabled account ends it."""
        if self.credential is None or self.error is not None or self.caller is None:
            return False
        with open_session() as session:
            try:
                caller = self.resolve(session)
            except AuthError:
                return False
        return caller is not None and caller.account_id == self.caller.account_id


def request_auth(request: Any, security: Security) -> RequestAuth:
    """The credential of an HTTP request or websocket handshake (not yet checked)."""
    headers = getattr(request, "headers", None)
    try:
        return RequestAuth(security, Credential.from_headers(headers))
    except AuthError as exc:
        return RequestAuth(security, error=exc)


def on_ws_connect(holder: RequestAuth, params: Any) -> None:
    """Take the credential from the `connection_init` payload when the handshake had none."""
    if not isinstance(params, dict) or holder.credential is not None:
        return
    value = params.get("authorization") or params.get("Authorization")
    if isinstance(value, str):
        try:
            holder.credential = Credential.from_headers({"authorization": value})
        except AuthError as exc:
            holder.error = exc


def _error(message: str, code: ErrorCode) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def root_fields(operation: OperationDefinitionNode, fragments: dict[str, Any]) -> Iterable[str]:
    """Names of the root fields an operation selects, through fragments (introspection excluded)."""
    stack = list(operation.selection_set.selections)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            if not node.name.value.startswith("__"):
                yield node.name.value
        elif isinstance(node, InlineFragmentNode):
            stack.extend(node.selection_set.selections)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            stack.extend(fragments[node.name.value].selection_set.selections)


class Authorise(SchemaExtension):
    """Loads the caller, then admits the operation only if every root field is open to it."""

    async def on_execute(self) -> AsyncIterator[None]:
        refusal = self._check()
        if refusal is not None:
            if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
                raise refusal  # strawberry does not look at a preset result for subscriptions
            self.execution_context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield

    def _check(self) -> GraphQLError | None:
        ec = self.execution_context
        context = ec.context
        holder: RequestAuth | None = getattr(context, "auth", None)
        if holder is None:
            return _error("no credentials could be read for this request", ErrorCode.UNAUTHENTICATED)
        if holder.error is not None:
            return _error(str(holder.error), holder.error.code)
        if not holder.resolved:
            # Subscriptions hold no session for their lifetime (wenming/context.py): a short one here.
            subscription = ec.operation_type is OperationType.SUBSCRIPTION
            session = context.open_session() if subscription else context.session
            try:
                holder.set(holder.resolve(session))
            except AuthError as exc:
                return _error(str(exc), exc.code)
            finally:
                if subscription:
                    session.close()
            holder.resolved = True
        if holder.caller is not None:
            wait = holder.security.per_account.hit(holder.caller.account_id)
            if wait is not None:
                return _error(f"too many requests for this account: retry in {wait:.0f} s", ErrorCode.RATE_LIMITED)
        document = ec.graphql_document
        if document is None:
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        operation = next((o for o in operations if ec.operation_name is None
                          or (o.name is not None and o.name.value == ec.operation_name)), None)
        if operation is None:
            return None  # graphql-core reports the missing operation
        fragments = {d.name.value: d for d in document.definitions if hasattr(d, "name") and d not in operations}
        type_name = operation.operation.value.capitalize()
        for name in sorted(set(root_fields(operation, fragments))):
            allowed, code = may_call(holder.caller, f"{type_name}.{name}")
            if not allowed:
                assert code is not None
                if code is ErrorCode.UNAUTHENTICATED:
                    return _error(f"{name}: sign in first (mutation login), then send the access token as "
                                  "`Authorization: Bearer <token>`", code)
                return _error(f"{name}: your roles do not allow this field", code)
        return None
