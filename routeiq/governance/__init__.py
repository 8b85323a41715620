"""Tenancy and governance: virtual keys, teams, users, customers, limits, budgets, spend.

I/O-free core: ``tokens`` (key generation and hashing), ``duration`` (budget
periods), ``window`` (the sliding-window counter), ``ledger`` (admission and
budget reservations), ``records`` (stored records as the hot path sees them),
``schemas`` (admin API bodies). At the edges: ``counters`` / ``shared`` (where
the counters live: this process or Redis), ``service`` (the record cache, the
change poll and the spend batches), ``wiring`` (built from the config). The
admin API is ``routeiq.api.governance_admin``; the durable store ``routeiq.db``.
"""
