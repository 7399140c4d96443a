"""schema.graphql at the repository root is the exported SDL of the current schema."""

from __future__ import annotations

from schema.export import SDL_PATH, sdl


def test_schema_graphql_is_current() -> None:
    stored = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
    assert stored == sdl(), "schema.graphql is stale: run `python -m schema.export` and commit the result"


def test_sdl_has_the_relay_and_mutation_conventions() -> None:
    text = sdl()
    assert "interface Node {\n  id: ID!\n}" in text
    assert "node(id: ID!): Node" in text
    assert "unitCreate(input: UnitCreateInput!): UnitPayload!" in text
    assert "type UserError {" in text and "code: ErrorCode!" in text
