"""The one error a scenario raises on bad input, and how it names the place at fault.

```
ScenarioError        a scenario file, its base, a change or a sweep parameter is wrong;
                     the message names the file and a line/column (TOML syntax) or a key path
                     (`changes[2].town`), and says what to do; the CLI exits with code 2
BaseUnusable         raised by a base builder (`dataset.register_base_kind`), which knows the
                     base but not the scenario file; turned into a ScenarioError naming the
                     file and the line of `base.<key>` by `dataset.materialise`
```
Messages never echo personal data: only ids, keys and the values an analyst typed.
"""

from __future__ import annotations

from pathlib import Path


class ScenarioError(ValueError):
    """Bad scenario input. `where` is `line 3, column 5` or a key path like `changes[2].town`."""

    def __init__(self, file: str | Path | None, where: str, message: str) -> None:
        self.file = str(file) if file is not None else None
        self.where = where
        self.detail = message
        place = ": ".join(p for p in (self.file, where) if p)
        super().__init__(f"{place}: {message}" if place else message)

    def __reduce__(self) -> tuple[type, tuple[str | None, str, str]]:
        """Pickle with all three parts, so an error raised on a pool or Dask worker survives."""
        return (type(self), (self.file, self.where, self.detail))


class BaseUnusable(ValueError):
    """A base cannot be built; `key` is the `[base]` key at fault (`unit`, `date_from`, `url`)."""

    def __init__(self, key: str, message: str) -> None:
        self.key, self.detail = key, message
        super().__init__(f"base.{key}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.key, self.detail))
