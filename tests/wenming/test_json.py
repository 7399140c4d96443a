"""Responses are UTF-8 JSON with Chinese text as typed, not \\u escapes."""

from __future__ import annotations

from tests.documents import UNIT_NODE
from tests.schema.support import GraphQLClient, create_unit


def test_chinese_text_is_not_escaped(api: GraphQLClient) -> None:
    center = create_unit(api, "CENTER", name="邳州市新时代文明实践中心")
    response = api.runner.run(api.client.post("/graphql", json={"query": UNIT_NODE, "variables": {"id": center}}))
    assert "邳州市新时代文明实践中心".encode() in response.content
    assert b"\\u" not in response.content
