"""The registry's importers that are more than a register's: the roster (``persons``)."""
