"""The registry's importers (discovered by ``federation.imports.framework``): roster and registers."""

from registry.imports import persons  # noqa: F401 - registers the importer
