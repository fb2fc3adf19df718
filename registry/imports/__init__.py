"""The registry's importers (discovered by ``federation.ledgers.imports.framework``): roster and registers."""

from registry.imports import persons, registers  # noqa: F401 - registers the importers
