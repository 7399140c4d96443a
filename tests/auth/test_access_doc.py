"""docs/access.md states the policy that runs: its tables are the declarations' own."""

from __future__ import annotations

from resolvers.access import table
from resolvers.access.policy import ROOT_ACCESS


def test_the_access_tables_in_the_docs_are_current() -> None:
    text = table.DOC.read_text(encoding="utf-8")
    assert table.BEGIN in text and table.END in text
    assert text == table.render(text), "run `python -m resolvers.access.table` and commit docs/access.md"


def test_the_tables_name_every_root_field() -> None:
    rendered = table.tables()
    missing = [field for field in ROOT_ACCESS if f"`{field}`" not in rendered]
    assert missing == []
