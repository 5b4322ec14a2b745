"""Import of CRT v0.9's SQLite databases (``crt_memory.db``, ``crt_ledger.db``) — issue 6.

``manage.py import_crt_sqlite`` is a thin wrapper around :func:`memory.v09import.importer.run_import`
and :func:`memory.v09import.verify.verify_import`. The pieces:

* :mod:`.schema` — the v0.9 tables and columns (``../shared/NOTES.md``) and which values the
  import needs;
* :mod:`.source` — opens a v0.9 file strictly read-only (``file:…?mode=ro``), checks it is SQLite
  with the expected tables, holds one read transaction (a consistent snapshot) and streams rows
  in key order with ``fetchmany``;
* :mod:`.canonical` — the one canonical form of a row and its SHA-256, used on both sides of the
  verification;
* :mod:`.mapping` — pure functions from a v0.9 row to what CRT stores (or a reject reason);
* :mod:`.importer` — batches in transactions, resume state, rejects, the vector index;
* :mod:`.verify` — per table: source count vs imported count and checksums.

docs/MIGRATION.md is the operator's guide (cut-over and rollback).
"""
