"""``routeiq keys create|list|info|delete``: the admin API from the command line.

Talks to a running gateway (``--url``, default http://127.0.0.1:4000) with the
master key (``--master-key``, else ``ROUTEIQ_MASTER_KEY`` or ``LITELLM_MASTER_KEY``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def _call(args: argparse.Namespace, method: str, path: str, **kw: Any) -> int:
    import httpx

    key = (
        args.master_key
        or os.environ.get("ROUTEIQ_MASTER_KEY")
        or os.environ.get("LITELLM_MASTER_KEY")
    )
    if not key:
        print("routeiq keys: give --master-key or set ROUTEIQ_MASTER_KEY", file=sys.stderr)
        return 2
    try:
        r = httpx.request(
            method, args.url.rstrip("/") + path, headers={"authorization": f"Bearer {key}"},
            timeout=30, **kw,
        )  # fmt: skip
    except httpx.HTTPError as exc:
        print(f"routeiq keys: {args.url}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(r.json(), indent=2))
    return 0 if r.status_code == 200 else 1


def _create(args: argparse.Namespace) -> int:
    body: dict[str, Any] = {}
    for name, field in (
        ("alias", "key_alias"), ("team", "team_id"), ("user", "user_id"), ("rpm", "rpm_limit"),
        ("tpm", "tpm_limit"), ("parallel", "max_parallel_requests"), ("budget", "max_budget"),
        ("budget_duration", "budget_duration"), ("duration", "duration"),
    ):  # fmt: skip
        value = getattr(args, name)
        if value is not None:
            body[field] = value
    if args.models:
        body["models"] = [m.strip() for m in args.models.split(",") if m.strip()]
    return _call(args, "POST", "/key/generate", json=body)


def add_parser(sub: Any) -> None:
    k = sub.add_parser("keys", help="virtual keys on a running gateway (admin API)")
    k.add_argument("--url", default="http://127.0.0.1:4000")
    k.add_argument("--master-key", default=None)
    ksub = k.add_subparsers(dest="keys_command", required=True)
    c = ksub.add_parser("create", help="POST /key/generate; prints the key once")
    c.add_argument("--alias")
    c.add_argument("--models", help="comma-separated model groups (wildcards allowed)")
    c.add_argument("--team")
    c.add_argument("--user")
    c.add_argument("--rpm", type=int)
    c.add_argument("--tpm", type=int)
    c.add_argument("--parallel", type=int)
    c.add_argument("--budget", type=float)
    c.add_argument("--budget-duration")
    c.add_argument("--duration", help="expiry, e.g. 30d")
    c.set_defaults(func=_create)
    ls = ksub.add_parser("list", help="GET /key/list")
    ls.add_argument("--page", type=int, default=1)
    ls.set_defaults(
        func=lambda a: _call(
            a,
            "GET",
            "/key/list",
            params={"page": a.page, "size": 100, "return_full_object": "true"},
        )
    )
    i = ksub.add_parser("info", help="GET /key/info")
    i.add_argument("key")
    i.set_defaults(func=lambda a: _call(a, "GET", "/key/info", params={"key": a.key}))
    d = ksub.add_parser("delete", help="POST /key/delete")
    d.add_argument("keys", nargs="+")
    d.set_defaults(func=lambda a: _call(a, "POST", "/key/delete", json={"keys": a.keys}))
