"""The example dispatch operations (examples/operations/dispatch/) stay valid against the schema:
each document parses, validates, and names every operation it holds (the loop test runs the same
operations against data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse, validate

from schema.api import schema

OPERATIONS = Path(__file__).resolve().parents[2] / "examples" / "operations" / "dispatch"
FILES = sorted(OPERATIONS.glob("*.graphql"))


def test_the_examples_cover_the_loop() -> None:
    names = {node.name.value for path in FILES for node in parse(path.read_text(encoding="utf-8")).definitions
             if isinstance(node, OperationDefinitionNode) and node.name}
    loop = {"OrderReview", "DispatchRunStart", "DispatchRunProgress", "DispatchRunCommit", "AssignmentAccept",
            "AssignmentDecline", "AssignmentCheckIn", "AssignmentCheckOut", "OrderRate", "MyNotifications"}
    assert loop <= names, loop - names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_example_operation_is_valid(path: Path) -> None:
    document = parse(path.read_text(encoding="utf-8"))
    assert validate(schema._schema, document) == []
    assert all(isinstance(node, OperationDefinitionNode) and node.name for node in document.definitions)
