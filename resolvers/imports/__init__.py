"""Bulk import of users' files (XLSX, CSV): the framework (framework.py, files.py) and one module
per kind, registered in `KINDS`."""

from resolvers.imports.framework import Kind
from resolvers.imports.hours import HOURS
from resolvers.imports.volunteers import VOLUNTEERS

#: every kind that can be imported, by name
KINDS: dict[str, Kind] = {kind.name: kind for kind in (VOLUNTEERS, HOURS)}
