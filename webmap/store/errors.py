"""The database's faults as the app sees them (importable without the postgis extra)."""


class StoreError(Exception):
    """The database cannot be used: unreachable, lost mid-query, or without the schema."""
