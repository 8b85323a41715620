"""Versioned schema migrations, applied at start-up in one transaction each.

``MIGRATIONS[i]`` brings the schema from version ``i`` to ``i + 1``. Types are
written once for both engines: ``{real}`` is REAL on SQLite and DOUBLE
PRECISION on PostgreSQL, ``{bigint}`` INTEGER / BIGINT. A database whose
version is newer than ``len(MIGRATIONS)`` was written by a newer gateway: this
one refuses to start rather than misread it.
"""

from __future__ import annotations

from routeiq.db.rollup import backfill

MIGRATIONS: list[list[str]] = [
    [
        # Records of every kind, one JSON document each. A deleted record stays as
        # a tombstone (data NULL) so that other processes polling `seq` see it go.
        """CREATE TABLE gov_entities (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            data TEXT,
            seq {bigint} NOT NULL,
            spend {real} NOT NULL DEFAULT 0,
            spend_period {bigint} NOT NULL DEFAULT 0,
            PRIMARY KEY (kind, id))""",
        "CREATE INDEX gov_entities_seq ON gov_entities (seq)",
        "CREATE TABLE gov_meta (name TEXT PRIMARY KEY, value {bigint} NOT NULL)",
        "INSERT INTO gov_meta (name, value) VALUES ('seq', 0)",
        # One row per answered request; row_id is the gateway's own (request ids
        # come from clients and may repeat), so a retried batch never doubles a row.
        """CREATE TABLE spend_logs (
            row_id TEXT PRIMARY KEY,
            request_id TEXT NOT NULL,
            key_hash TEXT,
            key_alias TEXT,
            team_id TEXT,
            user_id TEXT,
            end_user TEXT,
            model_group TEXT,
            deployment TEXT,
            prompt_tokens {bigint} NOT NULL DEFAULT 0,
            completion_tokens {bigint} NOT NULL DEFAULT 0,
            total_tokens {bigint} NOT NULL DEFAULT 0,
            spend {real} NOT NULL DEFAULT 0,
            status INTEGER NOT NULL,
            start_time {real} NOT NULL,
            end_time {real} NOT NULL,
            day TEXT NOT NULL)""",
        "CREATE INDEX spend_logs_start ON spend_logs (start_time)",
        "CREATE INDEX spend_logs_key ON spend_logs (key_hash, start_time)",
        "CREATE INDEX spend_logs_team ON spend_logs (team_id, start_time)",
    ],
    [
        # Daily totals per key, team, model and deployment (routeiq.db.rollup), kept by
        # each spend batch: the admin console's spend views read these, not the log.
        """CREATE TABLE spend_rollup (
            dim TEXT NOT NULL,
            day TEXT NOT NULL,
            value TEXT NOT NULL,
            label TEXT,
            spend {real} NOT NULL DEFAULT 0,
            requests {bigint} NOT NULL DEFAULT 0,
            tokens {bigint} NOT NULL DEFAULT 0,
            errors {bigint} NOT NULL DEFAULT 0,
            PRIMARY KEY (dim, value, day))""",
        # The key serves one value's days; this covering index a day range of one
        # dimension (the console's grouped views) without row lookups.
        "CREATE INDEX spend_rollup_read ON spend_rollup "
        "(dim, day, value, spend, requests, tokens, errors, label)",
        *backfill(),
        # The console's overview: the last hour/day's counts, tokens, spend and latency
        # read from this index alone (no row lookups).
        "CREATE INDEX spend_logs_recent ON spend_logs "
        "(start_time, status, total_tokens, spend, end_time)",
        # The console's model and deployment filters over the raw log.
        "CREATE INDEX spend_logs_model ON spend_logs (model_group, start_time)",
        "CREATE INDEX spend_logs_deployment ON spend_logs (deployment, start_time)",
    ],
    [
        # Learned routing (routeiq.learned): one row per routed request, written in
        # batches after the response. The embedding (float16) and text features are
        # base64 text so one column type serves both engines; they are what a
        # retraining needs (`routeiq router train --from-logs`), the prompt is not kept.
        """CREATE TABLE route_decisions (
            request_id TEXT PRIMARY KEY,
            response_id TEXT,
            ts {real} NOT NULL,
            route TEXT NOT NULL,
            router_version TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            embedding TEXT NOT NULL,
            features TEXT NOT NULL,
            prompt_tokens {bigint} NOT NULL,
            candidates TEXT NOT NULL,
            predicted TEXT NOT NULL,
            expected_cost TEXT NOT NULL,
            cost_weight {real} NOT NULL,
            choice TEXT NOT NULL,
            served_by TEXT,
            latency_ms {real},
            cost_usd {real},
            outcome TEXT NOT NULL)""",
        "CREATE INDEX route_decisions_response ON route_decisions (response_id)",
        "CREATE INDEX route_decisions_ts ON route_decisions (ts)",
        # Feedback may arrive before its decision's batch is written: no foreign key,
        # the two join when read (on the request id or the response id).
        """CREATE TABLE route_feedback (
            ref TEXT NOT NULL,
            score {real} NOT NULL,
            label TEXT,
            ts {real} NOT NULL)""",
        "CREATE INDEX route_feedback_ref ON route_feedback (ref)",
    ],
    [
        # Admin console sessions (routeiq.console.sessions) when the state store is
        # per process (memory): every worker of `--workers N` finds them here. `id` is
        # the SHA-256 of the cookie's value; `idle_until` is renewed on each page.
        """CREATE TABLE console_sessions (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            idle_until {real} NOT NULL,
            flash TEXT)""",
        "CREATE INDEX console_sessions_idle ON console_sessions (idle_until)",
        # Guardrail blocks and policy denials (routeiq.blocklog), written in batches
        # after the response: metadata only (which guard, why, who), never content.
        """CREATE TABLE guard_blocks (
            ts {real} NOT NULL,
            request_id TEXT NOT NULL,
            guard TEXT NOT NULL,
            reason TEXT NOT NULL,
            direction TEXT NOT NULL,
            key_alias TEXT,
            team_id TEXT,
            model TEXT)""",
        "CREATE INDEX guard_blocks_ts ON guard_blocks (ts)",
        # Blocks per minute, guard and reason, kept by the same batches: the console's
        # plots read these (measured by bench/console_load.py: grouping 200,000 rows
        # of a day took 0.45 s; a day here is at most 1,440 rows per guard and reason).
        """CREATE TABLE guard_block_minutes (
            minute {bigint} NOT NULL,
            guard TEXT NOT NULL,
            reason TEXT NOT NULL,
            blocks {bigint} NOT NULL,
            PRIMARY KEY (minute, guard, reason))""",
    ],
]

LATEST = len(MIGRATIONS)


def render(statement: str, *, real: str, bigint: str) -> str:
    return statement.format(real=real, bigint=bigint)
