"""The durable store of keys, teams, users, customers and spend logs.

One small interface (:class:`~routeiq.db.base.Database`), two engines: SQLite
(the embedded default, a file under ``routeiq.governance.data_dir``) and
PostgreSQL (``general_settings.database_url`` or ``DATABASE_URL``). Both are
driven through their blocking DB-API drivers in a worker thread, one statement
batch at a time, so a slow database never blocks the trio loop; the hot path
never reads them at all (``routeiq.governance.service`` keeps records in memory).
"""

from __future__ import annotations

from routeiq.db.base import Database, EntityRow, SchemaTooNew, SpendRow, open_database

__all__ = ["Database", "EntityRow", "SchemaTooNew", "SpendRow", "open_database"]
