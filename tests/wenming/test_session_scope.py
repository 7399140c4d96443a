"""SessionScope: queries and mutations wait for a database slot; subscriptions never hold one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry

from resolvers.core.context import Context
from wenming.context import SessionScope
from wenming.settings import Settings


class FakeSession:
    closed = 0

    def close(self) -> None:
        FakeSession.closed += 1


@strawberry.type
class Query:
    @strawberry.field
    def ping(self, info: strawberry.Info[Context, None]) -> str:
        info.context.session  # noqa: B018 -- opens the session, as a resolver reading data would
        return "pong"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        for tick in range(3):
            yield tick
            # not a wait: hands control back to the event loop between two ticks, as a stream
            # awaiting its next event does; nothing in the tests depends on how long it takes
            await asyncio.sleep(0)


SCHEMA = strawberry.Schema(query=Query, subscription=Subscription, extensions=[SessionScope])


def _context(slots: asyncio.Semaphore) -> Context:
    return Context(settings=Settings(), open_session=FakeSession,  # type: ignore[arg-type]  # a fake session
                   make_loaders=lambda _: None, slots=slots)


def test_queries_take_and_return_a_slot_and_close_their_session() -> None:
    async def scenario() -> tuple[list[str], bool]:
        slots = asyncio.Semaphore(1)
        results = await asyncio.gather(*(SCHEMA.execute("{ ping }", context_value=_context(slots)) for _ in range(5)))
        return [r.data["ping"] for r in results if r.data], slots.locked()

    before = FakeSession.closed
    answers, exhausted = asyncio.run(scenario())
    assert answers == ["pong"] * 5
    assert not exhausted  # the one slot was given back
    assert FakeSession.closed - before == 5


def test_an_open_subscription_does_not_block_queries() -> None:
    async def scenario() -> tuple[int, str]:
        slots = asyncio.Semaphore(1)
        stream = await SCHEMA.subscribe("subscription { ticks }", context_value=_context(slots))
        first = await stream.__anext__()
        # with the subscription still open, the only slot is free, so a query gets it at once
        assert not slots.locked(), "the open subscription holds a database slot"
        try:
            query = await asyncio.wait_for(SCHEMA.execute("{ ping }", context_value=_context(slots)), timeout=5)
        except TimeoutError:
            raise AssertionError("the query waited 5 s for a database slot beside the open subscription") from None
        await stream.aclose()
        return first.data["ticks"], query.data["ping"]

    assert asyncio.run(scenario()) == (0, "pong")
