"""Write the SDL of the API to schema.graphql at the repository root: `python -m schema.export`.

tests/schema/test_sdl.py fails when the file differs from the schema, so a change to the API is
always visible in review as a change to schema.graphql.
"""

from __future__ import annotations

import sys
from pathlib import Path

from schema.api import schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    """The schema in SDL, ending with one newline."""
    return schema.as_str().rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else SDL_PATH
    target.write_text(sdl(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
