"""What a process a test starts (a task worker, a cluster) needs before Django is set up: no Django here."""


class NoMigrations(dict):
    """``MIGRATION_MODULES`` of such a process: the tables are built from the models (seconds)
    instead of running every migration."""

    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None
