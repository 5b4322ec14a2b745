"""Errors of the v0.9 import. Each names the file and says what to do."""

from __future__ import annotations


class ImportFailure(Exception):
    """Base class: the import cannot start or continue; nothing of the current batch was written."""


class SourceError(ImportFailure):
    """A source file is unusable: missing, not SQLite, locked, or without the v0.9 tables/columns."""


class OwnerError(ImportFailure):
    """The ``--thread-owner`` is missing or unknown."""


class ImportBusy(ImportFailure):
    """Another import holds the import lock on this database."""
