"""``manage.py import_crt_sqlite``: import a CRT v0.9 installation (its two SQLite files).

Thin: parses options, calls :func:`memory.v09import.importer.run_import` (or
:func:`~memory.v09import.importer.verify_only`), prints the counts, the rejects and the
verification table. Exit status 1 on bad input or when verification finds a mismatch.
docs/MIGRATION.md is the operator's guide.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError

from memory.v09import.errors import ImportFailure
from memory.v09import.importer import ImportOptions, run_import, verify_only
from memory.v09import.schema import TABLES

logger = logging.getLogger("memory.v09import")


class Command(BaseCommand):
    help = ("Import CRT v0.9's crt_memory.db and crt_ledger.db (opened read-only, never changed): memories with "
            "their vectors, the trust log, the answer log and the contradiction ledger with its resolutions, "
            "worklog and lifecycle. Idempotent and resumable; rows it cannot import go to a rejects file; "
            "ends with a per-table verification (counts and checksums) and exits 1 on a mismatch.")

    def add_arguments(self, parser):
        parser.add_argument("--memory-db", required=True, metavar="PATH", help="v0.9 crt_memory.db")
        parser.add_argument("--ledger-db", required=True, metavar="PATH", help="v0.9 crt_ledger.db")
        parser.add_argument("--thread-owner", metavar="USER",
                            help="CRT user who owns every imported thread (v0.9 had no users); required")
        parser.add_argument("--create-owner", action="store_true",
                            help="create --thread-owner if it does not exist (no password; set one with changepassword)")
        parser.add_argument("--dry-run", action="store_true",
                            help="read and check everything, write the rejects file, change nothing in CRT")
        parser.add_argument("--verify-only", action="store_true",
                            help="only compare the files with what an earlier import stored")
        parser.add_argument("--batch-size", type=int, default=1000, metavar="N",
                            help="rows per transaction (default 1000)")
        parser.add_argument("--rejects", metavar="PATH",
                            help="rejects file, JSON lines (default var/imports/crt-import-rejects-<run id>.jsonl)")
        parser.add_argument("--defer-vector-index", choices=("auto", "always", "never"), default="auto",
                            help="drop the HNSW index during the load and rebuild it after (auto: for large imports)")
        parser.add_argument("--lock-timeout", type=float, default=5.0, metavar="SECONDS",
                            help="wait this long for a source file locked by another process, or for another "
                                 "import on this database to finish (default 5)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars (e.g. in scripts)")

    def handle(self, *args, **options):
        if options["batch_size"] < 1 or options["batch_size"] > 100_000:
            raise CommandError("--batch-size must be between 1 and 100000")
        if options["verify_only"] and options["dry_run"]:
            raise CommandError("--verify-only and --dry-run exclude each other")
        try:
            if options["verify_only"]:
                report = verify_only(memory_db=options["memory_db"], ledger_db=options["ledger_db"],
                                     owner=options["thread_owner"], batch_size=options["batch_size"],
                                     progress=not options["no_progress"], lock_timeout=options["lock_timeout"])
                self._verification(report)
                return
            result = run_import(ImportOptions(
                memory_db=options["memory_db"], ledger_db=options["ledger_db"], owner=options["thread_owner"],
                create_owner=options["create_owner"], dry_run=options["dry_run"], batch_size=options["batch_size"],
                rejects_path=options["rejects"], defer_vector_index=options["defer_vector_index"],
                lock_timeout=options["lock_timeout"], progress=not options["no_progress"]),
                log=self.stdout.write)
        except ImportFailure as exc:
            logger.error("import_crt_sqlite refused: %s", exc)
            raise CommandError(str(exc)) from None
        self._summary(result)
        if result.verification is not None:
            self._verification(result.verification)

    def _summary(self, result) -> None:
        w = self.stdout.write
        title = "Dry run (nothing written to CRT)" if result.dry_run else (
            f"Import {result.run_id}{' (resumed)' if result.resumed else ''}")
        w(f"{title}: {result.seconds:.1f} s")
        if result.owner_created:
            w("Created the owner account (no password yet: ./crt manage changepassword).")
        w(f"{'table':<24} {'read':>9} {'imported':>9} {'already':>9} {'rejected':>9}")
        for table in TABLES:
            c = result.counts[table.name]
            w(f"{table.name:<24} {c['read']:>9} {c['imported']:>9} {c['already_present']:>9} {c['rejected']:>9}")
        memories = result.counts["memories"]
        reembedded = memories.get("reembedded", {})
        if reembedded:
            detail = ", ".join(f"{status} {n}" for status, n in sorted(reembedded.items()))
            verb = "would be re-embedded" if result.dry_run else "re-embedded from their text"
            w(f"Vectors {verb}: {sum(reembedded.values())} ({detail}).")
        if memories.get("vectors_rounded"):
            w(f"Vectors with a value float32 rounded: {memories['vectors_rounded']}.")
        if not result.dry_run:
            w(f"HNSW vector index: {result.vector_index}.")
        if result.rejected:
            rest = "would be imported" if result.dry_run else "is in CRT"
            w(self.style.WARNING(f"{result.rejected} rows could not be imported; each is listed with its id and "
                                 f"reason in {result.rejects_path}. Everything else {rest}."))
        else:
            w(f"No rejected rows (rejects file: {result.rejects_path}).")

    def _verification(self, report) -> None:
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            bad = ", ".join(t.table for t in report.tables if not t.ok)
            logger.error("import verification failed for %s", bad)
            raise CommandError(f"Verification failed for {bad}: see the table above (missing = importable rows "
                               f"not in CRT, differ = content differs).")
        logger.info("import verification passed")
        self.stdout.write(self.style.SUCCESS("Verification passed: every table's counts and checksums match."))
